// B3: PGP/MIME email. A signed email is exported as a complete MIME message and verified the way a mail
// client does: split per RFC 3156, checked with OpenPGP.js and, where the machine has it, with
// `gpg --verify` in a throw-away GNUPGHOME; an encrypted one decrypts with the user's private key only; the
// user's key is validated before it is stored. Clock injected, no sleeps.
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMessage } from '../../lambdas/kernel/aws/mailer.js';
import { ValidationError } from '../../lambdas/kernel/errors.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { Mailer, OutgoingEmail } from '../../lambdas/kernel/ports/mailer.js';
import { decodeQuotedPrintable, splitMultipart } from '../../lambdas/notify/mime.js';
import { EncryptionUnavailable, Notifier, SignerMissing } from '../../lambdas/notify/notifier.js';
import { PgpMimeSigner, validateUserPublicKey } from '../../lambdas/notify/pgp.js';
import { inspectPublicKey } from '../../lambdas/notify/pgp-armor.js';
import { type PgpKeySource, publishedPlatformKey } from '../../lambdas/notify/pgp-key.js';
import { PlatformKeyError, readPlatformKey } from '../../lambdas/notify/platform-key.js';
import { loginNotice, newDeviceConfirmation } from '../../lambdas/notify/templates.js';
import { LOCAL_PGP_KEY_FILE, LocalPgpKeySource } from '../../local/adapters/pgp-key.js';

const FROM = 'no-reply@palisade.local';
const START = new Date('2026-03-01T10:00:00Z');
const CRLF = '\r\n';

const gpgVersion = spawnSync('gpg', ['--version'], { encoding: 'utf8' });
const GPG = gpgVersion.status === 0 ? (gpgVersion.stdout.split('\n')[0] ?? 'gpg') : undefined;
if (!GPG) console.warn('B3: the gpg binary is not on this machine: the `gpg --verify` checks are skipped');

class CapturingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
  last(): OutgoingEmail {
    const email = this.sent.at(-1);
    if (!email) throw new Error('nothing sent');
    return email;
  }
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
/** A body part's content after its headers. */
const contentOf = (part: Uint8Array) => latin1(part).slice(latin1(part).indexOf(`${CRLF}${CRLF}`) + 4);

/** The complete message as the adapter sends it: what a mail client receives and the test "exports". */
function exportMessage(email: OutgoingEmail, at: Date): Uint8Array {
  if (email.raw === undefined) throw new Error('expected a raw (PGP/MIME) email');
  return rawMessage(FROM, email, at);
}

/** RFC 3156 §5: the signed part byte-exact, and the armored signature of the second part. */
function signedParts(message: Uint8Array) {
  const { contentType, parts } = splitMultipart(message);
  expect(contentType).toMatch(/^multipart\/signed;/);
  expect(contentType).toContain('protocol="application/pgp-signature"');
  expect(parts).toHaveLength(2);
  const [signed, signaturePart] = parts as [Uint8Array, Uint8Array];
  expect(latin1(signaturePart)).toMatch(/^Content-Type: application\/pgp-signature/);
  return { contentType, signed, signature: contentOf(signaturePart) };
}

/** The readable text/plain of the signed multipart/alternative entity. */
function textOf(signed: Uint8Array): string {
  const { parts } = splitMultipart(signed);
  const plain = parts.find((p) => latin1(p).startsWith('Content-Type: text/plain'));
  if (!plain) throw new Error('no text part');
  return decodeQuotedPrintable(contentOf(plain));
}

async function userKey(
  options: { date?: Date; keyExpirationTime?: number; subkeys?: openpgp.SubkeyOptions[] } = {},
) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Sam', email: 'sam@example.com' }],
    date: options.date ?? new Date('2026-02-01T00:00:00Z'),
    ...(options.keyExpirationTime ? { keyExpirationTime: options.keyExpirationTime } : {}),
    ...(options.subkeys ? { subkeys: options.subkeys } : {}),
    format: 'object',
  });
}

