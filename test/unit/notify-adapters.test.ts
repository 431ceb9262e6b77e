// The notification module's edges: MIME encoding, the SESv2 mailer (Simple and Raw content), the local SES
// emulator's outbox with PGP/MIME emails, the platform key from Secrets Manager and `GET /v1/pgp-key`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as openpgp from 'openpgp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeHeaderText, SesMailer } from '../../lambdas/kernel/aws/mailer.js';
import { secretsManagerClient } from '../../lambdas/kernel/aws/secrets-manager.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import {
  SecretsManagerPgpKeySource,
  SecretsManagerPgpPublicKey,
} from '../../lambdas/notify/aws/pgp-secrets.js';
import { makeHandler } from '../../lambdas/notify/handlers/get-pgp-key.js';
import {
  alternativeEntity,
  decodeQuotedPrintable,
  quotedPrintable,
  splitMultipart,
} from '../../lambdas/notify/mime.js';
import { Notifier } from '../../lambdas/notify/notifier.js';
import { PgpMimeSigner } from '../../lambdas/notify/pgp.js';
import { generatePlatformKey, PlatformKeyError, readPlatformKey } from '../../lambdas/notify/platform-key.js';
import { accountSuspended } from '../../lambdas/notify/templates.js';
import { LocalPgpKeySource } from '../../local/adapters/pgp-key.js';
import { type LocalSes, startSes } from '../../local/ses.js';
import {
  jsonError,
  type ScriptedAnswer,
  type StandIn,
  startStandIn,
} from '../support/signed-json-stand-in.js';

const START = new Date('2026-03-01T10:00:00Z');

describe('MIME encoding', () => {
  it('B3 quoted-printable keeps lines short, encodes trailing blanks, "From " and non-ASCII, and round-trips', () => {
    const text = `Grüße aus Zürich — ${'x'.repeat(100)}\nFrom the team \n.\nend=1`;
    const encoded = quotedPrintable(text);
    const lines = encoded.split('\r\n');
    expect(lines.every((l) => l.length <= 76)).toBe(true);
    expect([...Buffer.from(encoded, 'latin1')].every((b) => b < 128)).toBe(true);
    expect(lines).toContain('=46rom the team=20');
    expect(lines).toContain('=2E');
    expect(encoded).toContain('end=3D1');
    expect(decodeQuotedPrintable(encoded)).toBe(text);
  });

  it('B3 a multipart entity splits back into its parts byte for byte', () => {
    const entity = alternativeEntity('plain text', '<p>html</p>');
    const { contentType, parts } = splitMultipart(entity);
    expect(contentType).toMatch(/^multipart\/alternative; boundary="=_alt_[0-9a-f]{24}"$/);
    expect(parts.map((p) => Buffer.from(p).toString('latin1'))).toEqual([
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nplain text',
      'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>html</p>',
    ]);
  });

  it('subjects are one header line, RFC 2047-encoded when not plain ASCII', () => {
    expect(encodeHeaderText('New sign-in\r\nBcc: x@example.com')).toBe('New sign-in Bcc: x@example.com');
    const encoded = encodeHeaderText(`Änderung: ${'ü'.repeat(40)}`);
    expect(
      encoded.split('\r\n ').every((w) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(w) && w.length <= 75),
    ).toBe(true);
    const decoded = encoded
      .split('\r\n ')
      .map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe(`Änderung: ${'ü'.repeat(40)}`);
  });
});

