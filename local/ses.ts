// Email for the local runtime: the aws-ses-v2-local emulator started in-process on loopback, so the
// production SesMailer sends to it; its store is what /_local/outbox shows. Raw (PGP/MIME) emails are
// parsed by the emulator (mailparser): text and HTML of a signed email, the armored parts as attachments.
import { createRequire } from 'node:module';
import type SesEmulator from 'aws-ses-v2-local';
import { rawMessage, SesMailer } from '../lambdas/kernel/aws/mailer.js';
import type { Mailer } from '../lambdas/kernel/ports/mailer.js';
import { alternativeEntity, quotedPrintable } from '../lambdas/notify/mime.js';
import { DUMMY_CREDENTIALS } from './dynamo.js';
import { close, urlOf } from './listen.js';

// A CommonJS module whose `default` is the server factory; require() reads it the same under tsx and vitest.
const require = createRequire(import.meta.url);
const startServer = (require('aws-ses-v2-local') as typeof SesEmulator).default;

export const MAIL_FROM = 'no-reply@palisade.local';
/** The local route of a sent message's raw MIME. */
export const EML_PATH = '/_local/outbox/message.eml';

/** A Simple email's body as one MIME entity: text/plain, or text and HTML alternatives. */
function simpleEntity(text: string, html: string | undefined): Uint8Array {
  if (html !== undefined) return alternativeEntity(text, html);
  return Buffer.from(
    `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(text)}`,
    'latin1',
  );
}

export interface LocalEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  /**
   * B3 PGP/MIME emails, as the emulator parsed them: a signed one keeps its readable text and HTML and shows
   * the detached signature here; an encrypted one has no readable body, only the armored OpenPGP message
   * (decrypt it with the user's private key).
   */
  pgp?: { protection: 'signed'; signature: string } | { protection: 'encrypted'; message: string };
  /** Where the message's raw MIME, byte for byte as sent, can be downloaded (`.eml`, for any mail tool). */
  eml?: string;
  at: string;
}

export interface LocalSes {
  url: string;
  mailer: Mailer;
  emails(): Promise<LocalEmail[]>;
  /** B3: the raw RFC 5322 message as sent (PGP/MIME byte for byte), so a user's tool can verify it. */
  raw(messageId: string): Uint8Array | undefined;
  stop(): Promise<void>;
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Raw emails: mailparser's attachments, content in base64. */
  attachments?: { contentType?: string; content?: string }[];
  at: number;
}

/** The PGP/MIME parts of a raw email the emulator stored as attachments. */
function pgpOf(email: StoredEmail): LocalEmail['pgp'] {
  const armored = (type: string) => {
    const part = email.attachments?.find((a) => a.contentType === type && typeof a.content === 'string');
    return part?.content === undefined ? undefined : Buffer.from(part.content, 'base64').toString('utf8');
  };
  const message = email.attachments?.some((a) => a.contentType === 'application/pgp-encrypted')
    ? armored('application/octet-stream')
    : undefined;
  if (message !== undefined) return { protection: 'encrypted', message };
  const signature = armored('application/pgp-signature');
  return signature === undefined ? undefined : { protection: 'signed', signature };
}

export async function startSes(region: string): Promise<LocalSes> {
  const server = await startServer({ host: '127.0.0.1', port: 0 });
  // As in listen(): the client, not the server, ends idle keep-alive sockets (no ECONNRESET race).
  server.keepAliveTimeout = 0;
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('SES emulator has no port');
  const url = urlOf('127.0.0.1', address.port);
  const sent = new Map<string, Uint8Array>();
  const transport = {
    region,
    endpoint: new URL(url),
    credentials: async () => DUMMY_CREDENTIALS,
  };
  const ses = new SesMailer(() => transport, MAIL_FROM);
  // The adapter AWS uses, recording each message's raw form as SES receives it (the emulator keeps only a
  // parsed copy): a Raw message byte for byte, a Simple one as its text and HTML alternative.
  const mailer: Mailer = {
    async send(email) {
      const at = new Date();
      const result = await ses.send(email);
      const entity = email.raw ?? simpleEntity(email.text, email.html);
      sent.set(
        result.messageId,
        rawMessage(MAIL_FROM, { to: email.to, subject: email.subject, raw: entity }, at),
      );
      return result;
    },
  };
  return {
    url,
    mailer,
    raw: (messageId) => sent.get(messageId),
    async emails() {
      const response = await fetch(`${url}/store`);
      if (!response.ok) throw new Error(`SES emulator store answered ${response.status}`);
      const { emails } = (await response.json()) as { emails: StoredEmail[] };
      return emails.map((e) => {
        const pgp = pgpOf(e);
        return {
          messageId: e.messageId,
          from: e.from,
          to: e.destination.to,
          subject: e.subject,
          ...(e.body.text !== undefined ? { text: e.body.text } : {}),
          ...(e.body.html !== undefined ? { html: e.body.html } : {}),
          ...(pgp ? { pgp } : {}),
          ...(sent.has(e.messageId) ? { eml: `${EML_PATH}?id=${encodeURIComponent(e.messageId)}` } : {}),
          at: new Date(e.at * 1000).toISOString(),
        };
      });
    },
    async stop() {
      await close(server);
    },
  };
}
