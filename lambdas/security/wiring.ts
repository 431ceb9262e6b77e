// The security context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances:
// the SECURITY rows (the hold), the security-change recorder, email and phone changes, change notices.
import { accountStoreWithIndex, blindIndexer, signupStore } from '../account/wiring.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { NoticeStore } from './change-notices.js';
import { ContactChangeFlow } from './contact-change.js';
import { ContactChangeStore } from './contact-change-store.js';
import { invokingContactCodes } from './contact-codes.js';
import { SecurityStateStore } from './hold.js';
import { auditedSecurityChanges } from './security-changes.js';

export const securityState = (infra: Pick<Infra, 'rows'>) =>
  new SecurityStateStore(infra.rows().tables.accounts);
export const noticeStore = (infra: Pick<Infra, 'rows'>) => new NoticeStore(infra.rows().tables.accounts);

/** B1/B2: records a security change (audit), starts or extends the hold and its workflow. */
export const securityChanges = (infra: Pick<Infra, 'rows' | 'workflows' | 'settings' | 'clock'>) =>
  auditedSecurityChanges(outboxOf(infra, { workflows: infra.workflows() }), {
    holds: securityState(infra),
    settings: infra.settings(),
  });

type ContactInfra = Pick<
  Infra,
  'rows' | 'keys' | 'vault' | 'invoke' | 'reauthIdentity' | 'workflows' | 'settings' | 'clock'
>;

/** B1: email and phone changes. */
export const contactChanges = (infra: ContactInfra) =>
  new ContactChangeFlow({
    identity: infra.reauthIdentity(),
    accounts: accountStoreWithIndex(infra),
    pending: new ContactChangeStore(infra.rows().tables.accounts),
    claims: signupStore(infra),
    blindIndex: blindIndexer(infra),
    vault: infra.vault(),
    codes: invokingContactCodes(infra.invoke('USER_MAIL_FUNCTION'), infra.invoke('SMS_FUNCTION')),
    securityChanges: securityChanges(infra),
    clock: infra.clock,
  });

/** The hold workflow's audit records, each written with its change (kernel/outbox.ts). */
export const awsSecurityOutbox = /* @__PURE__ */ once(() => outboxOf({ rows: aws.rows, clock: aws.clock }));
export const awsSecurityState = /* @__PURE__ */ once(() => securityState({ rows: aws.rows }));
export const awsNoticeStore = /* @__PURE__ */ once(() => noticeStore({ rows: aws.rows }));
export const awsSecurityChanges = /* @__PURE__ */ once(() =>
  securityChanges({ rows: aws.rows, workflows: aws.workflows, settings: aws.settings, clock: aws.clock }),
);
export const awsContactChanges = /* @__PURE__ */ once(() =>
  contactChanges({
    rows: aws.rows,
    keys: aws.keys,
    vault: aws.vault,
    invoke: aws.invoke,
    reauthIdentity: aws.reauthIdentity,
    workflows: aws.workflows,
    settings: aws.settings,
    clock: aws.clock,
  }),
);

// Published to other contexts.
export { awsAccountStoreWithContacts, awsSuspensionLinks } from '../account/wiring.js';
