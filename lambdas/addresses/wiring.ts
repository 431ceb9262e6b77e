// The address whitelist of the Lambda runtime (C1): signed rows of the accounts table, the system clock and
// the deploy settings (addressCoolingHours).

import { awsSignedRows } from '../kernel/aws/tables.js';
import { systemClock } from '../kernel/ports/clock.js';
import { envSettings, once } from '../kernel/runtime/aws-env.js';
import { AddressStore } from './address-store.js';

export const awsAddressStore = /* @__PURE__ */ once(
  () => new AddressStore(awsSignedRows().tables.accounts, { clock: systemClock, settings: envSettings() }),
);
