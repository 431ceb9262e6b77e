// POST /v1/me/kyc/business (F1): a business customer declares the company (registration number, jurisdiction,
// the incorporation document's upload slot) and its ownership graph. business.ts `declareBusiness` checks the
// graph (ownership.ts: a cycle, shares over 100 %, an unknown party … refused 400 with the rule, nothing written)
// and names the beneficial owners at or above the threshold (25 %), or the senior managing official when nobody
// reaches it. The company's facts and each owner's are sealed by the vault into the KYC record (E2), with the
// risk rating recomputed in the same write; then each owner is handed to screening (F2) under their own subject
// id, and the screening workflow's RecordForKyc step records their standing in this record. 202 with the
// overview (owners masked). Nothing of the data is logged.
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import type { ScreeningIntake } from '../../screening/contracts.js';
import { declareBusiness } from '../business.js';
import { businessBody, kycOverviewView } from '../contracts.js';
import type { KycStore } from '../kyc-store.js';
import { overviewOf } from '../overview.js';
import { awsKycPersonStore, awsKycScreeningIntake, KYC_CONFIG } from '../wiring.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'submitBusiness'>;
  screeningIntake: Pick<ScreeningIntake, 'person'>;
  settings: Pick<Settings, 'withdrawalLimits'>;
  clock: Clock;
}) =>
  httpHandler({ body: businessBody }, async (request, event) => {
    const { userId } = callerOf(event);
    const now = ports.clock.now();
    const declaration = declareBusiness(userId, request.body, KYC_CONFIG.beneficialOwnerThresholdPercent);
    const record = await ports.kyc.submitBusiness(userId, declaration, now.toISOString());
    for (const owner of declaration.owners) {
      await ports.screeningIntake.person({
        userId: owner.ownerId,
        name: owner.name,
        ...(owner.dateOfBirth ? { birthDate: owner.dateOfBirth } : {}),
        ...(owner.nationality ? { nationalities: [owner.nationality] } : {}),
      });
    }
    logger.info('kyc business recorded', {
      owners: declaration.owners.length,
      seniorManagingOfficial: declaration.ownership.seniorManagingOfficial !== undefined,
    });
    return { status: 202, body: kycOverviewView.parse(overviewOf(record, KYC_CONFIG, ports.settings, now)) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    kyc: awsKycPersonStore(),
    screeningIntake: awsKycScreeningIntake(),
    settings: aws.settings(),
    clock: aws.clock,
  }),
);
