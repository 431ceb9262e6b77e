// End to end over HTTP, as a mobile client drives it (B3, B4): a user sets an anti-phishing phrase and the
// next login email shows it on top; registers an OpenPGP key (generated here with OpenPGP.js) and the next
// email is PGP/MIME signed, verifying with the platform key published at GET /v1/pgp-key (and with
// `gpg --verify` where gpg exists); asks for encryption and only their private key reads the next one; an
// invalid key is refused with its code; removing the key makes emails plain again.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../lambdas/kernel/ports/mailer.js';
import { splitMultipart } from '../../lambdas/notify/mime.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import type { LocalEmail } from '../../local/ses.js';
import { followLink, linkIn } from '../support/email-links.js';
import { createDevUser, eventually, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const clock = { now: () => new Date() };
let stateDir: string;
let cloud: LocalCloud;
/** What the mailer handed to SES, byte for byte: the "exported" messages a mail client would verify. */
const sent: OutgoingEmail[] = [];

const gpgVersion = spawnSync('gpg', ['--version'], { encoding: 'utf8' });
const GPG = gpgVersion.status === 0 ? (gpgVersion.stdout.split('\n')[0] ?? 'gpg') : undefined;
if (!GPG) console.warn('B3: the gpg binary is not on this machine: the e2e `gpg --verify` check is skipped');

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-notify-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  const mailer = cloud.ports.mailer;
  const send = mailer.send.bind(mailer);
  mailer.send = async (email) => {
    sent.push(email);
    return send(email);
  };
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** The fields these routes answer with (a loose view of the JSON bodies). */
interface Answer {
  status?: string;
  loginId?: string;
  challenge?: string;
  tokens?: { accessToken: string };
  error?: { code: string };
  antiPhishingPhrase?: { set: boolean };
  pgpKey?: Record<string, unknown>;
  publicKey?: string;
  fingerprint?: string;
  version?: number;
  removed?: boolean;
}

const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'user-agent': 'PalisadeTest/1.0 (iPhone)',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
};

async function outbox(to: string): Promise<LocalEmail[]> {
  const { emails } = (await (await localFetch(cloud, `/_local/outbox`)).json()) as { emails: LocalEmail[] };
  return emails.filter((e) => e.to.includes(to));
}
const lastMail = async (to: string, subject: RegExp) => {
  const mail = (await outbox(to)).filter((m) => subject.test(m.subject)).at(-1);
  if (!mail) throw new Error(`no mail ${subject} to ${to}`);
  return mail;
};

const newUser = (username: string): Promise<DevAccount> => createDevUser(cloud, username, PASSWORD);

/** A login: the first one passes the emailed code and the device link; later ones get tokens at once. */
async function login(user: DevAccount): Promise<string> {
  const address = `${user.username}@example.com`;
  const first = await call('POST', '/v1/auth/login', {
    username: user.username,
    password: PASSWORD,
    deviceId: 'device-notify-0001',
  });
  expect(first.status).toBe(200);
  if (first.body.status === 'authenticated') return first.body.tokens?.accessToken as string;
  const loginId = first.body.loginId as string;
  const code = /\b(\d{6})\b/.exec((await lastMail(address, /login code/i)).text ?? '')?.[1];
  const second = await call('POST', '/v1/auth/challenge', { loginId, challenge: 'ip-code', code });
  expect(second.body).toMatchObject({ challenge: 'device-confirmation' });
  const text = (await lastMail(address, /new device/i)).text ?? '';
  await followLink(linkIn(text, '/v1/auth/device-links/'));
  const done = await call('POST', '/v1/auth/challenge', { loginId, challenge: 'device-confirmation' });
  expect(done.body.status).toBe('authenticated');
  return done.body.tokens?.accessToken as string;
}

