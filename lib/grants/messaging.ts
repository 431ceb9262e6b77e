// The grants of the messaging accesses: email (SES), SMS (SNS), the platform's OpenPGP keys and the
// custody queue, each through the grant method of the construct that owns the resource.
import type { PalisadeFunction } from '../functions.js';
import type { GrantContext, GrantTable } from './grant.js';

function custodyOf(fn: PalisadeFunction, ctx: GrantContext) {
  if (!ctx.custody) throw new Error(`${fn.spec.id} needs the custody queue, not built yet`);
  return ctx.custody;
}

export const MESSAGING_GRANTS = {
  'mail:send': { apply: (fn, { messaging }) => messaging.grantSendEmail(fn.role) },
  'sms:publish': { apply: (fn, { messaging }) => messaging.grantSendSms(fn.role) },
  'pgp-key:sign': {
    env: (_fn, { messaging }) => ({ PGP_KEY_SECRET: messaging.pgpKeySecret.secretArn }),
    apply: (fn, { messaging }) => messaging.grantPgpKey(fn.role),
  },
  'pgp-key:public': {
    env: (_fn, { messaging }) => ({ PGP_PUBLIC_KEY_SECRET: messaging.pgpPublicKeySecret.secretArn }),
    apply: (fn, { messaging }) => messaging.grantPgpPublicKey(fn.role),
  },
  // B3 at deploy time: the custom resource that generates the platform key into both secrets.
  'pgp-key:init': {
    env: (_fn, { messaging }) => ({
      PGP_KEY_SECRET: messaging.pgpKeySecret.secretArn,
      PGP_PUBLIC_KEY_SECRET: messaging.pgpPublicKeySecret.secretArn,
    }),
    apply: (fn, { messaging }) => messaging.grantPgpKeyInit(fn.role),
  },
  // C3: send a withdrawal to the custody system's queue.
  'custody:dispatch': {
    env: (fn, ctx) => ({ CUSTODY_QUEUE_URL: custodyOf(fn, ctx).queue.queueUrl }),
    apply: (fn, ctx) => custodyOf(fn, ctx).grantDispatch(fn.role),
  },
  // The user-mail function's queued emails that keep failing: Lambda sends them with the function's role.
  'mail:failures': {
    apply: (fn, ctx) => {
      if (!ctx.queuedMail)
        throw new Error(`${fn.spec.id} needs the queued-mail failures queue, not built yet`);
      ctx.queuedMail.grantFailures(fn.role);
    },
  },
} satisfies Partial<GrantTable>;
