// The deploy-time rules of Palisade (regions, hold hours, restricted countries, approval policies): one typed
// schema read by CDK (from context), by every handler (from its environment) and by the local runtime.
import * as z from 'zod/mini';
import { DEFAULT_SMS_COUNTRIES, SMS_COUNTRIES } from './sms-country-list.js';

export const ADMIN_TIERS = ['support', 'operations', 'compliance', 'security', 'superadmin'] as const;
export type AdminTier = (typeof ADMIN_TIERS)[number];

export const ADMIN_ACTIONS = [
  'suspend-account',
  'restore-account',
  'reset-mfa',
  'change-user-email',
  'change-user-phone',
  'lift-hold',
  'change-withdrawal-limits',
  'decide-withdrawal',
  'reveal-personal-data',
  'disable-admin',
  'dismiss-case',
  'report-case',
  'lift-screening-freeze',
  'load-screening-list',
  'review-kyc-requirement',
  'set-kyc-level',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export type ApprovalPolicy = z.infer<ReturnType<typeof approvalPolicySchema>>;

const L2_UP: AdminTier[] = ['operations', 'compliance', 'security', 'superadmin'];
const L3_UP: AdminTier[] = ['security', 'superadmin'];

/** Defaults: what a deploy gets when context says nothing. */
export const DEFAULT_APPROVAL_POLICIES: Record<AdminAction, ApprovalPolicy> = {
  'suspend-account': { approvals: 1, approverTiers: L2_UP, expiryHours: 4 },
  'restore-account': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  'reset-mfa': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  'change-user-email': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  'change-user-phone': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  'lift-hold': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  'change-withdrawal-limits': {
    approvals: 2,
    approverTiers: ['compliance', 'security', 'superadmin'],
    expiryHours: 24,
  },
  'decide-withdrawal': {
    approvals: 1,
    approverTiers: ['compliance', 'security', 'superadmin'],
    expiryHours: 24,
  },
  'reveal-personal-data': {
    approvals: 1,
    approverTiers: ['compliance', 'security', 'superadmin'],
    expiryHours: 1,
  },
  'disable-admin': { approvals: 2, approverTiers: L3_UP, expiryHours: 24 },
  // F3: a case is closed by a second compliance officer (maker ≠ checker), never by another tier.
  'dismiss-case': { approvals: 1, approverTiers: ['compliance'], expiryHours: 72 },
  'report-case': { approvals: 1, approverTiers: ['compliance'], expiryHours: 72 },
  // F2: a screening freeze is lifted by a second compliance officer (maker ≠ checker), never by another tier.
  'lift-screening-freeze': { approvals: 1, approverTiers: ['compliance'], expiryHours: 72 },
  // F2: a new screening list version is loaded on one compliance officer's request and another's approval.
  'load-screening-list': { approvals: 1, approverTiers: ['compliance'], expiryHours: 72 },
  // F1: a KYC requirement the provider could not decide (or EDD's source of funds and second approval), decided
  // by one compliance officer's request and another's approval (maker ≠ checker: four eyes).
  'review-kyc-requirement': { approvals: 1, approverTiers: ['compliance'], expiryHours: 72 },
  // X4: a customer's KYC level set by hand (audited; a lowering takes effect at once), four eyes in compliance.
  'set-kyc-level': { approvals: 1, approverTiers: ['compliance'], expiryHours: 24 },
};

function approvalPolicySchema() {
  return z.object({
    approvals: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
    approverTiers: z.array(z.enum(ADMIN_TIERS)).check(z.minLength(1)),
    expiryHours: z.number().check(z.minimum(1), z.maximum(24 * 7)),
  });
}

/** The schema is built at its first use (a function's first settings parse), not when the module loads. */
function buildSettingsSchema() {
  const regionName = z
    .string()
    .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region name such as eu-west-1'));
  const countryCode = z
    .string()
    .check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as KP'));

  const decimalString = z
    .string()
    .check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/, 'a decimal such as 2.5'));

  const approvalPolicy = approvalPolicySchema();
  return z.object({
    primaryRegion: z._default(regionName, 'eu-west-1'),
    replicaRegion: z._default(regionName, 'eu-central-1'),
    /** B2: how long withdrawals stay blocked after a security change. */
    holdHours: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(24 * 30)), 72),
    /** F4: countries refused by IP (WAF geo match in the cloud, the login checks locally and in the cloud). */
    restrictedCountries: z._default(z.array(countryCode), ['CU', 'IR', 'KP', 'SY']),
    approvalPolicies: z._default(z.partialRecord(z.enum(ADMIN_ACTIONS), approvalPolicy), {}),
    /** C1: after its email link, a new withdrawal address waits this long before it may receive. */
    addressCoolingHours: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(24 * 7)), 24),
    /**
     * C2: withdrawal limits of the default KYC level, per asset, as decimal strings of the asset's unit
     * (levels come with KYC; until then every user has these). Daily is a rolling 24 h, monthly 30 days.
     */
    withdrawalLimits: z._default(
      z.record(z.enum(['BTC', 'ETH']), z.object({ daily: decimalString, monthly: decimalString })),
      { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
    ),
    /** C3: how long an unusual withdrawal waits for an admin decision before it is rejected. */
    withdrawalReviewHours: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(24 * 14)), 48),
    /**
     * A1/B1: the countries an SMS may go to (SMS pumping), among those of lambdas/kernel/sms-countries.ts;
     * the SendSms function refuses any other number. Empty: no SMS at all.
     */
    smsCountries: z._default(z.array(z.enum(SMS_COUNTRIES)), [...DEFAULT_SMS_COUNTRIES]),
    /**
     * F6: whether Palisade reports major ICT-related incidents under DORA (a financial entity in its scope):
     * an incident classified major then runs DORA's 4 h / 24 h, 72 h and one-month clocks too.
     */
    doraReporting: z._default(z.boolean(), false),
    /** F3: the reporting entity of goAML exports: its FIU id, local currency and reporting person (the MLRO). */
    goaml: z._default(
      z.object({
        rentityId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,32}$/)),
        currencyLocal: z.string().check(z.regex(/^[A-Z]{3}$/)),
        reportingPerson: z.object({
          firstName: z.string().check(z.minLength(1), z.maxLength(100)),
          lastName: z.string().check(z.minLength(1), z.maxLength(100)),
          email: z.email(),
        }),
      }),
      {
        rentityId: '0',
        currencyLocal: 'EUR',
        reportingPerson: {
          firstName: 'Money Laundering',
          lastName: 'Reporting Officer',
          email: 'mlro@palisade.invalid',
        },
      },
    ),
  });
}

type SettingsSchema = ReturnType<typeof buildSettingsSchema>;
let schema: SettingsSchema | undefined;
/** The settings' schema (lib/config.ts reads its keys). */
export function settingsSchema(): SettingsSchema {
  schema ??= buildSettingsSchema();
  return schema;
}

export type SettingsInput = z.input<SettingsSchema>;
export interface Settings extends Omit<z.infer<SettingsSchema>, 'approvalPolicies'> {
  approvalPolicies: Record<AdminAction, ApprovalPolicy>;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Parses raw settings (CDK context, a JSON env var, test overrides); a bad value fails with its path. */
export function parseSettings(raw: unknown): Settings {
  const result = z.safeParse(settingsSchema(), raw ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SettingsError(`Invalid Palisade settings: ${detail}`);
  }
  const s = result.data;
  if (s.primaryRegion === s.replicaRegion) {
    throw new SettingsError('Invalid Palisade settings: replicaRegion must differ from primaryRegion');
  }
  return { ...s, approvalPolicies: { ...DEFAULT_APPROVAL_POLICIES, ...s.approvalPolicies } };
}

export const holdDurationMs = (settings: Pick<Settings, 'holdHours'>): number =>
  settings.holdHours * 3_600_000;
