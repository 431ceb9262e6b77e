// The user-mail function's template path (A4, A6, A7, B3, B4): a template and its parameters in, the email
// as the user gets it out (rendered, framed with their phrase, signed through the PgpMailSigner function for a
// user with a key); the notification preferences store over signed rows; the phrase rules; the signer
// function's JSON round trip.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityError, ValidationError } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { Mailer, OutgoingEmail } from '../../lambdas/kernel/ports/mailer.js';
import type { UserMailRequest } from '../../lambdas/kernel/ports/user-mail-contracts.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { answer } from '../../lambdas/notify/handlers/pgp-mail-signer.js';
import { makeHandler } from '../../lambdas/notify/handlers/send-user-mail.js';
import { splitMultipart } from '../../lambdas/notify/mime.js';
import { type NotificationPrefs, NotificationPrefsStore } from '../../lambdas/notify/notification-prefs.js';
import { EncryptionUnavailable, type MailSigner } from '../../lambdas/notify/notifier.js';
import { PgpMimeSigner } from '../../lambdas/notify/pgp.js';
import { PgpSignerClient } from '../../lambdas/notify/pgp-signer-client.js';
import { checkPhrase } from '../../lambdas/notify/phrase.js';
import type { SignerRequest } from '../../lambdas/notify/signer-contracts.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { LocalPgpKeySource } from '../../local/adapters/pgp-key.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const START = new Date('2026-03-01T10:15:00Z');
const clock = new ManualClock(START);

class CapturingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}

const account = { userId: 'u-1', username: 'sam' };
const accounts = {
  getAccount: async (userId: string) => (userId === account.userId ? { ...account } : undefined),
  contactOf: async (row: { userId: string }) => {
    if (row.userId !== account.userId) throw new Error('unknown account');
    return { email: 'sam@example.com', phone: '+491701234567' };
  },
};

let prefs: Partial<NotificationPrefs> | undefined;
const notificationPrefs = { get: async () => prefs as NotificationPrefs | undefined };

/** A signer that records what it was asked, for the paths that need no real key. */
class RecordingSigner implements MailSigner {
  readonly calls: { encryptTo: string | undefined }[] = [];
  constructor(private readonly unusable = false) {}
  async protect(entity: Uint8Array, _at: Date, encryptTo?: string) {
    this.calls.push({ encryptTo });
    if (encryptTo && this.unusable) return { keyUnusable: true as const };
    return { raw: entity };
  }
}

function userMail(mailer: Mailer, pgpSigner: MailSigner = new RecordingSigner()) {
  const handler = makeHandler({
    accounts: accounts as never,
    mailer,
    notificationPrefs,
    pgpSigner,
    clock,
  });
  return (request: unknown) => handler(request, lambdaContext('SendUserMail', 10_000));
}

const context = {
  at: START.toISOString(),
  ip: '203.0.113.9',
  country: 'DE',
  browser: 'Firefox 128 on Linux',
};
const BASE = 'https://api.palisade.example';

const MESSAGES: UserMailRequest['message'][] = [
  {
    template: 'login-notice',
    context,
    reportUrl: `${BASE}/v1/auth/suspend/tok-1`,
    reportExpiresAt: '2026-03-08T10:15:00.000Z',
  },
  { template: 'new-ip-code', code: '042917', expiresAt: '2026-03-01T10:30:00.000Z', context },
  {
    template: 'new-device-link',
    context,
    confirmUrl: `${BASE}/v1/auth/device-links/tok-2`,
    expiresAt: '2026-03-01T10:30:00.000Z',
  },
  { template: 'suspension-confirmed', at: START.toISOString() },
  { template: 'account-suspended', reason: 'user-reported', at: START.toISOString() },
  {
    template: 'withdrawal-update',
    asset: 'BTC',
    amount: '0.015',
    addressMasked: 'bc1qar…5mdq',
    status: 'dispatched',
    at: START.toISOString(),
  },
  {
    template: 'security-change',
    change: 'pgp-key',
    context,
    reportUrl: `${BASE}/v1/auth/suspend/tok-3`,
    reportExpiresAt: '2026-03-08T10:15:00.000Z',
  },
];

