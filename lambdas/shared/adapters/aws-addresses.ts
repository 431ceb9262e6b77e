// The address whitelist of the Lambda runtime (C1): signed rows of the accounts table, the system clock and
// the deploy settings (addressCoolingHours).
import { AddressStore } from '../../addresses/address-store.js';
import { systemClock } from '../ports/clock.js';
import { envSettings, once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';

export const awsAddressStore = once(
  () => new AddressStore(awsSignedRows().tables.accounts, { clock: systemClock, settings: envSettings() }),
);
