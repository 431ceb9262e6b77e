// The KYC context's components over the runtime's Infra (kernel/infra.ts). No Lambda instances yet: the
// routes and functions come when the primary stack's functions have moved into nested stacks (docs/kyc.md).

import type { Asset } from '../kernel/assets.js';
import type { Infra } from '../kernel/infra.js';
import type { AssetLimits, KycConfig } from './config.js';
import { effectiveLimits, type KycStanding } from './levels.js';

/**
 * What the withdrawal request will call for a user's limits of one asset (its optional `levelLimits` port):
 * the KYC record's standing → the level in force → its limits. `standingOf` reads the KYC record (to come).
 */
export const levelLimits =
  (
    infra: Pick<Infra, 'settings'>,
    config: KycConfig,
    standingOf: (userId: string) => Promise<KycStanding | undefined>,
  ) =>
  async (userId: string, asset: Asset, now: Date): Promise<AssetLimits> =>
    effectiveLimits(await standingOf(userId), config, infra.settings(), now)[asset];