/** The login email just sent, as the mailer handed it over. */
function lastSent(to: string): OutgoingEmail {
  const email = sent.filter((e) => e.to === to).at(-1);
  if (!email) throw new Error(`nothing sent to ${to}`);
  return email;
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
/** RFC 3156: the signed part byte-exact and the armored detached signature. */
function signedParts(entity: Uint8Array) {
  const { contentType, parts } = splitMultipart(entity);
  expect(contentType).toMatch(/^multipart\/signed;.*protocol="application\/pgp-signature"/);
  const [signed, signaturePart] = parts as [Uint8Array, Uint8Array];
  const text = latin1(signaturePart);
  return { signed, signature: text.slice(text.indexOf('-----BEGIN PGP SIGNATURE-----')) };
}

async function userKey(options: { signOnly?: boolean } = {}) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Nora', email: 'nora@example.com' }],
    ...(options.signOnly ? { subkeys: [{ sign: true }] } : {}),
    format: 'armored',
  });
}

describe('notifications: anti-phishing phrase and PGP-signed email', () => {
  let nora: DevAccount;
  let token: string;
  const address = 'nora@example.com';

  beforeAll(async () => {
    nora = await newUser('nora');
    token = await login(nora);
  });

  it('B4 a phrase set over HTTP is on top of the next login email, text and HTML, never in the subject', async () => {
    const before = await lastMail(address, /new sign-in/i);
    expect(before.text?.split('\n')[0]).toBe('Anti-phishing phrase: not set.');

    const set = await call('PUT', '/v1/me/anti-phishing-phrase', { phrase: 'blue otters at dawn' }, token);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ antiPhishingPhrase: { set: true } });
    expect(JSON.stringify(set.body)).not.toContain('otters');

    await login(nora);
    const after = await lastMail(address, /new sign-in/i);
    expect(after.text?.split('\n')[0]).toBe('Your anti-phishing phrase: "blue otters at dawn"');
    expect(after.html).toMatch(/<div id="anti-phishing-phrase"[^>]*>.*blue otters at dawn/s);
    expect(after.subject).not.toContain('otters');
    expect(after.pgp).toBeUndefined();
  });

  it('B4 a phrase with a link, of the wrong length, or without a token is refused', async () => {
    const link = await call('PUT', '/v1/me/anti-phishing-phrase', { phrase: 'see evil-palisade.com' }, token);
    expect(link.status).toBe(400);
    expect(link.body.error?.code).toBe('PHRASE_HAS_LINK');
    const short = await call('PUT', '/v1/me/anti-phishing-phrase', { phrase: 'ab' }, token);
    expect(short.body.error?.code).toBe('PHRASE_LENGTH');
    expect((await call('PUT', '/v1/me/anti-phishing-phrase', { phrase: 'no token here' })).status).toBe(401);
  });

  it('B3 an invalid key is refused with its specific code, and nothing of a private key is echoed', async () => {
    const { privateKey } = await userKey();
    const asPrivate = await call(
      'PUT',
      '/v1/me/pgp-key',
      { armoredKey: privateKey, password: PASSWORD },
      token,
    );
    expect(asPrivate.status).toBe(400);
    expect(asPrivate.body.error?.code).toBe('PGP_PRIVATE_KEY');
    expect(JSON.stringify(asPrivate.body)).not.toContain('PRIVATE KEY BLOCK');
    const garbage = await call(
      'PUT',
      '/v1/me/pgp-key',
      { armoredKey: 'not a key', password: PASSWORD },
      token,
    );
    expect(garbage.body.error?.code).toBe('PGP_KEY_INVALID');
    const signOnly = await userKey({ signOnly: true });
    const noEncryption = await call(
      'PUT',
      '/v1/me/pgp-key',
      { armoredKey: signOnly.publicKey, encrypt: true, password: PASSWORD },
      token,
    );
    expect(noEncryption.body.error?.code).toBe('PGP_KEY_NO_ENCRYPTION');
    // Nothing was stored: the next email is still plain.
    await login(nora);
    expect(lastSent(address).raw).toBeUndefined();
  });

  it('B3 with a key registered, the next email is PGP/MIME signed and verifies with the published platform key', async () => {
    const platform = await call('GET', '/v1/pgp-key');
    expect(platform.status).toBe(200);
    const platformKey = await openpgp.readKey({ armoredKey: platform.body.publicKey ?? '' });
    expect(platform.body.fingerprint).toBe(platformKey.getFingerprint().toUpperCase());
    expect(platform.body.version).toBe(4);

    const { publicKey } = await userKey();
    const put = await call('PUT', '/v1/me/pgp-key', { armoredKey: publicKey, password: PASSWORD }, token);
    expect(put.status).toBe(200);
    expect(put.body.pgpKey).toMatchObject({ version: 4, encrypt: false, canEncrypt: true });
    expect(put.body.pgpKey?.armored).toBeUndefined();

    await login(nora);
    const mail = await lastMail(address, /new sign-in/i);
    expect(mail.pgp?.protection).toBe('signed');
    // Still readable, phrase on top: signing changes nothing a user sees.
    expect(mail.text?.split('\n')[0]).toBe('Your anti-phishing phrase: "blue otters at dawn"');

    const email = lastSent(address);
    if (email.raw === undefined) throw new Error('expected a raw PGP/MIME email');
    const { signed, signature } = signedParts(email.raw);
    expect(mail.pgp?.protection === 'signed' && mail.pgp.signature.trim()).toBe(signature.trim());
    const verified = await openpgp.verify({
      message: await openpgp.createMessage({ binary: signed }),
      signature: await openpgp.readSignature({ armoredSignature: signature }),
      verificationKeys: platformKey,
      expectSigned: true,
    });
    expect(verified.signatures[0]?.keyID.toHex()).toBe(platformKey.getKeyID().toHex());
    // B3: the outbox keeps the message as sent, byte for byte (.eml), so the user's own tool can check it.
    expect(mail.eml).toBeDefined();
    const eml = await localFetch(cloud, mail.eml ?? '');
    expect(eml.status).toBe(200);
    expect(eml.headers.get('content-type')).toMatch(/^message\/rfc822/);
    const emlText = await eml.text();
    expect(emlText.startsWith('From: no-reply@palisade.local\r\n')).toBe(true);
    expect(emlText.endsWith(latin1(email.raw))).toBe(true);
    const tampered = signed.slice();
    tampered[tampered.length - 30] = (tampered[tampered.length - 30] ?? 0) ^ 0x01;
    await expect(
      openpgp.verify({
        message: await openpgp.createMessage({ binary: tampered }),
        signature: await openpgp.readSignature({ armoredSignature: signature }),
        verificationKeys: platformKey,
        expectSigned: true,
      }),
    ).rejects.toThrow();

    if (!GPG) return;
    const home = await mkdtemp(join(tmpdir(), 'palisade-e2e-gpg-'));
    try {
      const gpg = (args: string[]) =>
        spawnSync('gpg', ['--homedir', home, '--batch', '--status-fd', '1', ...args], { encoding: 'utf8' });
      await writeFile(join(home, 'platform.asc'), platform.body.publicKey ?? '');
      await writeFile(join(home, 'signed.part'), signed);
      await writeFile(join(home, 'signature.asc'), signature);
      expect(gpg(['--import', join(home, 'platform.asc')]).status).toBe(0);
      const result = gpg(['--verify', join(home, 'signature.asc'), join(home, 'signed.part')]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`[GNUPG:] VALIDSIG ${platform.body.fingerprint}`);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('B3 with encryption asked for, only the user’s private key reads the next email, which is signed inside', async () => {
    const { publicKey, privateKey } = await userKey();
    const put = await call(
      'PUT',
      '/v1/me/pgp-key',
      { armoredKey: publicKey, encrypt: true, password: PASSWORD },
      token,
    );
    expect(put.status).toBe(200);
    await login(nora);
    const mail = await lastMail(address, /new sign-in/i);
    expect(mail.pgp?.protection).toBe('encrypted');
    expect(mail.text ?? '').not.toContain('blue otters');
    const armored = mail.pgp?.protection === 'encrypted' ? mail.pgp.message : '';
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
      format: 'binary',
    });
    const inner = new Uint8Array(data as Uint8Array);
    const { signed, signature } = signedParts(inner);
    const platformKey = await openpgp.readKey({
      armoredKey: (await call('GET', '/v1/pgp-key')).body.publicKey ?? '',
    });
    const verified = await openpgp.verify({
      message: await openpgp.createMessage({ binary: signed }),
      signature: await openpgp.readSignature({ armoredSignature: signature }),
      verificationKeys: platformKey,
      expectSigned: true,
    });
    expect(verified.signatures).toHaveLength(1);
    expect(latin1(signed)).toContain('blue otters at dawn');
  });

  it('B1 a PGP key change needs the password: a wrong or missing one changes nothing', async () => {
    const { publicKey } = await userKey();
    const security = await call('GET', '/v1/me/security', undefined, token);
    expect(security.body).toMatchObject({ lastChange: { kind: 'pgp-key-set' } });
    const wrong = await call(
      'PUT',
      '/v1/me/pgp-key',
      { armoredKey: publicKey, password: 'not my password' },
      token,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.code).toBe('REAUTH_FAILED');
    expect((await call('PUT', '/v1/me/pgp-key', { armoredKey: publicKey }, token)).status).toBe(400);
    const remove = await call('POST', '/v1/me/pgp-key/remove', { password: 'not my password' }, token);
    expect(remove.status).toBe(400);
    expect(remove.body.error?.code).toBe('REAUTH_FAILED');
    expect((await call('POST', '/v1/me/pgp-key/remove', {}, token)).status).toBe(400);
    // The removal is no longer a DELETE, which would carry no password.
    expect((await call('DELETE', '/v1/me/pgp-key', undefined, token)).status).toBe(405);
    // The encrypting key of the test before is still the one in use (the new one would only sign).
    await login(nora);
    expect((await lastMail(address, /new sign-in/i)).pgp?.protection).toBe('encrypted');
    // No change recorded (the next test counts the pgp-key records): the last change and the hold are as before.
    expect((await call('GET', '/v1/me/security', undefined, token)).body).toEqual(security.body);
  });

  it('B3 removing the key makes emails plain again; it is recorded as a security change', async () => {
    const removed = await call('POST', '/v1/me/pgp-key/remove', { password: PASSWORD }, token);
    expect(removed).toMatchObject({ status: 200, body: { removed: true } });
    const again = await call('POST', '/v1/me/pgp-key/remove', { password: PASSWORD }, token);
    expect(again.body).toEqual({ removed: false });
    await login(nora);
    const mail = await lastMail(address, /new sign-in/i);
    expect(mail.pgp).toBeUndefined();
    expect(mail.text?.split('\n')[0]).toBe('Your anti-phishing phrase: "blue otters at dawn"');
    expect(lastSent(address).raw).toBeUndefined();

    const records = (await cloud.ports.audit.range(1, 500)).items
      .filter((r) => r.target.id === nora.userId)
      .map((r) => r.action);
    expect(records.filter((a) => a.startsWith('security.pgp-key'))).toEqual([
      'security.pgp-key-set',
      'security.pgp-key-set',
      'security.pgp-key-removed',
    ]);
    expect(records).toContain('notifications.anti-phishing-phrase.set');
  });
});

