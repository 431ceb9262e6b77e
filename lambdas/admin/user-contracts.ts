// D5/F2: a user's account as an admin sees it (GET /v1/admin/users/{userId}). Published through contracts.ts; a
// file of its own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';
import { HIT_CATEGORIES, SCREENING_ACTIONS, SCREENING_TRIGGERS } from '../screening/contracts.js';
import { PERSONAL_FIELDS } from './permissions.js';

/** D5: a user's account as an admin sees it; personal fields masked unless a reveal is in force. */
/**
 * F2: a screening decision in the admin user view: when, why, the band and what it led to, the list versions
 * used, the case and the freeze, the PEP flag; the listed parties' names (public lists), never the customer's
 * own data (the screened name is not in it).
 */
export const adminScreeningDecision = z.object({
  decisionId: z.string(),
  at: z.iso.datetime(),
  subject: z.enum(['customer', 'address']),
  addressId: z.optional(z.string()),
  trigger: z.enum(SCREENING_TRIGGERS),
  band: z.enum(['strong', 'medium', 'weak', 'pep', 'pep-weak', 'listed', 'clear', 'not-screened']),
  action: z.enum([...SCREENING_ACTIONS, 'none']),
  reason: z.string(),
  lists: z.array(z.object({ list: z.string(), version: z.string() })),
  /** The case the decision opened or joined (a case-opening band only). */
  caseId: z.optional(z.string()),
  /** Whether this decision froze (or found frozen) the customer's withdrawals: a strong sanctions hit. */
  frozen: z.boolean(),
  /** Absent: no PEP list version was used (PEP not screened). */
  pep: z.optional(z.object({ flagged: z.boolean(), roles: z.array(z.string()) })),
  hits: z.array(
    z.object({
      entityId: z.string(),
      list: z.string(),
      /** The listed name that matched (a public list's entry). */
      matchedName: z.string(),
      score: z.number(),
      category: z.enum(HIT_CATEGORIES),
      pepRoles: z.optional(z.array(z.string())),
    }),
  ),
});
export type AdminScreeningDecision = z.infer<typeof adminScreeningDecision>;

/** F2: the user's screening, for the tiers that hold the `cases` view only (compliance: tipping-off). */
export const adminUserScreening = z.object({
  /** The withdrawal freeze of a strong hit, and its lift. */
  state: z.object({
    frozen: z.boolean(),
    decisionId: z.optional(z.string()),
    caseId: z.optional(z.string()),
    frozenAt: z.optional(z.iso.datetime()),
    liftedAt: z.optional(z.iso.datetime()),
  }),
  /** The PEP status of the newest customer decision (what the KYC risk rating reads). */
  pep: z.enum(['pep', 'not-pep', 'not-screened']),
  /** The newest decisions (customer and addresses), newest first. */
  decisions: z.array(adminScreeningDecision),
});

export const adminUserResponse = z.object({
  userId: z.string(),
  username: z.string(),
  status: z.enum(['active', 'suspended', 'closed']),
  createdAt: z.iso.datetime(),
  suspendedAt: z.optional(z.iso.datetime()),
  suspensionReason: z.optional(z.string()),
  email: z.string(),
  phone: z.optional(z.string()),
  /** Fields shown in clear by a reveal in force for this admin and user, and until when. */
  revealed: z.array(z.object({ field: z.enum(PERSONAL_FIELDS), until: z.iso.datetime() })),
  hold: z.object({ active: z.boolean(), endsAt: z.optional(z.iso.datetime()) }),
  withdrawalLimits: z.optional(
    z.record(z.string(), z.object({ daily: z.string(), monthly: z.string(), setAt: z.iso.datetime() })),
  ),
  /** F2: present for the compliance tier (the `cases` view) only. */
  screening: z.optional(adminUserScreening),
  /** A8: the live sessions, newest first; source addresses masked. */
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      ip: z.optional(z.string()),
      device: z.string(),
    }),
  ),
  /** A7: the whitelisted devices, most recently seen first; never their ids (a factor of the user's logins). */
  devices: z.array(z.object({ name: z.string(), addedAt: z.string(), lastSeenAt: z.string() })),
  /** A9: the newest logins (at most ADMIN_LOGINS_SHOWN); source addresses masked. */
  logins: z.array(
    z.object({
      at: z.iso.datetime(),
      ip: z.string(),
      country: z.optional(z.string()),
      browser: z.string(),
      outcome: z.enum(['success', 'refused']),
      reason: z.optional(z.string()),
    }),
  ),
  /** B1/B2: the last security change (what started the hold, if one is running). */
  lastSecurityChange: z.optional(z.object({ kind: z.string(), at: z.iso.datetime() })),
  /** F1/X4: the KYC level (read only here); absent: no KYC record yet, the default level applies. */
  kyc: z.optional(
    z.object({ level: z.string(), refreshDueAt: z.optional(z.string()), updatedAt: z.iso.datetime() }),
  ),
});
export type AdminUserResponse = z.infer<typeof adminUserResponse>;
