// The personal-data vault's requests (E2): seal a field group of one row, or open it. Only the vault holds the
// data key; every other function asks it, so plaintext personal data exists only where a feature needs it.
import * as z from 'zod/mini';
import { TABLES } from '../tables.js';

/**
 * The field groups sealed by the vault; one ciphertext per group per row. `credentials` holds tokens a login
 * has earned but not yet been given (further proofs pending), and the password of a login at its TOTP step
 * (a second ciphertext of that row, bound apart by its key's `field`).
 */
export const FIELD_GROUPS = ['contact', 'identity', 'address', 'document', 'chat', 'credentials'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

const text = z.string().check(z.minLength(1), z.maxLength(1024));

export const fieldBinding = z.object({
  table: z.enum(Object.values(TABLES).map((t) => t.logicalName) as [string, ...string[]]),
  key: z.record(z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]*$/)), text),
  group: z.enum(FIELD_GROUPS),
});

const fields = z.record(
  z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]*$/)),
  z.string().check(z.maxLength(4096)),
);

export const vaultRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('seal'), binding: fieldBinding, fields }),
  z.object({
    op: z.literal('open'),
    binding: fieldBinding,
    ciphertext: z.string().check(z.minLength(1), z.maxLength(64 * 1024)),
  }),
]);
export type VaultRequest = z.infer<typeof vaultRequest>;

export const sealResponse = z.object({ ciphertext: z.string() });
export const openResponse = z.object({ fields });
