// POST /v1/me/kyc/person (F1): the person data of an individual customer. Checked (person.ts checkPerson: an
// adult; a residence in a restricted country refused 403 JURISDICTION, the login's list and code, F4), sealed
// by the vault into the KYC record (E2), and handed to screening (F2): the roster entry now carries the legal
// name, date of birth and nationality (sealed) and the screening workflow screens them; its RecordForKyc step
// records the decision and the level it earns. 202 with the overview: the screening requirement is pending.
// Nothing of the data is logged.
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import type { ScreeningIntake } from '../../screening/contracts.js';
import { kycOverviewView, personBody } from '../contracts.js';
import type { KycStore } from '../kyc-store.js';
import { overviewOf } from '../overview.js';
import { checkPerson } from '../person.js';
import { awsKycPersonStore, awsKycScreeningIntake, KYC_CONFIG } from '../wiring.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'submitPerson'>;
  screeningIntake: Pick<ScreeningIntake, 'person'>;
  settings: Pick<Settings, 'withdrawalLimits' | 'restrictedCountries'>;
  clock: Clock;
}) =>
  httpHandler({ body: personBody }, async (request, event) => {
    const { userId } = callerOf(event);
    const now = ports.clock.now();
    const person = checkPerson(request.body, ports.settings, now);
    const record = await ports.kyc.submitPerson(userId, person, now.toISOString());
    await ports.screeningIntake.person({
      userId,
      name: `${person.legalName.given} ${person.legalName.family}`,
      birthDate: person.dateOfBirth,
      nationalities: [person.nationality],
    });
    logger.info('kyc person recorded', { level: record.level });
    const overview = overviewOf(record, KYC_CONFIG, ports.settings, now);
    return { status: 202, body: kycOverviewView.parse(overview) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    kyc: awsKycPersonStore(),
    screeningIntake: awsKycScreeningIntake(),
    settings: aws.settings(),
    clock: aws.clock,
  }),
);