describe('B1 B3 the notice of a PGP change is at least as protected as mail was before the change', () => {
  let pia: DevAccount;
  let token: string;
  const address = 'pia@example.com';
  let platformKey: openpgp.PublicKey;
  let k1: Awaited<ReturnType<typeof userKey>>;
  let k2: Awaited<ReturnType<typeof userKey>>;

  beforeAll(async () => {
    pia = await newUser('pia');
    token = await login(pia);
    platformKey = await openpgp.readKey({
      armoredKey: (await call('GET', '/v1/pgp-key')).body.publicKey ?? '',
    });
    [k1, k2] = [await userKey(), await userKey()];
  });

  const notices = () => sent.filter((e) => e.to === address && /^Security change/.test(e.subject));

  /** Makes a change and waits for its notice (the security-hold workflow sends it): as sent, and as the outbox keeps it. */
  async function change(make: () => Promise<{ status: number }>) {
    const before = notices().length;
    expect((await make()).status).toBe(200);
    const email = await eventually(async () => {
      const now = notices();
      if (now.length <= before) throw new Error('no notice yet');
      return now[now.length - 1] as OutgoingEmail;
    });
    if (email.raw === undefined) throw new Error('the notice went plain, unsigned');
    // The outbox keeps the message byte for byte: the .eml ends with the entity the mailer handed over.
    const raw = latin1(email.raw);
    const kept = await eventually(async () => {
      for (const mail of (await outbox(address))
        .filter((m) => /^Security change/.test(m.subject))
        .reverse()) {
        if ((await (await localFetch(cloud, mail.eml ?? '')).text()).endsWith(raw)) return mail;
      }
      throw new Error('not in the outbox yet');
    });
    return { raw: email.raw, kept };
  }
  const putKey = (key: { publicKey: string }, encrypt: boolean) => () =>
    call('PUT', '/v1/me/pgp-key', { armoredKey: key.publicKey, encrypt, password: PASSWORD }, token);
  const removeKey = () => call('POST', '/v1/me/pgp-key/remove', { password: PASSWORD }, token);

  /** multipart/signed by the platform key around the readable notice. */
  async function expectSigned(entity: Uint8Array) {
    const { signed, signature } = signedParts(entity);
    const verified = await openpgp.verify({
      message: await openpgp.createMessage({ binary: signed }),
      signature: await openpgp.readSignature({ armoredSignature: signature }),
      verificationKeys: platformKey,
      expectSigned: true,
    });
    expect(verified.signatures[0]?.keyID.toHex()).toBe(platformKey.getKeyID().toHex());
    expect(latin1(signed)).toContain('Your PGP key for signed and encrypted email was changed');
  }
  /** multipart/encrypted that only `to` reads (not `not`), with the signed notice inside. */
  async function expectEncrypted(raw: Uint8Array, to: typeof k1, not: typeof k1) {
    const { contentType, parts } = splitMultipart(raw);
    expect(contentType).toMatch(/^multipart\/encrypted;.*protocol="application\/pgp-encrypted"/);
    const armored = latin1(parts[1] as Uint8Array);
    const armoredMessage = armored.slice(armored.indexOf('-----BEGIN PGP MESSAGE-----'));
    const decrypt = async (key: typeof k1) =>
      openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage }),
        decryptionKeys: await openpgp.readPrivateKey({ armoredKey: key.privateKey }),
        format: 'binary',
      });
    await expect(decrypt(not)).rejects.toThrow();
    const { data } = await decrypt(to);
    await expectSigned(new Uint8Array(data as Uint8Array));
  }

  it('B1 B3 a first key (mail was plain): the notice is signed, not encrypted to the key it sets', async () => {
    const { raw, kept } = await change(putKey(k1, true));
    expect(kept?.pgp?.protection).toBe('signed');
    await expectSigned(raw);
  });

  it('B1 B3 replacing a key mail was encrypted to: the notice is encrypted to the old key, never to the new one', async () => {
    const { raw, kept } = await change(putKey(k2, true));
    expect(kept?.pgp?.protection).toBe('encrypted');
    await expectEncrypted(raw, k1, k2);
  });

  it('B1 B3 turning encryption off: the notice is still encrypted to the key, as mail was before', async () => {
    const { raw } = await change(putKey(k2, false));
    await expectEncrypted(raw, k2, k1);
    // Mail after the change follows the new settings: signed only.
    await login(pia);
    expect((await lastMail(address, /new sign-in/i)).pgp?.protection).toBe('signed');
  });

  it('B1 B3 turning encryption on: the notice is signed as mail was, not encrypted to the key just switched on', async () => {
    const { raw, kept } = await change(putKey(k2, true));
    expect(kept?.pgp?.protection).toBe('signed');
    await expectSigned(raw);
  });

  it('B1 B3 removing a key mail was encrypted to: the notice is encrypted to the removed key and signed, never plain', async () => {
    const { raw, kept } = await change(removeKey);
    expect(kept?.pgp?.protection).toBe('encrypted');
    await expectEncrypted(raw, k2, k1);
    // Mail after the removal is plain, as the user asked.
    await login(pia);
    expect(lastSent(address).raw).toBeUndefined();
  });

  it('B1 B3 removing a key mail was only signed for: the notice is still signed by the platform key', async () => {
    await change(putKey(k1, false));
    const { raw, kept } = await change(removeKey);
    expect(kept?.pgp?.protection).toBe('signed');
    await expectSigned(raw);
  });
});
