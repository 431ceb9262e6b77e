// The one way Palisade emails a user: frames a rendered template with the user's anti-phishing phrase (B4)
// and the footer, then sends it as plain text + HTML, or, to a user who registered a PGP key (B3), as
// PGP/MIME signed with the platform key and, when the user asked, encrypted to their key.
import type { Clock } from '../kernel/ports/clock.js';
import type { Mailer } from '../kernel/ports/mailer.js';
import { html } from './html.js';
import { alternativeEntity } from './mime.js';
import { type FramedEmail, frame, type RenderedEmail } from './templates.js';

export interface Recipient {
  /** The address in clear: the mailer needs it; no template ever shows it. */
  email: string;
  /** B4 anti-phishing phrase, shown at the top of every email. */
  phrase?: string;
  /** B3: the user's armored public key, validated when it was registered. */
  pgpPublicKey?: string;
  /** B3: encrypt to `pgpPublicKey` as well as signing. */
  encrypt?: boolean;
  /** B1/B3: sign with the platform key even without a key of the user's (protection.ts). */
  sign?: boolean;
}

export type Protection = 'none' | 'signed' | 'signed+encrypted';

export interface SentEmail {
  messageId: string;
  protection: Protection;
}

/** A user asked for encrypted email and their key can no longer encrypt: a secret is not sent in clear. */
export class EncryptionUnavailable extends Error {
  override readonly name = 'EncryptionUnavailable';
}

/** The recipient registered a PGP key but this function was built without the platform signer. */
export class SignerMissing extends Error {
  override readonly name = 'SignerMissing';
}

/**
 * What the Notifier needs for B3: PGP/MIME protection of a body entity with the platform key. PgpMimeSigner
 * (pgp.ts, OpenPGP.js) implements it in-process; PgpSignerClient (pgp-signer-client.ts) asks the PgpMailSigner
 * function, so that the user-mail function carries no OpenPGP.js.
 */
export interface MailSigner {
  /**
   * multipart/signed around `entity` (signed at `at`) and, with `encryptTo` (the user's armored key),
   * multipart/encrypted around that. `keyUnusable`: `encryptTo` can no longer be encrypted to (nothing signed).
   */
  protect(entity: Uint8Array, at: Date, encryptTo?: string): Promise<ProtectedEntity>;
}

export type ProtectedEntity = { raw: Uint8Array; keyUnusable?: undefined } | { keyUnusable: true };

export const ENCRYPTION_FALLBACK_NOTE =
  'This email is signed but not encrypted: your PGP key can no longer be used for encryption (expired or revoked). Update it in your security settings.';

export class Notifier {
  private readonly mailer: Mailer;
  private readonly signer: MailSigner | undefined;
  private readonly clock: Clock;

  constructor(options: { mailer: Mailer; signer?: MailSigner; clock: Clock }) {
    this.mailer = options.mailer;
    this.signer = options.signer;
    this.clock = options.clock;
  }

  /**
   * Sends `message` to `to`. With a PGP key on file (or `sign`) every email is signed (fail closed: no signer,
   * no email). With encryption asked for but the key no longer usable, a notice goes signed with a note saying
   * so, while an email carrying a code or a link that grants something is refused (EncryptionUnavailable).
   */
  async send(to: Recipient, message: RenderedEmail): Promise<SentEmail> {
    const now = this.clock.now();
    if (!to.pgpPublicKey && !to.sign) {
      const framed = frame(message, to.phrase);
      const { messageId } = await this.mailer.send({
        to: to.email,
        subject: framed.subject,
        text: framed.text,
        html: framed.html,
      });
      return { messageId, protection: 'none' };
    }
    if (!this.signer) throw new SignerMissing('This email must be signed: this Notifier needs a signer');
    const encryptTo = to.encrypt && to.pgpPublicKey ? to.pgpPublicKey : undefined;
    const framed = frame(message, to.phrase);
    const first = await this.signer.protect(bodyOf(framed), now, encryptTo);
    if (!first.keyUnusable) {
      const { messageId } = await this.mailer.send({ to: to.email, subject: framed.subject, raw: first.raw });
      return { messageId, protection: encryptTo ? 'signed+encrypted' : 'signed' };
    }
    if (message.carriesSecret) {
      throw new EncryptionUnavailable(`Cannot encrypt the ${message.template} email to the user's PGP key`);
    }
    const noted = frame(withNote(message), to.phrase);
    const signed = await this.signer.protect(bodyOf(noted), now);
    if (signed.keyUnusable) throw new Error('A signature without encryption cannot need a usable key');
    const { messageId } = await this.mailer.send({ to: to.email, subject: noted.subject, raw: signed.raw });
    return { messageId, protection: 'signed' };
  }
}

/** The readable body every email has: text and HTML alternatives. */
export const bodyOf = (framed: FramedEmail): Uint8Array => alternativeEntity(framed.text, framed.html);

function withNote(message: RenderedEmail): RenderedEmail {
  return { ...message, text: `${ENCRYPTION_FALLBACK_NOTE}\n\n${message.text}`, html: noteHtml(message) };
}

function noteHtml(message: RenderedEmail) {
  return html`<p style="margin:0 0 16px;padding:8px 12px;background:#fff4e5;border-radius:6px">${ENCRYPTION_FALLBACK_NOTE}</p>${message.html}`;
}