describe('the user-mail function renders templates', () => {
  it.each(MESSAGES.map((m) => [m.template, m] as const))(
    'B4 %s: rendered for the user, the phrase on top, no address in the body',
    async (_name, message) => {
      prefs = { phrase: 'purple otters' };
      const mailer = new CapturingMailer();
      const out = await userMail(mailer)({ userId: 'u-1', message });
      expect(out).toEqual({ messageId: 'm-1', protection: 'none' });
      const email = mailer.sent[0];
      if (!email || email.raw !== undefined) throw new Error('expected a simple email');
      expect(email.to).toBe('sam@example.com');
      expect(email.text.split('\n')[0]).toBe('Your anti-phishing phrase: "purple otters"');
      expect(email.html).toContain('<div id="anti-phishing-phrase"');
      expect(email.text).toContain('Hello sam,');
      expect(email.subject).not.toContain('purple');
      expect(`${email.text}${email.html}`).not.toContain('sam@example.com');
      expect(`${email.text}${email.html}`).not.toContain('1234567');
    },
  );

  it('A4 A6 A7 the login emails keep the subjects, codes and links the clients look for', async () => {
    prefs = undefined;
    const mailer = new CapturingMailer();
    const send = userMail(mailer);
    for (const message of MESSAGES.slice(0, 3)) await send({ userId: 'u-1', message });
    const [notice, code, device] = mailer.sent as [OutgoingEmail, OutgoingEmail, OutgoingEmail];
    expect(notice.subject).toMatch(/new sign-in/i);
    expect(notice.text).toContain(`${BASE}/v1/auth/suspend/tok-1`);
    expect(notice.text).toMatch(/IP address:\s+203\.0\.113\.9/);
    expect(notice.text).toMatch(/Country:\s+DE/);
    expect(code.subject).toMatch(/login code/i);
    expect(/\b(\d{6})\b/.exec(code.text ?? '')?.[1]).toBe('042917');
    expect(device.subject).toMatch(/new device/i);
    expect(device.text).toContain(`${BASE}/v1/auth/device-links/tok-2`);
    // Without a phrase, the same place says none is set: an email without the box is suspicious.
    expect(notice.text?.split('\n')[0]).toBe('Anti-phishing phrase: not set.');
  });

  it('B4 refuses what is not a template: free text, a script link, a short code, an unknown user', async () => {
    prefs = undefined;
    const send = userMail(new CapturingMailer());
    await expect(send({ userId: 'u-1', subject: 'Hi', text: 'free text' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      send({ userId: 'u-1', message: { ...MESSAGES[0], reportUrl: 'javascript:alert(1)' } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(send({ userId: 'u-1', message: { ...MESSAGES[1], code: '12345' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(send({ userId: 'nobody', message: MESSAGES[3] })).rejects.toThrow('Account not found');
  });

  it('B3 a user with a key: signed through the signer, encrypted only when asked; a secret is never sent in clear', async () => {
    const mailer = new CapturingMailer();
    const signer = new RecordingSigner();
    prefs = { pgpKey: { armored: 'KEY', encrypt: false } as NotificationPrefs['pgpKey'] };
    expect(await userMail(mailer, signer)({ userId: 'u-1', message: MESSAGES[0] })).toMatchObject({
      protection: 'signed',
    });
    prefs = { pgpKey: { armored: 'KEY', encrypt: true } as NotificationPrefs['pgpKey'] };
    expect(await userMail(mailer, signer)({ userId: 'u-1', message: MESSAGES[0] })).toMatchObject({
      protection: 'signed+encrypted',
    });
    expect(signer.calls).toEqual([{ encryptTo: undefined }, { encryptTo: 'KEY' }]);
    expect(mailer.sent.every((e) => e.raw !== undefined)).toBe(true);

    const unusable = new RecordingSigner(true);
    await expect(userMail(mailer, unusable)({ userId: 'u-1', message: MESSAGES[1] })).rejects.toBeInstanceOf(
      EncryptionUnavailable,
    );
    // A notice goes signed, with the note, after the key turned out unusable.
    expect(await userMail(mailer, unusable)({ userId: 'u-1', message: MESSAGES[0] })).toMatchObject({
      protection: 'signed',
    });
    expect(unusable.calls.map((c) => c.encryptTo)).toEqual(['KEY', 'KEY', undefined]);
  });
});

describe('B1 the notice of a PGP key change', () => {
  it('B1 B3 is signed but never encrypted to the key, which may be an attacker’s; other notices still are', async () => {
    const mailer = new CapturingMailer();
    const signer = new RecordingSigner();
    prefs = { pgpKey: { armored: 'NEW-KEY', encrypt: true } as NotificationPrefs['pgpKey'] };
    const keyNotice = MESSAGES.find((m) => m.template === 'security-change');
    if (!keyNotice) throw new Error('expected a security-change message');
    expect(await userMail(mailer, signer)({ userId: 'u-1', message: keyNotice })).toMatchObject({
      protection: 'signed',
    });
    const password = { ...keyNotice, change: 'password' } as typeof keyNotice;
    expect(await userMail(mailer, signer)({ userId: 'u-1', message: password })).toMatchObject({
      protection: 'signed+encrypted',
    });
    expect(signer.calls).toEqual([{ encryptTo: undefined }, { encryptTo: 'NEW-KEY' }]);
  });
});

describe('the PgpMailSigner function over JSON', () => {
  let stateDir: string;
  let client: PgpSignerClient;
  let published: openpgp.PublicKey;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-signer-'));
    const source = await LocalPgpKeySource.open(stateDir, { clock });
    published = await openpgp.readKey({ armoredKey: await source.publicKeyArmored() });
    const signer = new PgpMimeSigner(source);
    // Through JSON both ways, as a Lambda invoke carries it.
    client = new PgpSignerClient(async (request: SignerRequest) =>
      JSON.parse(JSON.stringify(await answer(signer, JSON.parse(JSON.stringify(request))))),
    );
  });
  afterAll(() => rm(stateDir, { recursive: true, force: true }));

  it('B3 signs a body entity byte-exact: the signature verifies with the platform key', async () => {
    const entity = new Uint8Array(Buffer.from('Content-Type: text/plain\r\n\r\nHello sam\r\n', 'latin1'));
    const out = await client.protect(entity, START);
    if (out.keyUnusable) throw new Error('expected an entity');
    const { contentType, parts } = splitMultipart(out.raw);
    expect(contentType).toMatch(/^multipart\/signed;/);
    expect(Buffer.from(parts[0] as Uint8Array).equals(Buffer.from(entity))).toBe(true);
    const part = Buffer.from(parts[1] as Uint8Array).toString('latin1');
    const armored = part.slice(part.indexOf('-----BEGIN'));
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ binary: entity }),
      signature: await openpgp.readSignature({ armoredSignature: armored }),
      verificationKeys: published,
      expectSigned: true,
      date: START,
    });
    expect(result.signatures[0]?.keyID.toHex()).toBe(published.getKeyID().toHex());
  });

  it('B3 validates keys there: a refusal keeps its code, a signing-only key cannot ask for encryption', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ email: 'sam@example.com' }],
      date: new Date('2026-02-01T00:00:00Z'),
    });
    const key = await client.validateKey(publicKey, { now: START, requireEncryption: true });
    expect(key).toMatchObject({ version: 4, canEncrypt: true, expiresAt: null });
    const refusal = await client
      .validateKey(privateKey, { now: START, requireEncryption: false })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).code).toBe('PGP_PRIVATE_KEY');
    expect(JSON.stringify((refusal as ValidationError).details)).not.toContain('PRIVATE KEY BLOCK');
    const signOnly = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ email: 'sam@example.com' }],
      subkeys: [{ sign: true }],
      date: new Date('2026-02-01T00:00:00Z'),
    });
    await expect(
      client.validateKey(signOnly.publicKey, { now: START, requireEncryption: true }),
    ).rejects.toMatchObject({ code: 'PGP_KEY_NO_ENCRYPTION' });
    // The encryption to a key that cannot encrypt: nothing signed, the caller decides.
    expect(await client.protect(new Uint8Array([65]), START, signOnly.publicKey)).toEqual({
      keyUnusable: true,
    });
  });
});

