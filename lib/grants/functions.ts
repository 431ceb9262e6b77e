// The grants of the invoke accesses: the right to call one catalogue INVOKABLE function, and its name in
// the variable ACCESS_ENV gives that access.
import type { Access } from '../../lambdas/catalogue.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, type GrantContext, type GrantTable } from './grant.js';

/** The invoked function, built before its callers (lib/palisade-stack.ts builds INVOKABLE first). */
function invoked(fn: PalisadeFunction, access: Access, ctx: GrantContext): PalisadeFunction {
  const target = ctx.invokables?.get(access);
  if (!target) throw new Error(`${fn.spec.id} needs ${access}, whose function is not built yet`);
  return target;
}

const invoke = (access: Access) => (fn: PalisadeFunction, ctx: GrantContext) =>
  allow(fn, ['lambda:InvokeFunction'], [invoked(fn, access, ctx).fn.functionArn]);
const nameOf = (fn: PalisadeFunction, access: Access, ctx: GrantContext) =>
  invoked(fn, access, ctx).fn.functionName;

export const FUNCTION_GRANTS = {
  'vault:invoke': {
    env: (fn, ctx) => ({ VAULT_FUNCTION: nameOf(fn, 'vault:invoke', ctx) }),
    apply: invoke('vault:invoke'),
  },
  'user-mail:send': {
    env: (fn, ctx) => ({ USER_MAIL_FUNCTION: nameOf(fn, 'user-mail:send', ctx) }),
    apply: invoke('user-mail:send'),
  },
  'pgp-signer:invoke': {
    env: (fn, ctx) => ({ PGP_SIGNER_FUNCTION: nameOf(fn, 'pgp-signer:invoke', ctx) }),
    apply: invoke('pgp-signer:invoke'),
  },
  'duress:check': {
    env: (fn, ctx) => ({ DURESS_FUNCTION: nameOf(fn, 'duress:check', ctx) }),
    apply: invoke('duress:check'),
  },
  'sms:invoke': {
    env: (fn, ctx) => ({ SMS_FUNCTION: nameOf(fn, 'sms:invoke', ctx) }),
    apply: invoke('sms:invoke'),
  },
  'task-answer:invoke': {
    env: (fn, ctx) => ({ TASK_ANSWER_FUNCTION: nameOf(fn, 'task-answer:invoke', ctx) }),
    apply: invoke('task-answer:invoke'),
  },
} satisfies Partial<GrantTable>;
