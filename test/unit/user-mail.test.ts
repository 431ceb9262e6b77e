// The user-mail function's template path (A4, A6, A7, B3, B4): a template and its parameters in, the email
// as the user gets it out (rendered, framed with their phrase, signed through the PgpMailSigner function for a
// user with a key); the notification preferences store over signed rows; the phrase rules; the signer
// function's JSON round trip.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
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
import {
  mailBeforeOf,
  type NotificationPrefs,
  NotificationPrefsStore,
} from '../../lambdas/notify/notification-prefs.js';
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
    change: 'password',
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

describe('B1 B3 the notice of a PGP change is at least as protected as mail was before it', () => {
  const OLD = 'A'.repeat(40);
  const NEW = 'B'.repeat(40);
  const stored = (fingerprint: string, armored: string, encrypt: boolean) =>
    ({ fingerprint, armored, encrypt }) as NonNullable<NotificationPrefs['pgpKey']>;
  const retired = (fingerprint: string, armored: string) => ({
    ...stored(fingerprint, armored, true),
    retiredAt: START.toISOString(),
  });
  const notice = (change: 'pgp-key' | 'password', mailBefore?: { encryptedTo?: string }) => {
    const base = MESSAGES.find((m) => m.template === 'security-change');
    if (!base) throw new Error('expected a security-change message');
    return { ...base, change, ...(mailBefore ? { mailBefore } : {}) } as typeof base;
  };
  /** What the user-mail function does with the notice under `after` (the settings as stored when it is sent). */
  async function sent(after: Partial<NotificationPrefs> | undefined, message: ReturnType<typeof notice>) {
    prefs = after;
    const mailer = new CapturingMailer();
    const signer = new RecordingSigner();
    const out = await userMail(mailer, signer)({ userId: 'u-1', message });
    return { protection: out.protection, encryptTo: signer.calls.map((c) => c.encryptTo) };
  }

  it('B1 B3 removing a key mail was encrypted to: the notice is signed and encrypted to the removed key', async () => {
    expect(
      await sent({ retiredPgpKeys: [retired(OLD, 'OLD-KEY')] }, notice('pgp-key', { encryptedTo: OLD })),
    ).toEqual({
      protection: 'signed+encrypted',
      encryptTo: ['OLD-KEY'],
    });
  });

  it('B1 B3 removing a key mail was only signed for: the notice is still signed, though no key is left', async () => {
    expect(await sent(undefined, notice('pgp-key', {}))).toEqual({
      protection: 'signed',
      encryptTo: [undefined],
    });
  });

  it('B1 B3 turning encryption on: signed as before, not encrypted to the key just switched on', async () => {
    expect(await sent({ pgpKey: stored(OLD, 'KEY', true) }, notice('pgp-key', {}))).toEqual({
      protection: 'signed',
      encryptTo: [undefined],
    });
  });

  it('B1 B3 turning encryption off: the notice is still encrypted to the key, as mail was before', async () => {
    expect(
      await sent({ pgpKey: stored(OLD, 'KEY', false) }, notice('pgp-key', { encryptedTo: OLD })),
    ).toEqual({
      protection: 'signed+encrypted',
      encryptTo: ['KEY'],
    });
  });

  it('B1 B3 replacing a key mail was encrypted to: encrypted to the old key, never to the new one', async () => {
    const after = { pgpKey: stored(NEW, 'NEW-KEY', true), retiredPgpKeys: [retired(OLD, 'OLD-KEY')] };
    expect(await sent(after, notice('pgp-key', { encryptedTo: OLD }))).toEqual({
      protection: 'signed+encrypted',
      encryptTo: ['OLD-KEY'],
    });
    // The old key gone from the file meanwhile: signed, never plain, never to the new key.
    expect(
      await sent({ pgpKey: stored(NEW, 'NEW-KEY', true) }, notice('pgp-key', { encryptedTo: OLD })),
    ).toEqual({
      protection: 'signed',
      encryptTo: [undefined],
    });
  });

  it('B1 B3 without what mail was before (an older execution): signed, never encrypted to the key on file', async () => {
    expect(await sent({ pgpKey: stored(NEW, 'NEW-KEY', true) }, notice('pgp-key'))).toEqual({
      protection: 'signed',
      encryptTo: [undefined],
    });
    // Notices of other changes follow the settings as they are.
    expect(await sent({ pgpKey: stored(NEW, 'NEW-KEY', true) }, notice('password'))).toEqual({
      protection: 'signed+encrypted',
      encryptTo: ['NEW-KEY'],
    });
    expect(await sent(undefined, notice('password'))).toEqual({ protection: 'none', encryptTo: [] });
  });

  it('B1 B3 what mail was before is read from the settings the change found', () => {
    expect(mailBeforeOf(undefined)).toEqual({});
    expect(mailBeforeOf({ pgpKey: stored(OLD, 'KEY', false) } as NotificationPrefs)).toEqual({});
    expect(mailBeforeOf({ pgpKey: stored(OLD, 'KEY', true) } as NotificationPrefs)).toEqual({
      encryptedTo: OLD,
    });
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

  it('B1 B3 a replaced or removed key is kept for its notice: 8 days, 3 keys at most; encryption on or off retires none', async () => {
    const keyOf = (n: number, encrypt = true) => ({
      ...key,
      fingerprint: String(n).repeat(40),
      armored: `KEY-${n}`,
      encrypt,
    });
    const at = (days: number) => new Date(START.getTime() + days * 86_400_000);
    await store.setPgpKey('u-4', keyOf(1), at(0));
    await store.setPgpKey('u-4', keyOf(1, false), at(0.1));
    expect((await store.get('u-4'))?.retiredPgpKeys).toBeUndefined();
    await store.setPgpKey('u-4', keyOf(2), at(0.2));
    await store.setPgpKey('u-4', null, at(0.3));
    const removed = await store.get('u-4');
    expect(removed?.pgpKey).toBeUndefined();
    expect(removed?.retiredPgpKeys?.map((k) => [k.armored, k.encrypt, k.retiredAt])).toEqual([
      ['KEY-2', true, at(0.3).toISOString()],
      ['KEY-1', false, at(0.2).toISOString()],
    ]);
    // A key put back is current again, not retired; more than three retired keep the newest three.
    await store.setPgpKey('u-4', keyOf(1), at(0.4));
    for (const [i, n] of [3, 4, 5].entries()) await store.setPgpKey('u-4', keyOf(n), at(0.5 + i / 10));
    expect((await store.get('u-4'))?.retiredPgpKeys?.map((k) => k.armored)).toEqual([
      'KEY-4',
      'KEY-3',
      'KEY-1',
    ]);
    // A key change past eight days leaves only the key it retires.
    await store.setPgpKey('u-4', keyOf(6), at(9));
    expect((await store.get('u-4'))?.retiredPgpKeys?.map((k) => k.armored)).toEqual(['KEY-5']);
    // Any later write of the row drops them after their days, a phrase change as well.
    await store.setPhrase('u-4', 'purple otters', at(17.5));
    expect((await store.get('u-4'))?.retiredPgpKeys).toBeUndefined();
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