describe('SesMailer', () => {
  let ses: StandIn;
  let mailer: SesMailer;
  beforeAll(async () => {
    ses = await startStandIn([], () => ({ status: 200, body: { MessageId: 'ses-1' } }));
    mailer = new SesMailer(
      () => ses.transport,
      'no-reply@palisade.example',
      () => START,
    );
  });
  afterAll(() => ses.close());

  it('B4 sends a simple email with its text and HTML bodies', async () => {
    expect(await mailer.send({ to: 'sam@example.com', subject: 'S', text: 'T', html: '<p>H</p>' })).toEqual({
      messageId: 'ses-1',
    });
    expect(ses.seen.at(-1)?.input).toEqual({
      FromEmailAddress: 'no-reply@palisade.example',
      Destination: { ToAddresses: ['sam@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'S', Charset: 'UTF-8' },
          Body: { Text: { Data: 'T', Charset: 'UTF-8' }, Html: { Data: '<p>H</p>', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('B3 sends a raw entity as SESv2 Raw content behind From, To, Subject, Date and MIME-Version', async () => {
    const entity = new Uint8Array(Buffer.from('Content-Type: text/plain\r\n\r\nbody', 'latin1'));
    await mailer.send({ to: 'sam@example.com', subject: 'Sicherheit: Änderung', raw: entity });
    const input = ses.seen.at(-1)?.input as {
      Destination?: unknown;
      Content?: { Raw?: { Data?: string } };
    };
    expect(input?.Destination).toEqual({ ToAddresses: ['sam@example.com'] });
    expect(Buffer.from(input?.Content?.Raw?.Data ?? '', 'base64').toString('latin1')).toBe(
      [
        'From: no-reply@palisade.example',
        'To: sam@example.com',
        `Subject: ${encodeHeaderText('Sicherheit: Änderung')}`,
        'Date: Sun, 01 Mar 2026 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain',
        '',
        'body',
      ].join('\r\n'),
    );
  });

  it('B3 refuses an address that would smuggle in a header', async () => {
    const raw = new Uint8Array(Buffer.from('Content-Type: text/plain\r\n\r\nx'));
    await expect(
      mailer.send({ to: 'sam@example.com\r\nBcc: eve@example.com', subject: 'S', raw }),
    ).rejects.toThrow(/Invalid email address/);
  });
});

describe('the local outbox with PGP/MIME emails', () => {
  const clock = new ManualClock(START);
  let stateDir: string;
  let local: LocalSes;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-outbox-'));
    local = await startSes('eu-west-1');
  });
  afterAll(async () => {
    await local.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('B3 shows plain, signed (readable, with its signature) and encrypted (armored message) emails', async () => {
    const signer = new PgpMimeSigner(await LocalPgpKeySource.open(stateDir, { clock }));
    const notifier = new Notifier({ mailer: local.mailer, signer, clock });
    const user = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ email: 'u@example.com' }],
      date: new Date('2026-02-01T00:00:00Z'),
    });
    const message = accountSuspended({ username: 'sam', reason: 'admin', at: clock.now() });
    await notifier.send({ email: 'plain@example.com', phrase: 'otters' }, message);
    await notifier.send(
      { email: 'signed@example.com', phrase: 'otters', pgpPublicKey: user.publicKey },
      message,
    );
    await notifier.send(
      { email: 'sealed@example.com', phrase: 'otters', pgpPublicKey: user.publicKey, encrypt: true },
      message,
    );
    const emails = await local.emails();
    const to = (address: string) => emails.find((e) => e.to.includes(address));
    expect(to('plain@example.com')).toMatchObject({ subject: 'Your Palisade account has been suspended' });
    expect(to('plain@example.com')?.pgp).toBeUndefined();
    expect(to('plain@example.com')?.text).toContain('Your anti-phishing phrase: "otters"');
    const signed = to('signed@example.com');
    expect(signed).toMatchObject({
      subject: 'Your Palisade account has been suspended',
      from: 'no-reply@palisade.local',
    });
    expect(signed?.text).toContain('Hello sam,');
    expect(signed?.html).toContain('id="anti-phishing-phrase"');
    expect(signed?.pgp).toMatchObject({ protection: 'signed' });
    expect(signed?.pgp?.protection === 'signed' && signed.pgp.signature).toMatch(
      /^-----BEGIN PGP SIGNATURE-----/,
    );
    const sealed = to('sealed@example.com');
    expect(sealed?.text).toBeUndefined();
    expect(sealed?.pgp?.protection).toBe('encrypted');
    const armored = sealed?.pgp?.protection === 'encrypted' ? sealed.pgp.message : '';
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: user.privateKey }),
      date: clock.now(),
    });
    expect(data).toMatch(/^Content-Type: multipart\/signed;/);
  });
});

