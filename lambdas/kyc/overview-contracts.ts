// F1/X4: the answer of GET /v1/me/kyc (and of the routes that change the record). Published through contracts.ts;
// a file of its own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';
import { OWNER_ROLES } from './business.js';
import { KYC_LEVELS, KYC_REQUIREMENTS } from './config.js';
import { REQUIREMENT_STATUSES } from './levels.js';
import { OWNER_WAITS } from './owners.js';

const limits = z.object({ daily: z.string(), monthly: z.string() });
const limitsPerAsset = z.object({ BTC: limits, ETH: limits });

/** The answer of GET /v1/me/kyc (levels.ts kycOverview): never the risk rating or its reasons. */
export const kycOverviewView = z.strictObject({
  level: z.enum(KYC_LEVELS),
  effectiveLevel: z.enum(KYC_LEVELS),
  limits: limitsPerAsset,
  refresh: z.optional(z.strictObject({ dueAt: z.iso.datetime(), overdue: z.boolean() })),
  next: z.optional(
    z.strictObject({
      level: z.enum(KYC_LEVELS),
      limits: limitsPerAsset,
      requirements: z.array(
        z.strictObject({ requirement: z.enum(KYC_REQUIREMENTS), status: z.enum(REQUIREMENT_STATUSES) }),
      ),
    }),
  ),
  /** F1: the business declared, the persons behind it with their names masked (E2) and screening standing. */
  business: z.optional(
    z.strictObject({
      registrationNumber: z.string(),
      jurisdiction: z.string(),
      declaredAt: z.iso.datetime(),
      owners: z.array(
        z.strictObject({
          ownerId: z.string(),
          role: z.enum(OWNER_ROLES),
          percent: z.optional(z.string()),
          name: z.string(),
          screening: z.enum(['pending', 'met']),
          /** F1: the owner's own KYC: their identity documents verified by the provider or a reviewer. */
          identity: z.enum(['missing', 'pending', 'in-review', 'met', 'rejected']),
          /** What this owner still needs before the business's `beneficial-owners` is met (empty: passed). */
          waiting: z.array(z.enum(OWNER_WAITS)),
        }),
      ),
    }),
  ),
  /** F1: enhanced due diligence asked of this customer (the rating itself is never shown). */
  edd: z.optional(
    z.array(z.strictObject({ requirement: z.enum(KYC_REQUIREMENTS), status: z.enum(REQUIREMENT_STATUSES) })),
  ),
});
export type KycOverviewView = z.infer<typeof kycOverviewView>;
