// The screening context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances (F2).

import { caseWork } from '../cases/wiring.js';
import type { Asset } from '../kernel/assets.js';
import * as aws from '../kernel/aws/infra.js';
import { SCREENING_LISTS_BUCKET_ENV } from '../kernel/aws/list-store.js';
import { s3FromEnv } from '../kernel/aws/s3-client.js';
import type { Infra } from '../kernel/infra.js';
import { MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { type AddressScreen, SanctionedAddressIndex } from './address-index.js';
import { S3ListStaging } from './aws/s3-list-staging.js';
import { ScreeningIntake } from './intake.js';
import { ScreeningActions } from './screening-actions.js';
import { ScreeningStore } from './screening-store.js';
import { ScreeningWork } from './screening-work.js';

/** Decisions and freezes; each decision written with its audit record (the outbox's audit only). No roster. */
export const screeningStore = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new ScreeningStore(infra.rows().tables.accounts, outboxOf(infra));

/** The same with the roster, whose facts the vault seals and opens (E2): its functions hold `vault:invoke`. */
export const rosterStore = (infra: Pick<Infra, 'rows' | 'clock' | 'vault'>) =>
  new ScreeningStore(infra.rows().tables.accounts, outboxOf(infra), {
    // Asked for at the first seal or open, not when built: SignUp builds the sign-up flow (and so the intake)
    // but never enrols (VerifySignUp does), and holds no `vault:invoke`.
    encrypt: (binding, fields) => infra.vault().encrypt(binding, fields),
    decrypt: (binding, ciphertext) => infra.vault().decrypt(binding, ciphertext),
  });

export const screeningWork = (infra: Pick<Infra, 'rows' | 'clock' | 'lists' | 'vault'>) =>
  new ScreeningWork({
    lists: infra.lists(),
    store: rosterStore(infra),
    cases: caseWork(infra),
    clock: infra.clock,
  });

/** The sign-up's and KYC's hand-over: roster enrolment (sealed) and the start of the customer's screening. */
export const screeningIntake = (infra: Pick<Infra, 'rows' | 'clock' | 'workflows' | 'vault'>) =>
  new ScreeningIntake({ roster: rosterStore(infra), workflows: infra.workflows(), clock: infra.clock });

/** Recording a decision and acting on it, without the matcher (the address routes). */
export const screeningActions = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new ScreeningActions({ store: screeningStore(infra), cases: caseWork(infra), clock: infra.clock });
export const awsScreeningActions = /* @__PURE__ */ once(() =>
  screeningActions({ rows: aws.rows, clock: aws.clock }),
);

/** F2/C1: the sanctioned-address index, written by the list loader (LoadScreeningList, `npm run screening:load`). */
export const addressIndex = (infra: Pick<Infra, 'rows'>) =>
  new SanctionedAddressIndex(infra.rows().tables.accounts);

/**
 * F2/C1: the screening of a withdrawal destination against the index; a screening with no sanctions list
 * loaded (`not-screened`, never blocking) is counted as `ScreeningWithoutLists`, alarmed as for customers.
 */
export const addressScreen = (infra: Pick<Infra, 'rows'>): AddressScreen => {
  const index = addressIndex(infra);
  return {
    async screen(asset: Asset, address: string) {
      const screened = await index.screen(asset, address);
      if (screened.listVersions.length === 0)
        metrics.addMetric(SecurityMetric.ScreeningWithoutLists, MetricUnit.Count, 1);
      return screened;
    },
  };
};
export const awsAddressScreen = /* @__PURE__ */ once(() => addressScreen({ rows: aws.rows }));
export const awsAddressIndex = /* @__PURE__ */ once(() => addressIndex({ rows: aws.rows }));

export const awsScreeningStore = /* @__PURE__ */ once(() =>
  screeningStore({ rows: aws.rows, clock: aws.clock }),
);
export const awsScreeningWork = /* @__PURE__ */ once(() =>
  screeningWork({ rows: aws.rows, clock: aws.clock, lists: aws.lists, vault: aws.vault }),
);
export { awsAccountStore } from '../account/wiring.js';

/** F2: the staged files of load-screening-list requests, on the list bucket (the `screening-lists:*` env). */
export const awsListStaging = /* @__PURE__ */ once(() => {
  const bucket = process.env[SCREENING_LISTS_BUCKET_ENV];
  if (!bucket) throw new Error(`${SCREENING_LISTS_BUCKET_ENV} is not set`);
  return new S3ListStaging(s3FromEnv(), bucket, aws.clock);
});
