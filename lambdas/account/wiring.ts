// The account context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances.
// Both runtimes build them with these factories: local/ports.ts over the local infra, handlers over kernel/aws.
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { storedBlindIndexer } from './blind-index-key.js';
import { DynamoAccountStore } from './dynamo-account-store.js';
import { SignedSessionRefreshes } from './session-refresh.js';
import { SignupStore } from './signup-store.js';
import { SessionStepUps } from './step-up.js';
import { SuspensionLinks, SuspensionLinkUses } from './suspension-links.js';
import { workflowSuspensions } from './suspension-requests.js';

/** The AccountStore without contact data (no vault). */
export const accountStore = (infra: Pick<Infra, 'rows'>) =>
  new DynamoAccountStore(infra.rows().tables.accounts);

/** The AccountStore of functions that must reach the user: contact data opened through the vault. */
export const accountStoreWithContacts = (infra: Pick<Infra, 'rows' | 'vault'>) =>
  new DynamoAccountStore(infra.rows().tables.accounts, { vault: infra.vault() });

/** E2: the blind index of emails and phones (its secret a KMS-wrapped data key in a signed row). */
export const blindIndexer = (infra: Pick<Infra, 'rows' | 'keys'>) =>
  storedBlindIndexer(infra.rows().tables.accounts, infra.keys());

/** The AccountStore that creates accounts and changes contacts: the vault and the blind index. */
export const accountStoreWithIndex = (infra: Pick<Infra, 'rows' | 'vault' | 'keys'>) =>
  new DynamoAccountStore(infra.rows().tables.accounts, {
    vault: infra.vault(),
    blindIndex: blindIndexer(infra),
  });

/** A8: the refresh-token state of sessions (hashes and rotation counts). */
export const sessionRefreshes = (infra: Pick<Infra, 'rows'>) =>
  new SignedSessionRefreshes(infra.rows().tables.accounts);

/** Fresh step-ups of sessions (re-authentication within the session). */
export const stepUps = (infra: Pick<Infra, 'rows'>) => new SessionStepUps(infra.rows().tables.accounts);

/** A1/B1: pending sign-ups and the blind-index claims of emails and phones. */
export const signupStore = (infra: Pick<Infra, 'rows'>) => new SignupStore(infra.rows().tables.accounts);

/** A4: the "this wasn't me" links. */
export const suspensionLinks = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new SuspensionLinks(infra.rows().tables.accounts, infra.clock);

/** A4: using a "this wasn't me" link (its page's button). */
export const suspensionLinkUses = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new SuspensionLinkUses(infra.rows().tables.accounts, infra.clock);

/** A4/A5/D2: starting the account-suspension workflow. */
export const suspensionRequests = (infra: Pick<Infra, 'workflows'>) => workflowSuspensions(infra.workflows());

/** The suspension's audit record, written with it (kernel/outbox.ts). */
export const awsAccountOutbox = /* @__PURE__ */ once(() => outboxOf({ rows: aws.rows, clock: aws.clock }));
export const awsAccountStore = /* @__PURE__ */ once(() => accountStore({ rows: aws.rows }));
export const awsStepUps = /* @__PURE__ */ once(() => stepUps({ rows: aws.rows }));
export const awsAccountStoreWithContacts = /* @__PURE__ */ once(() =>
  accountStoreWithContacts({ rows: aws.rows, vault: aws.vault }),
);
export const awsAccountStoreWithIndex = /* @__PURE__ */ once(() =>
  accountStoreWithIndex({ rows: aws.rows, vault: aws.vault, keys: aws.keys }),
);
export const awsSignupStore = /* @__PURE__ */ once(() => signupStore({ rows: aws.rows }));
export const awsBlindIndexer = /* @__PURE__ */ once(() => blindIndexer({ rows: aws.rows, keys: aws.keys }));
export const awsSuspensionLinks = /* @__PURE__ */ once(() =>
  suspensionLinks({ rows: aws.rows, clock: aws.clock }),
);

export const awsSuspensionLinkUses = /* @__PURE__ */ once(() =>
  suspensionLinkUses({ rows: aws.rows, clock: aws.clock }),
);

export { storedBlindIndexer } from './blind-index-key.js';
export { DynamoAccountStore } from './dynamo-account-store.js';
export { SignupStore } from './signup-store.js';
export { isFreshStepUp } from './step-up.js';
export { SuspensionLinks, SuspensionLinkUses } from './suspension-links.js';
