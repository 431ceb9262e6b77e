// Test helper: synthesises the Palisade app exactly as bin/palisade.ts does (cdk.json context, composeApp,
// cdk-nag), with inline stub code unless a test checks bundling, into a throw-away output directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { composeApp, type PalisadeApp } from '../../lib/app.js';
import { STUB_CODE_CONTEXT_KEY } from '../../lib/config.js';
import { PROJECT_ROOT } from '../../lib/functions.js';

const CDK_JSON = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** cdk.json's context (feature flags and the `palisade` object), as the CLI hands it to the app. */
export const cdkJsonContext = (): Record<string, unknown> => structuredClone(CDK_JSON.context);

export interface Synthesised extends PalisadeApp {
  app: App;
  outdir: string;
  template: Template;
  /** The nested stack of the REST API and its firewall. */
  apiTemplate: Template;
  /** Every nested stack's template (the API's, the functions'), by the stack's logical id in its parent. */
  nestedTemplates: Map<string, Template>;
  /** The primary template and every nested one: where a primary-stack resource may live. */
  templates: Template[];
  /**
   * One template of every resource of the primary stack and its nested stacks, each value as the deployment
   * gives it: a nested stack's parameter replaced by what its parent passes, a nested stack's output by its
   * value there. So a route function's statement on a table names `{Fn::GetAtt: [<table>, Arn]}` here, as
   * it did when the function lived in the primary stack (getAttArn and ref of any construct apply).
   */
  merged: Template;
  replicaTemplate: Template;
  cleanup(): void;
}

/** Context as the CLI would pass it (cdk.json, then `-c` overrides); stub code unless `bundle` is set. */
export function synthPalisade(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'palisade-cdk-'));
  const app = new App({
    outdir,
    context: { ...CDK_JSON.context, [STUB_CODE_CONTEXT_KEY]: !options.bundle, ...context },
  });
  const built = composeApp(app);
  app.synth();
  const template = Template.fromJSON(templateOf(built.primary));
  const nestedTemplates = new Map(
    built.primary.node
      .findAll()
      .filter((c): c is NestedStack => c instanceof NestedStack)
      .map(
        (n) => [logicalId(n.nestedStackResource as CfnElement), Template.fromJSON(templateOf(n))] as const,
      ),
  );
  const merged = mergedTemplate(built.primary);
  return {
    ...built,
    app,
    outdir,
    template,
    apiTemplate: nestedTemplates.get(
      logicalId(built.primary.http.nestedStackResource as CfnElement),
    ) as Template,
    nestedTemplates,
    templates: [template, ...nestedTemplates.values()],
    merged,
    replicaTemplate: Template.fromStack(built.replica),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  } satisfies Synthesised;
}

let shared: Synthesised | undefined;

/**
 * `synthPalisade()` (cdk.json's context, stub code) made once per test process and shared by the infra files
 * that only read it: the `infra` project runs its files without isolation (vitest.config.ts), so a worker
 * synthesises the app once instead of once per file (~8 s each on the CI machine). A file that changes the
 * app or needs other context synthesises its own. Its cleanup does nothing: the output directory goes when
 * the process exits.
 */
export function sharedSynth(): Synthesised {
  if (!shared) {
    const made = synthPalisade();
    process.once('exit', made.cleanup);
    shared = { ...made, cleanup: () => {} };
  }
  return shared;
}

/** The CloudFormation logical id of a construct (its default child for L2 constructs). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export const getAttArn = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });

/** The queue's policy refuses every request without TLS (enforceSSL). */
export function expectTlsOnlyQueue(s: Synthesised, queue: IConstruct): void {
  s.merged.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: logicalId(queue) }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    },
  });
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every statement of every inline policy attached to a role, plus the role's managed policy ARNs. */
export function roleStatements(template: Template, roleLogicalId: string) {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties?.Roles ?? []) as unknown[];
    if (!roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    statements.push(...(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  return { statements, managedPolicies: (role?.Properties?.ManagedPolicyArns ?? []) as unknown[] };
}

export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

type Json = Record<string, unknown>;
/** A stack's template, read once: Template.fromStack synthesises the app again every time. */
const templates = new WeakMap<Stack, Json & { Resources: Json }>();
function templateOf(stack: Stack): Json & { Resources: Json } {
  let found = templates.get(stack);
  if (!found) {
    found = Template.fromStack(stack).toJSON() as Json & { Resources: Json };
    templates.set(stack, found);
  }
  return found;
}

/**
 * A value of `stack`'s template as the deployment gives it: a parameter of a nested stack becomes the value
 * its parent passes (followed up), `Fn::GetAtt [<nested stack>, Outputs.<name>]` the output's value there
 * (followed down). Any other reference stays as it is, naming a resource of the stack that holds it.
 */
export function deployedValue(stack: Stack, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => deployedValue(stack, v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Json);
  const [first] = entries;
  if (entries.length === 1 && first?.[0] === 'Ref' && stack instanceof NestedStack) {
    const parent = stack.nestedStackParent as Stack;
    const given = (templateOf(parent).Resources[logicalId(stack.nestedStackResource as CfnElement)] as Json)
      .Properties as { Parameters?: Json };
    const passed = given.Parameters?.[String(first[1])];
    if (passed !== undefined) return deployedValue(parent, passed);
  }
  if (entries.length === 1 && first?.[0] === 'Fn::GetAtt' && Array.isArray(first[1])) {
    const [target, attribute] = first[1] as [string, string];
    if (attribute.startsWith('Outputs.')) {
      const child = stack.node
        .findAll()
        .find(
          (c): c is NestedStack =>
            c instanceof NestedStack &&
            c.nestedStackParent === stack &&
            logicalId(c.nestedStackResource as CfnElement) === target,
        );
      const outputs = child ? (templateOf(child).Outputs as Record<string, { Value: unknown }>) : undefined;
      const output = outputs?.[attribute.slice('Outputs.'.length)];
      if (child && output) return deployedValue(child, output.Value);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, deployedValue(stack, v)]));
}

function mergedTemplate(primary: Stack): Template {
  const stacks = [
    primary,
    ...primary.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack),
  ];
  const resources: Json = {};
  for (const stack of stacks) {
    for (const [id, resource] of Object.entries(templateOf(stack).Resources)) {
      if (resources[id]) throw new Error(`Two stacks of the deployment have a resource ${id}`);
      resources[id] = deployedValue(stack, resource);
    }
  }
  return Template.fromJSON({ Resources: resources }, { skipCyclicalDependenciesCheck: true });
}

/**
 * How the API's nested stack refers to a construct of the primary stack or of another nested stack: the
 * `{Ref}` of the parameter its parent fills with that construct's ARN (CDK passes cross-stack references as
 * parameters, and a sibling's through the sibling's outputs).
 */
export function apiRefToArn(s: Pick<Synthesised, 'primary'>, construct: IConstruct): { Ref: string } {
  const wanted = JSON.stringify(getAttArn(construct));
  const http = s.primary.http;
  const given = (templateOf(s.primary).Resources[logicalId(http.nestedStackResource as CfnElement)] as Json)
    .Properties as { Parameters?: Json };
  const parameters = given.Parameters ?? {};
  const name = Object.keys(parameters).find(
    (key) => JSON.stringify(deployedValue(s.primary, parameters[key])) === wanted,
  );
  if (name) return { Ref: name };
  throw new Error(`No parameter of the API's nested stack carries the ARN of ${construct.node.path}`);
}
