// The address whitelist over the runtime's Infra (kernel/infra.ts), and its Lambda instance (C1).
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { AddressStore } from './address-store.js';
import { AddressTravelRules } from './address-travel-rules.js';

export const addressStore = (infra: Pick<Infra, 'rows' | 'clock' | 'settings'>) =>
  new AddressStore(infra.rows().tables.accounts, { clock: infra.clock, settings: infra.settings() });

/** F1: the Travel Rule rows of an address (beneficiary, ownership challenge and proof). */
export const addressTravelRules = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new AddressTravelRules(infra.rows().tables.accounts, { clock: infra.clock });
export const awsAddressTravelRules = /* @__PURE__ */ once(() =>
  addressTravelRules({ rows: aws.rows, clock: aws.clock }),
);

export const awsAddressStore = /* @__PURE__ */ once(() =>
  addressStore({ rows: aws.rows, clock: aws.clock, settings: aws.settings }),
);

/** The whitelist's follow-up steps: audit records and the confirmation email (kernel/outbox.ts). */
export const awsAddressOutbox = /* @__PURE__ */ once(() =>
  outboxOf({ rows: aws.rows, clock: aws.clock }, { mail: aws.userMail() }),
);

/** Confirming and removing: their audit records only. */
export const awsAddressAuditOutbox = /* @__PURE__ */ once(() =>
  outboxOf({ rows: aws.rows, clock: aws.clock }),
);

// Published to other contexts.
export { awsSuspensionLinks } from '../account/wiring.js';
export { awsAddressScreen, awsScreeningActions } from '../screening/wiring.js';
