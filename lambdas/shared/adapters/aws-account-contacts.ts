// The AccountStore of functions that must reach the user: contact data opened through the vault. Kept apart
// from aws-account-store.ts so that functions without that need carry no Lambda client and no vault access.
import { DynamoAccountStore } from '../../account/dynamo-account-store.js';
import { once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';
import { awsVault } from './aws-vault.js';

export const awsAccountStoreWithContacts = once(
  () => new DynamoAccountStore(awsSignedRows().tables.accounts, { vault: awsVault() }),
);