describe('the platform key from Secrets Manager', () => {
  // A stand-in Secrets Manager (its JSON protocol, a scripted answer per request) behind our client.
  let stand: StandIn | undefined;
  const secretsAnswering = async (...answers: ScriptedAnswer[]) => {
    stand = await startStandIn(answers);
    const transport = stand.transport;
    return secretsManagerClient(() => transport);
  };
  const secret = (value: string) => ({ status: 200, body: { Name: 's', SecretString: value } });
  afterEach(async () => {
    await stand?.close();
    stand = undefined;
  });

  it('B3 reads the key pair once per container, retries after a failure, checks the private key', async () => {
    const pair = await generatePlatformKey({ name: 'Palisade', email: 'no-reply@palisade.example' }, START);
    const client = await secretsAnswering(
      jsonError(400, 'AccessDeniedException', 'not yet'),
      secret(JSON.stringify(pair)),
      // the public secret holds the public half alone
      secret(JSON.stringify({ publicKey: pair.publicKey })),
    );
    const source = new SecretsManagerPgpKeySource(client, 'palisade/pgp-key', (armored) =>
      readPlatformKey(armored),
    );
    await expect(source.privateKey()).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'not yet',
    });
    const key = await source.privateKey();
    expect(key.keyPacket.version).toBe(4);
    expect(await source.publicKeyArmored()).toBe(pair.publicKey);
    expect(stand?.seen.map((r) => [r.target, r.input])).toEqual([
      ['secretsmanager.GetSecretValue', { SecretId: 'palisade/pgp-key' }],
      ['secretsmanager.GetSecretValue', { SecretId: 'palisade/pgp-key' }],
    ]);

    stand?.seen.splice(0);
    const publicOnly = new SecretsManagerPgpPublicKey(client, 'palisade/pgp-public-key');
    expect(await publicOnly.publicKeyArmored()).toBe(pair.publicKey);
    expect(stand?.seen.map((r) => r.input)).toEqual([{ SecretId: 'palisade/pgp-public-key' }]);
  });

  it('B3 a malformed secret or a v6 key fails closed', async () => {
    const v6 = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ email: 'x@example.com' }],
      config: { v6Keys: true },
    });
    const client = await secretsAnswering(
      secret('-----BEGIN PGP PRIVATE KEY BLOCK-----'),
      secret(JSON.stringify(v6)),
    );
    await expect(
      new SecretsManagerPgpKeySource(client, 's', (a) => readPlatformKey(a)).privateKey(),
    ).rejects.toThrow();
    await expect(
      new SecretsManagerPgpKeySource(client, 's', (a) => readPlatformKey(a)).privateKey(),
    ).rejects.toBeInstanceOf(PlatformKeyError);
  });
});

describe('GET /v1/pgp-key', () => {
  it('B3 answers the platform public key and its fingerprint, publicly', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'palisade-pgp-route-'));
    try {
      const pgpKey = await LocalPgpKeySource.open(stateDir, { clock: new ManualClock(START) });
      const event = {
        body: null,
        headers: {},
        httpMethod: 'GET',
        path: '/v1/pgp-key',
        requestContext: { identity: { sourceIp: '203.0.113.9' } },
      } as unknown as APIGatewayProxyEvent;
      const res = await makeHandler({ pgpKey })(event, { awsRequestId: 'r-1' } as Context);
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body) as Record<string, string>;
      const key = await openpgp.readKey({ armoredKey: body.publicKey ?? '' });
      expect(key.isPrivate()).toBe(false);
      expect(body).toMatchObject({
        fingerprint: key.getFingerprint().toUpperCase(),
        version: 4,
        algorithm: 'eddsaLegacy/ed25519Legacy',
        createdAt: START.toISOString(),
      });
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
