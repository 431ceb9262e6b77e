// D2/X5: the parameters of the admin actions that take some, as strict zod schemas: the one source the approval
// plane checks a request against (actions.ts) and the admin console validates its forms with before it sends
// (console/src/action-form.tsx). Pure: zod and two constant lists, so the page's bundle holds no server module.
// Each schema is `z.lazy`: built on its first parse, so a request builds only its own action's (the same
// object, the same checks and messages).
import * as z from 'zod/mini';
import { ASSET_IDS, type Asset } from '../kernel/assets.js';
import { KYC_LEVELS, REVIEWABLE_REQUIREMENTS } from '../kyc/contracts.js';
import { PERSONAL_FIELDS } from './permissions.js';

export const NO_PARAMETERS = z.strictObject({});

export const CHANGE_EMAIL_PARAMETERS = z.lazy(() =>
  z.strictObject({ email: z.email().check(z.maxLength(254)) }),
);

export const CHANGE_PHONE_PARAMETERS = z.lazy(() =>
  z.strictObject({
    phone: z.string().check(z.regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 number')),
  }),
);

export const WITHDRAWAL_LIMITS_PARAMETERS = z.lazy(() => {
  const decimal = z
    .string()
    .check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/, 'a decimal such as 2.5'));
  return z.strictObject({
    asset: z.enum(ASSET_IDS as [Asset, ...Asset[]]),
    daily: decimal,
    monthly: decimal,
  });
});

export const DECIDE_WITHDRAWAL_PARAMETERS = z.lazy(() =>
  z.strictObject({
    userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
    outcome: z.enum(['approve', 'reject']),
  }),
);

export const REVEAL_PARAMETERS = z.lazy(() =>
  z.strictObject({
    fields: z.array(z.enum(PERSONAL_FIELDS)).check(z.minLength(1), z.maxLength(PERSONAL_FIELDS.length)),
    /** How long the reveal is in force once approved. */
    windowMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(60)),
  }),
);

/** F1: the compliance review of a KYC requirement in review: met or rejected. */
export const REVIEW_KYC_PARAMETERS = z.lazy(() =>
  z.strictObject({
    requirement: z.enum(REVIEWABLE_REQUIREMENTS),
    outcome: z.enum(['approve', 'reject']),
    /** F1: a business's beneficial owner whose identity check is in review (requirement `identity-verified`). */
    ownerId: z.optional(z.string().check(z.regex(/^bo_[0-9a-f]{24}$/, 'an owner id'))),
  }),
);

/** X4: the customer's KYC level, set by hand. */
export const SET_KYC_LEVEL_PARAMETERS = z.lazy(() => z.strictObject({ level: z.enum(KYC_LEVELS) }));

/** The actions on a user whose parameters the console asks for in a form (reveal has its own form). */
export const USER_PARAMETER_SCHEMAS = {
  'change-user-email': CHANGE_EMAIL_PARAMETERS,
  'change-user-phone': CHANGE_PHONE_PARAMETERS,
  'change-withdrawal-limits': WITHDRAWAL_LIMITS_PARAMETERS,
  'review-kyc-requirement': REVIEW_KYC_PARAMETERS,
  'set-kyc-level': SET_KYC_LEVEL_PARAMETERS,
} as const;
export type UserParameterAction = keyof typeof USER_PARAMETER_SCHEMAS;
