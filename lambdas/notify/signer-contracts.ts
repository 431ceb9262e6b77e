// The PgpMailSigner function's requests (B3): the only function that loads OpenPGP.js and reads the platform
// key. The user-mail function asks it to protect a body entity; the pgp-key route asks it to validate a key.
// Bytes travel base64; no address and no recipient data but the user's public key.
import * as z from 'zod/mini';
import type { CodeOf } from '../kernel/error-codes.js';

/** A framed email's body entity is a few tens of KB; far below Lambda's 6 MB synchronous payload. */
const MAX_ENTITY_BASE64 = 1024 * 1024;
/** Larger than the route's body limit, so that the validator itself reports PGP_KEY_TOO_LARGE. */
const MAX_KEY_CHARS = 64 * 1024;

export const signerRequest = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('protect'),
    entity: z.base64().check(z.minLength(1), z.maxLength(MAX_ENTITY_BASE64)),
    at: z.iso.datetime(),
    encryptTo: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_KEY_CHARS))),
  }),
  z.object({
    action: z.literal('validate-key'),
    armoredKey: z.string().check(z.maxLength(MAX_KEY_CHARS)),
    requireEncryption: z.boolean(),
    at: z.iso.datetime(),
  }),
]);
export type SignerRequest = z.infer<typeof signerRequest>;

export type ProtectResponse = { raw: string; keyUnusable?: undefined } | { keyUnusable: true };

/** A validated user key, as stored in the notification preferences (dates as ISO strings). */
export interface ValidatedKey {
  armored: string;
  fingerprint: string;
  version: number;
  algorithm: string;
  createdAt: string;
  expiresAt: string | null;
  canEncrypt: boolean;
}

/** A refusal is an answer, not a function error: its code and detail reach the client unchanged. */
export type ValidateKeyResponse =
  | { valid: true; key: ValidatedKey }
  | { valid: false; code: CodeOf<400>; message: string; detail: string };
