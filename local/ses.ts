// Email for the local runtime: the aws-ses-v2-local emulator started in-process on loopback, so the
// production SesMailer sends to it; its store is what /_local/outbox shows. Raw (PGP/MIME) emails are
// parsed by the emulator (mailparser): text and HTML of a signed email, the armored parts as attachments.
import { createRequire } from 'node:module';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type SesEmulator from 'aws-ses-v2-local';
import { SesMailer } from '../lambdas/kernel/aws/mailer.js';
import { DUMMY_CREDENTIALS } from './dynamo.js';
import { close, urlOf } from './listen.js';

// A CommonJS module whose `default` is the server factory; require() reads it the same under tsx and vitest.
const require = createRequire(import.meta.url);
const startServer = (require('aws-ses-v2-local') as typeof SesEmulator).default;

export const MAIL_FROM = 'no-reply@palisade.local';

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
  at: string;
}

export interface LocalSes {
  url: string;
  mailer: SesMailer;
  emails(): Promise<LocalEmail[]>;
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
  const client = new SESv2Client({ region, endpoint: url, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
  return {
    url,
    mailer: new SesMailer(client, MAIL_FROM),
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
          at: new Date(e.at * 1000).toISOString(),
        };
      });
    },
    async stop() {
      client.destroy();
      await close(server);
    },
  };
}
