// What each production bundle can read and call, found in the bundle itself rather than by running a journey:
// the Palisade variables it names (`requireEnv("X")` and `invoker("X")` survive minification as `f("X")`), each
// of which the template must set, and the call each such variable leads to (the function it names, the secret,
// the queue, the sender address, the signing key), which the function's role must allow. Covers every
// function, including those no journey reaches.
import { readFileSync } from 'node:fs';
import { INVOKABLE } from '../../../lambdas/catalogue.js';
import { ACCESS_ENV } from '../../../lambdas/kernel/runtime/access-env.js';
import { variablesRead } from '../../../lib/bundle-reads.js';
import { type AuthzRequest, evaluate } from './iam.js';
import type { CloudFunction, CloudModel } from './template.js';

export { PALISADE_VARIABLES, variablesRead } from '../../../lib/bundle-reads.js';

export interface StaticFinding {
  function: string;
  /** The variable the bundle reads. */
  variable: string;
  kind: 'missing-variable' | 'denied';
  detail: string;
}

export interface StaticReport {
  /** Function id → the Palisade variables its bundle reads. */
  reads: Map<string, string[]>;
  findings: StaticFinding[];
}

const INVOKE_TARGETS = new Map<string, string>(
  INVOKABLE.map((i) => [ACCESS_ENV[i.access][0] as string, i.spec.id]),
);

/** The calls a variable's value leads to, given the value the function has (or would have) for it. */
function callsOf(variable: string, value: string, model: CloudModel, bundleText: string): AuthzRequest[] {
  const { account } = model.deployment;
  const byName = new Map(model.functions.map((f) => [f.name, f]));
  if (INVOKE_TARGETS.has(variable)) {
    const target = byName.get(value);
    return target ? [{ action: 'lambda:InvokeFunction', resource: target.arn, context: {} }] : [];
  }
  switch (variable) {
    case 'PGP_KEY_SECRET':
    case 'PGP_PUBLIC_KEY_SECRET':
      return [{ action: 'secretsmanager:GetSecretValue', resource: value, context: {} }];
    case 'CUSTODY_QUEUE_URL': {
      const queue = model.queues.find((q) => q.url === value);
      return queue ? [{ action: 'sqs:SendMessage', resource: queue.arn, context: {} }] : [];
    }
    case 'SIGNING_KEY_ID':
      // Every reader of signed rows verifies them with the key's public half.
      return [{ action: 'kms:GetPublicKey', resource: value, context: { 'kms:CallerAccount': account } }];
    case 'MAIL_FROM': {
      // The sender address leads to ses:SendEmail only where the bundle holds SESv2's SendEmail operation: the
      // platform key's initialiser reads it for the key's user id and sends nothing.
      if (!bundleText.includes('"SendEmail"')) return [];
      const domain = value.slice(value.lastIndexOf('@') + 1);
      const identity = model.mail.identities.find((i) => i.identity === value || i.identity === domain);
      return identity
        ? [identity.arn, ...(identity.configurationSetArn ? [identity.configurationSetArn] : [])].map(
            (resource) => ({
              action: 'ses:SendEmail',
              resource,
              context: { 'ses:FromAddress': value, 'ses:ApiVersion': '2' },
            }),
          )
        : [];
    }
    default:
      return [];
  }
}

/** The value a variable would have: the function's own, else the invoked function's name, else the template's one value. */
function valueFor(variable: string, fn: CloudFunction, model: CloudModel): string | undefined {
  const own = fn.environment[variable];
  if (own !== undefined) return own;
  const target = INVOKE_TARGETS.get(variable);
  if (target) return model.functions.find((f) => f.id === target)?.name;
  const values = model.variables.get(variable);
  return values?.size === 1 ? [...values][0] : undefined;
}

export function staticReport(model: CloudModel, bundles: ReadonlyMap<string, string>): StaticReport {
  const reads = new Map<string, string[]>();
  const findings: StaticFinding[] = [];
  for (const fn of model.functions) {
    const file = bundles.get(fn.id);
    if (!file) throw new Error(`No bundle for ${fn.id}`);
    const text = readFileSync(file, 'utf8');
    const names = variablesRead(text);
    reads.set(fn.id, names);
    for (const name of names) {
      if (fn.environment[name] === undefined) {
        const givenBy = Object.entries(ACCESS_ENV)
          .filter(([, vars]) => (vars as readonly string[]).includes(name))
          .map(([access]) => access);
        findings.push({
          function: fn.id,
          variable: name,
          kind: 'missing-variable',
          detail: `${fn.id}'s bundle reads ${name}, which the template does not set${
            givenBy.length ? ` (given with access ${givenBy.join(' or ')})` : ''
          }`,
        });
      }
      const value = valueFor(name, fn, model);
      if (value === undefined) continue;
      for (const request of callsOf(name, value, model, text)) {
        const decision = evaluate(fn.statements, request);
        if (decision.allowed) continue;
        findings.push({
          function: fn.id,
          variable: name,
          kind: 'denied',
          detail: `${fn.id} reads ${name} and so calls ${request.action} on ${request.resource}, which its role (${fn.roleName}) does not allow`,
        });
      }
    }
  }
  return { reads, findings };
}