describe('B4 the anti-phishing phrase rules', () => {
  it('B4 accepts a short printable line, normalised', () => {
    expect(checkPhrase('  purple   otters  ')).toBe('purple otters');
    expect(checkPhrase('Grüne Äpfel 🍏 im Mai')).toBe('Grüne Äpfel 🍏 im Mai');
    expect(checkPhrase('Mr. Smith, 42')).toBe('Mr. Smith, 42');
  });

  it.each([
    ['ab', 'PHRASE_LENGTH'],
    ['x'.repeat(65), 'PHRASE_LENGTH'],
    ['two\nlines', 'PHRASE_NOT_PRINTABLE'],
    ['bidi \u202eevil', 'PHRASE_NOT_PRINTABLE'],
    ['zero\u200bwidth', 'PHRASE_NOT_PRINTABLE'],
    ['go to https://evil.example', 'PHRASE_HAS_LINK'],
    ['visit www.evil', 'PHRASE_HAS_LINK'],
    ['palisade-support.com', 'PHRASE_HAS_LINK'],
    ['mail me at a@b.io', 'PHRASE_HAS_LINK'],
    ['javascript:alert(1)', 'PHRASE_HAS_LINK'],
  ])('B4 refuses %j with %s', (phrase, code) => {
    expect(() => checkPhrase(phrase)).toThrow(expect.objectContaining({ code }));
  });
});

