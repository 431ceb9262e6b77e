// B1/B3: how mail to a user was protected just before a change of their PGP settings, as the route that made
// the change read it. Its own module: the security change and the hold workflow's input carry it, and their
// bundles need not hold every template's shape (user-mail-contracts.ts).
import * as z from 'zod/mini';

/** An OpenPGP key's fingerprint as Palisade stores it: upper-case hex, 40 (v4) or 64 (v6) digits. */
export const pgpFingerprint = z.string().check(z.regex(/^([0-9A-F]{40}|[0-9A-F]{64})$/));

/**
 * `encryptedTo`: the key mail was encrypted to (absent: signed or plain). A notice about the change is at least
 * as protected (lambdas/notify/protection.ts): always signed by the platform key, and encrypted to that key
 * while it is still on file, never to a key the change itself set.
 */
export const mailBefore = z.object({ encryptedTo: z.optional(pgpFingerprint) });
export type MailBefore = z.infer<typeof mailBefore>;
