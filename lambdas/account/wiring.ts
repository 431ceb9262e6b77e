// The AccountStore of functions that must reach the user: contact data opened through the vault. Kept apart
// from aws-account-store.ts so that functions without that need carry no Lambda client and no vault access.

import { awsSignedRows } from '../kernel/aws/tables.js';
import { awsVault } from '../kernel/aws/vault.js';
import { once } from '../kernel/runtime/aws-env.js';
import { DynamoAccountStore } from './dynamo-account-store.js';

export const awsAccountStoreWithContacts = /* @__PURE__ */ once(
  () => new DynamoAccountStore(awsSignedRows().tables.accounts, { vault: awsVault() }),
);

/** The AccountStore of the Lambda runtime, without contact data. */
export const awsAccountStore = /* @__PURE__ */ once(
  () => new DynamoAccountStore(awsSignedRows().tables.accounts),
);

// Published to other contexts.
export { storedBlindIndexer } from './blind-index-key.js';
export { DynamoAccountStore } from './dynamo-account-store.js';
export { SignupStore } from './signup-store.js';
export { SuspensionLinks } from './suspension-links.js';
