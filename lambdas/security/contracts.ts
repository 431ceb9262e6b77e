// Shapes of the B2 hold: GET /v1/me/security and the security-hold workflow's input.
import * as z from 'zod/mini';

export const SECURITY_CHANGE_KINDS = [
  'totp-disabled',
  'duress-password-set',
  'pgp-key-set',
  'pgp-key-removed',
] as const;

export const securityResponse = z.object({
  hold: z.object({ active: z.boolean(), endsAt: z.optional(z.iso.datetime()) }),
  lastChange: z.optional(z.object({ kind: z.enum(SECURITY_CHANGE_KINDS), at: z.iso.datetime() })),
});
export type SecurityResponse = z.infer<typeof securityResponse>;

/** Input of the security-hold workflow and of its tasks. */
export const holdInput = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  holdEndsAt: z.iso.datetime(),
});
export type HoldInput = z.infer<typeof holdInput>;