const notice = (clock: ManualClock) =>
  loginNotice({
    username: 'sam',
    context: { at: clock.now(), ip: '203.0.113.9', country: 'Germany', browser: 'Firefox 128 on Linux' },
    reportUrl: 'https://api.palisade.example/v1/auth/report?t=abc',
    reportExpiresAt: new Date(clock.now().getTime() + 7 * 86_400_000),
  });

describe('B3 PGP/MIME email', () => {
  const clock = new ManualClock(START);
  let stateDir: string;
  let gnupgHome: string;
  let platform: LocalPgpKeySource;
  let platformPublic: openpgp.PublicKey;
  let user: Awaited<ReturnType<typeof userKey>>;

  const gpg = (args: string[]) =>
    spawnSync('gpg', ['--homedir', gnupgHome, '--batch', '--no-tty', '--status-fd', '1', ...args], {
      encoding: 'utf8',
      timeout: 10_000,
    });

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-pgp-'));
    gnupgHome = await mkdtemp(join(tmpdir(), 'palisade-gnupg-'));
    await chmod(gnupgHome, 0o700);
    platform = await LocalPgpKeySource.open(stateDir, { clock });
    platformPublic = await openpgp.readKey({ armoredKey: await platform.publicKeyArmored() });
    user = await userKey();
  });

  afterAll(async () => {
    if (GPG) spawnSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'all']);
    await rm(stateDir, { recursive: true, force: true });
    await rm(gnupgHome, { recursive: true, force: true });
  });

  describe('the platform key', () => {
    it('B3 is a v4 EdDSA (ed25519 legacy) key, generated once into the state folder, owner-only', async () => {
      const file = join(stateDir, LOCAL_PGP_KEY_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(await readFile(file, 'utf8')) as { fingerprint: string; createdAt: string };
      const key = await platform.privateKey();
      expect(key.keyPacket.version).toBe(4);
      expect(key.getAlgorithmInfo()).toMatchObject({ algorithm: 'eddsaLegacy', curve: 'ed25519Legacy' });
      expect(key.subkeys[0]?.getAlgorithmInfo()).toMatchObject({
        algorithm: 'ecdh',
        curve: 'curve25519Legacy',
      });
      expect(stored.fingerprint).toBe(key.getFingerprint().toUpperCase());
      expect(stored.createdAt).toBe(START.toISOString());
      const again = await LocalPgpKeySource.open(stateDir, {
        clock: new ManualClock(new Date('2027-01-01')),
      });
      expect((await again.privateKey()).getFingerprint()).toBe(key.getFingerprint());
    });

    it('B3 is published with its fingerprint, read without OpenPGP.js (same answer as OpenPGP.js)', async () => {
      const published = await publishedPlatformKey(platform);
      expect(published).toEqual({
        publicKey: await platform.publicKeyArmored(),
        fingerprint: platformPublic.getFingerprint().toUpperCase(),
        version: 4,
        algorithm: 'eddsaLegacy/ed25519Legacy',
        createdAt: START.toISOString(),
      });
      expect(published.publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      expect(published.publicKey).not.toContain('PRIVATE');
      const v6 = await openpgp.generateKey({
        type: 'curve25519',
        userIDs: [{ email: 'x@example.com' }],
        config: { v6Keys: true },
      });
      const facts = inspectPublicKey(v6.publicKey);
      expect(facts.version).toBe(6);
      expect(facts.fingerprint).toBe(
        (await openpgp.readKey({ armoredKey: v6.publicKey })).getFingerprint().toUpperCase(),
      );
    });

    it('B3 a v6 key, an RFC 9580 Ed25519 key (unreadable for GnuPG 2.2) or a locked key is refused', async () => {
      const v6 = await openpgp.generateKey({
        type: 'curve25519',
        userIDs: [{ email: 'x@example.com' }],
        config: { v6Keys: true },
      });
      await expect(readPlatformKey(v6.privateKey)).rejects.toThrow(/v6; GnuPG 2.2 needs a v4 key/);
      const v4new = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ email: 'x@example.com' }] });
      await expect(readPlatformKey(v4new.privateKey)).rejects.toThrow(/ed25519 is not readable by GnuPG 2.2/);
      const locked = await openpgp.generateKey({
        type: 'ecc',
        curve: 'ed25519Legacy',
        userIDs: [{ email: 'x@example.com' }],
        passphrase: 'secret',
      });
      await expect(readPlatformKey(locked.privateKey)).rejects.toBeInstanceOf(PlatformKeyError);
    });

    it('B3 a published public key that is not the signing key’s own half stops every signature', async () => {
      const other = await userKey();
      const wrong: PgpKeySource = {
        privateKey: () => platform.privateKey(),
        publicKeyArmored: async () => other.publicKey.armor(),
      };
      const notifier = new Notifier({
        mailer: new CapturingMailer(),
        signer: new PgpMimeSigner(wrong),
        clock,
      });
      await expect(
        notifier.send({ email: 'sam@example.com', pgpPublicKey: user.publicKey.armor() }, notice(clock)),
      ).rejects.toBeInstanceOf(PlatformKeyError);
    });
  });

  describe('signed email', () => {
    let message: Uint8Array;

    beforeAll(async () => {
      const mailer = new CapturingMailer();
      const notifier = new Notifier({ mailer, signer: new PgpMimeSigner(platform), clock });
      const sent = await notifier.send(
        { email: 'sam@example.com', phrase: 'purple otters', pgpPublicKey: user.publicKey.armor() },
        notice(clock),
      );
      expect(sent.protection).toBe('signed');
      message = exportMessage(mailer.last(), clock.now());
      await writeFile(join(gnupgHome, 'signed.eml'), message);
    });

    it('B3 is an RFC 3156 multipart/signed message, 7-bit, CRLF, with the phrase on top of its text', async () => {
      const text = latin1(message);
      expect(text).toMatch(/^From: no-reply@palisade\.local\r\nTo: sam@example\.com\r\nSubject: New sign-in/);
      expect(text).toContain('MIME-Version: 1.0\r\n');
      const { contentType, signed } = signedParts(message);
      expect(contentType).toContain('micalg=pgp-sha512');
      expect([...message].every((b) => b < 128)).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(text.split(CRLF).filter((line) => line.length > 76)).toEqual([]);
      const body = textOf(signed);
      expect(body.split('\n')[0]).toBe('Your anti-phishing phrase: "purple otters"');
      expect(body).toContain('203.0.113.9');
    });

    it('B3 verifies with OpenPGP.js against the published platform key; one changed byte fails', async () => {
      const { signed, signature } = signedParts(message);
      const verify = async (data: Uint8Array) => {
        const result = await openpgp.verify({
          message: await openpgp.createMessage({ binary: data }),
          signature: await openpgp.readSignature({ armoredSignature: signature }),
          verificationKeys: platformPublic,
          expectSigned: true,
          date: clock.now(),
        });
        return result.signatures[0];
      };
      const good = await verify(signed);
      expect(good?.keyID.toHex()).toBe(platformPublic.getKeyID().toHex());
      const tampered = signed.slice();
      const at = tampered.length - 40;
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      await expect(verify(tampered)).rejects.toThrow(/digest did not match|signature/i);
    });

    it.skipIf(!GPG)(`B3 verifies with gpg --verify (${GPG ?? 'gpg not installed: skipped'})`, async () => {
      const { signed, signature } = signedParts(message);
      await writeFile(join(gnupgHome, 'platform.asc'), await platform.publicKeyArmored());
      await writeFile(join(gnupgHome, 'signed.part'), signed);
      await writeFile(join(gnupgHome, 'signature.asc'), signature);
      expect(gpg(['--import', join(gnupgHome, 'platform.asc')]).status).toBe(0);
      const verified = gpg(['--verify', join(gnupgHome, 'signature.asc'), join(gnupgHome, 'signed.part')]);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/\[GNUPG:\] GOODSIG /);
      const fingerprint = platformPublic.getFingerprint().toUpperCase();
      // VALIDSIG <fingerprint> <date> <timestamp>: made with the injected clock.
      expect(verified.stdout).toContain(
        `[GNUPG:] VALIDSIG ${fingerprint} 2026-03-01 ${START.getTime() / 1000} `,
      );

      const tampered = Buffer.from(signed);
      tampered.write('X', tampered.indexOf('Hello'), 'latin1');
      await writeFile(join(gnupgHome, 'tampered.part'), tampered);
      const bad = gpg(['--verify', join(gnupgHome, 'signature.asc'), join(gnupgHome, 'tampered.part')]);
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toMatch(/\[GNUPG:\] BADSIG /);
    });
  });

  describe('encrypted email', () => {
    let message: Uint8Array;

    beforeAll(async () => {
      const mailer = new CapturingMailer();
      const notifier = new Notifier({ mailer, signer: new PgpMimeSigner(platform), clock });
      const sent = await notifier.send(
        {
          email: 'sam@example.com',
          phrase: 'purple otters',
          pgpPublicKey: user.publicKey.armor(),
          encrypt: true,
        },
        newDeviceConfirmation({
          username: 'sam',
          context: { at: clock.now(), ip: '203.0.113.9' },
          confirmUrl: 'https://api.palisade.example/v1/auth/devices/confirm?t=secret-token',
          expiresAt: new Date(clock.now().getTime() + 3_600_000),
        }),
      );
      expect(sent.protection).toBe('signed+encrypted');
      message = exportMessage(mailer.last(), clock.now());
    });

    const armoredOf = () => {
      const { contentType, parts } = splitMultipart(message);
      expect(contentType).toMatch(/^multipart\/encrypted;/);
      expect(contentType).toContain('protocol="application/pgp-encrypted"');
      expect(latin1(parts[0] as Uint8Array)).toMatch(/^Content-Type: application\/pgp-encrypted\r\n/);
      expect(contentOf(parts[0] as Uint8Array)).toContain('Version: 1');
      return contentOf(parts[1] as Uint8Array);
    };

    it('B3 is RFC 3156 multipart/encrypted: nothing readable outside, the link only inside', async () => {
      expect(latin1(message)).not.toContain('secret-token');
      expect(latin1(message)).not.toContain('203.0.113.9');
      const armored = armoredOf();
      expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
      const other = await userKey();
      await expect(
        openpgp.decrypt({
          message: await openpgp.readMessage({ armoredMessage: armored }),
          decryptionKeys: other.privateKey,
        }),
      ).rejects.toThrow();
    });

    it("B3 decrypts with the user's private key to the signed entity, which verifies", async () => {
      const { data } = await openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage: armoredOf() }),
        decryptionKeys: user.privateKey,
        format: 'binary',
        date: clock.now(),
      });
      const inner = data as Uint8Array;
      const { signed, signature } = signedParts(inner);
      const result = await openpgp.verify({
        message: await openpgp.createMessage({ binary: signed }),
        signature: await openpgp.readSignature({ armoredSignature: signature }),
        verificationKeys: platformPublic,
        expectSigned: true,
        date: clock.now(),
      });
      expect(result.signatures).toHaveLength(1);
      expect(textOf(signed)).toContain('https://api.palisade.example/v1/auth/devices/confirm?t=secret-token');
    });

    it.skipIf(!GPG)(
      `B3 decrypts and verifies with gpg (${GPG ?? 'gpg not installed: skipped'})`,
      async () => {
        await writeFile(join(gnupgHome, 'user-secret.asc'), user.privateKey.armor());
        await writeFile(join(gnupgHome, 'platform.asc'), await platform.publicKeyArmored());
        expect(gpg(['--import', join(gnupgHome, 'user-secret.asc')]).status).toBe(0);
        expect(gpg(['--import', join(gnupgHome, 'platform.asc')]).status).toBe(0);
        await writeFile(join(gnupgHome, 'encrypted.asc'), armoredOf());
        const out = join(gnupgHome, 'decrypted.eml');
        const decrypted = gpg([
          '--pinentry-mode',
          'loopback',
          '--output',
          out,
          '--decrypt',
          join(gnupgHome, 'encrypted.asc'),
        ]);
        expect(decrypted.status, decrypted.stderr).toBe(0);
        expect(decrypted.stdout).toContain('[GNUPG:] DECRYPTION_OKAY');
        const { signed, signature } = signedParts(new Uint8Array(await readFile(out)));
        await writeFile(join(gnupgHome, 'inner.part'), signed);
        await writeFile(join(gnupgHome, 'inner.asc'), signature);
        const verified = gpg(['--verify', join(gnupgHome, 'inner.asc'), join(gnupgHome, 'inner.part')]);
        expect(verified.status, verified.stderr).toBe(0);
        expect(verified.stdout).toMatch(/\[GNUPG:\] GOODSIG /);
      },
    );
  });

  describe('the Notifier with PGP', () => {
    it('B3 a recipient without a key gets plain text + HTML; with a key but no signer: nothing is sent', async () => {
      const mailer = new CapturingMailer();
      const plain = new Notifier({ mailer, clock });
      expect(await plain.send({ email: 'sam@example.com', phrase: 'otters' }, notice(clock))).toEqual({
        messageId: 'm-1',
        protection: 'none',
      });
      const email = mailer.last();
      expect(email.raw).toBeUndefined();
      expect(email.text?.split('\n')[0]).toBe('Your anti-phishing phrase: "otters"');
      expect(email.html).toContain('id="anti-phishing-phrase"');
      await expect(
        plain.send({ email: 'sam@example.com', pgpPublicKey: user.publicKey.armor() }, notice(clock)),
      ).rejects.toBeInstanceOf(SignerMissing);
      expect(mailer.sent).toHaveLength(1);
    });

    it('B3 a key that expired since: a notice goes signed with a note, a code or a link is not sent', async () => {
      const expiring = await userKey({
        date: new Date('2026-02-01T00:00:00Z'),
        keyExpirationTime: 40 * 86_400,
      });
      const later = new ManualClock(new Date('2026-04-01T00:00:00Z'));
      const mailer = new CapturingMailer();
      const notifier = new Notifier({ mailer, signer: new PgpMimeSigner(platform), clock: later });
      const to = { email: 'sam@example.com', pgpPublicKey: expiring.publicKey.armor(), encrypt: true };
      const sent = await notifier.send(to, notice(later));
      expect(sent.protection).toBe('signed');
      const { signed } = signedParts(exportMessage(mailer.last(), later.now()));
      expect(textOf(signed)).toContain('signed but not encrypted: your PGP key can no longer be used');
      await expect(
        notifier.send(
          to,
          newDeviceConfirmation({
            username: 'sam',
            context: { at: later.now(), ip: '203.0.113.9' },
            confirmUrl: 'https://api.palisade.example/confirm?t=1',
            expiresAt: later.now(),
          }),
        ),
      ).rejects.toBeInstanceOf(EncryptionUnavailable);
      expect(mailer.sent).toHaveLength(1);
    });
  });

  describe("validation of a user's key", () => {
    const now = START;
    const refusal = async (armored: unknown, requireEncryption = false) => {
      const err = await validateUserPublicKey(armored, { now, requireEncryption }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      const v = err as ValidationError;
      expect(v.status).toBe(400);
      expect(v.details?.[0]?.path).toBe('publicKey');
      return { code: v.code, message: v.message };
    };

    it('B3 a valid key is accepted and returned re-armored with its facts', async () => {
      const key = await validateUserPublicKey(`\n${user.publicKey.armor()}\n`, {
        now,
        requireEncryption: true,
      });
      expect(key).toMatchObject({
        fingerprint: user.publicKey.getFingerprint().toUpperCase(),
        version: 4,
        algorithm: 'eddsaLegacy/ed25519Legacy',
        expiresAt: null,
        canEncrypt: true,
      });
      expect(key.armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      const v6 = await openpgp.generateKey({
        type: 'curve25519',
        userIDs: [{ email: 'x@example.com' }],
        date: new Date('2026-02-01T00:00:00Z'),
        config: { v6Keys: true },
      });
      expect((await validateUserPublicKey(v6.publicKey, { now, requireEncryption: true })).version).toBe(6);
    });

    it('B3 a private key is refused, and nothing of it is echoed', async () => {
      const refused = await refusal(user.privateKey.armor());
      expect(refused.code).toBe('PGP_PRIVATE_KEY');
      expect(refused.message).toMatch(/private key/);
    });

    it('B3 an expired key and a revoked key are refused', async () => {
      const expired = await userKey({
        date: new Date('2026-01-01T00:00:00Z'),
        keyExpirationTime: 7 * 86_400,
      });
      const e = await refusal(expired.publicKey.armor());
      expect(e).toEqual({
        code: 'PGP_KEY_EXPIRED',
        message: 'The PGP key expired at 2026-01-08T00:00:00.000Z',
      });
      const revoked = await openpgp.revokeKey({
        key: (await userKey()).privateKey,
        date: new Date('2026-02-15T00:00:00Z'),
        format: 'armored',
      });
      expect((await refusal(revoked.publicKey)).code).toBe('PGP_KEY_REVOKED');
    });

    it('B3 a signing-only key is refused when encryption is asked for, accepted otherwise', async () => {
      const signOnly = await userKey({ subkeys: [] });
      expect(signOnly.publicKey.subkeys).toHaveLength(0);
      expect((await refusal(signOnly.publicKey.armor(), true)).code).toBe('PGP_KEY_NO_ENCRYPTION');
      expect((await validateUserPublicKey(signOnly.publicKey.armor(), { now })).canEncrypt).toBe(false);
    });

    it('B3 oversized, empty, garbage, non-key, several keys and future-dated keys are refused', async () => {
      const armored = user.publicKey.armor();
      expect((await refusal(armored + 'A'.repeat(13_000))).code).toBe('PGP_KEY_TOO_LARGE');
      expect((await refusal('')).code).toBe('PGP_KEY_INVALID');
      expect((await refusal(42)).code).toBe('PGP_KEY_INVALID');
      expect((await refusal('hello')).code).toBe('PGP_KEY_INVALID');
      expect(
        (
          await refusal(
            '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all\n-----END PGP PUBLIC KEY BLOCK-----',
          )
        ).code,
      ).toBe('PGP_KEY_INVALID');
      const signature = await openpgp.sign({
        message: await openpgp.createMessage({ text: 'x' }),
        signingKeys: user.privateKey,
        detached: true,
      });
      expect((await refusal(signature)).code).toBe('PGP_KEY_INVALID');
      const other = await userKey();
      const both = new Uint8Array([...user.publicKey.write(), ...other.publicKey.write()]);
      const two = openpgp.armor(openpgp.enums.armor.publicKey, both);
      expect(await refusal(two)).toEqual({
        code: 'PGP_KEY_INVALID',
        message: 'Send exactly one PGP public key',
      });
      const future = await userKey({ date: new Date('2026-06-01T00:00:00Z') });
      expect((await refusal(future.publicKey.armor())).code).toBe('PGP_KEY_INVALID');
    });
  });
});