describe('the notification preferences store', () => {
  let dynamo: TestDynamo;
  let stateDir: string;
  let store: NotificationPrefsStore;
  const tableName = TABLES.accounts.logicalName;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-prefs-'));
    const keys = await LocalKeyService.open(stateDir);
    store = new NotificationPrefsStore(
      new SignedTable(
        dynamo.documents,
        { logicalName: tableName, tableName, partitionKey: 'pk', sortKey: 'sk' },
        new RowSigner(keys),
        new RowVerifier(keys, async () => {}),
      ),
    );
  });
  afterAll(async () => {
    await dynamo.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  const key = {
    armored: '-----BEGIN PGP PUBLIC KEY BLOCK-----…',
    fingerprint: 'ABCD',
    version: 4,
    algorithm: 'eddsaLegacy/ed25519Legacy',
    createdAt: '2026-02-01T00:00:00.000Z',
    expiresAt: null,
    canEncrypt: true,
    encrypt: true,
    addedAt: START.toISOString(),
  };

  it('B4 B3 keeps the phrase and the key side by side in one signed row per user', async () => {
    expect(await store.get('u-1')).toBeUndefined();
    await store.setPhrase('u-1', 'purple otters', START);
    await store.setPgpKey('u-1', key, new Date(START.getTime() + 1000));
    expect(await store.get('u-1')).toMatchObject({
      userId: 'u-1',
      phrase: 'purple otters',
      phraseSetAt: START.toISOString(),
      pgpKey: key,
      version: 2,
    });
    await store.setPgpKey('u-1', null, START);
    const after = await store.get('u-1');
    expect(after?.phrase).toBe('purple otters');
    expect(after?.pgpKey).toBeUndefined();
    expect(await store.get('u-2')).toBeUndefined();
  });

  it('B3 a row changed behind the store (someone swapping the key) fails closed', async () => {
    await store.setPgpKey('u-3', key, START);
    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'USER#u-3', sk: 'PREFS#notifications' } }),
    );
    await dynamo.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Item, pgpKey: { ...key, armored: 'ATTACKER KEY' } },
      }),
    );
    await expect(store.get('u-3')).rejects.toBeInstanceOf(IntegrityError);
  });
});
