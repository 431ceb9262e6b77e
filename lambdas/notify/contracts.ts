// Request and response shapes of the notification routes (B3, B4); read by the handlers and the OpenAPI
// document. The phrase's own rules (printable, no link) are checked by `checkPhrase` for specific codes.
import * as z from 'zod/mini';
import { totpCode } from '../kernel/shapes.js';
import { MAX_PHRASE_LENGTH } from './templates.js';

export const MIN_PHRASE_LENGTH = 3;

export const phraseRequest = z.strictObject({
  /** B4: 3–64 characters, one line, printable, no link or address. Never returned by any route. */
  phrase: z.string().check(z.maxLength(MAX_PHRASE_LENGTH * 4)),
});
export type PhraseRequest = z.infer<typeof phraseRequest>;

export const phraseResponse = z.object({
  antiPhishingPhrase: z.object({ set: z.boolean(), setAt: z.optional(z.iso.datetime()) }),
});

/** B1: re-authentication of a PGP key change: the password, and a current TOTP code when TOTP is on. */
const reauth = {
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: z.optional(totpCode),
};

export const pgpKeyRequest = z.strictObject({
  /** The ASCII-armored OpenPGP public key (`gpg --armor --export-options export-minimal --export`). */
  armoredKey: z.string().check(z.maxLength(16 * 1024)),
  /** Encrypt every email to this key as well as signing it (the key needs an encryption subkey). */
  encrypt: z.optional(z.boolean()),
  ...reauth,
});
export type PgpKeyRequest = z.infer<typeof pgpKeyRequest>;

/** POST /v1/me/pgp-key/remove: re-authentication only (a POST, as `/mfa/totp/disable`: DELETE has no body). */
export const pgpKeyRemoveRequest = z.strictObject(reauth);
export type PgpKeyRemoveRequest = z.infer<typeof pgpKeyRemoveRequest>;

export const pgpKeyResponse = z.object({
  pgpKey: z.object({
    fingerprint: z.string(),
    version: z.number(),
    algorithm: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.nullable(z.iso.datetime()),
    canEncrypt: z.boolean(),
    encrypt: z.boolean(),
  }),
});

export const pgpKeyRemovedResponse = z.object({ removed: z.boolean() });

export const platformKeyResponse = z.object({
  publicKey: z.string(),
  fingerprint: z.string(),
  version: z.number(),
  algorithm: z.string(),
  createdAt: z.iso.datetime(),
});
