// X4/F1: the answer of GET /v1/me/kyc (and of the KYC writes): the level overview (levels.ts `kycOverview`), the
// business with its owners masked (each with what they still need: `beneficial-owners`), and the EDD asked; never the risk rating, its reasons or a screening's band.
import type { Settings } from '../kernel/settings.js';
import type { KycConfig } from './config.js';
import { customerBusiness, customerEdd, customerRecordFacts, type KycRecord } from './kyc-store.js';
import { kycOverview } from './levels.js';
import { scopeOf } from './owners.js';

export function overviewOf(
  record: KycRecord | undefined,
  config: Pick<KycConfig, 'levels' | 'defaultLevel' | 'lapsedLevel'>,
  settings: Pick<Settings, 'withdrawalLimits'>,
  now: Date,
) {
  const standing = record && { level: record.level, refreshDueAt: record.refreshDueAt };
  const business = customerBusiness(record);
  const edd = customerEdd(record);
  return {
    ...kycOverview(standing, customerRecordFacts(record), config, settings, now, scopeOf(record)),
    ...(business ? { business } : {}),
    ...(edd ? { edd } : {}),
  };
}
