// GET /v1/me/kyc (X4): the caller's KYC level, the limits in force, the refresh, and what the next level needs
// with each requirement's status (levels.ts kycOverview). No record: the default level (`basic`, today's
// limits). A screening that is not clear reads as pending, never why (tipping-off); the risk rating is never
// shown.
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { kycOverviewView } from '../contracts.js';
import type { KycStore } from '../kyc-store.js';
import { overviewOf } from '../overview.js';
import { awsKycStore, KYC_CONFIG } from '../wiring.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'get'>;
  settings: Pick<Settings, 'withdrawalLimits'>;
  clock: Clock;
}) =>
  httpHandler({}, async (_request, event) => {
    const { userId } = callerOf(event);
    const record = await ports.kyc.get(userId);
    const overview = overviewOf(record, KYC_CONFIG, ports.settings, ports.clock.now());
    return { status: 200, body: kycOverviewView.parse(overview) };
  });

export const handler = lazyHandler(() =>
  makeHandler({ kyc: awsKycStore(), settings: aws.settings(), clock: aws.clock }),
);
