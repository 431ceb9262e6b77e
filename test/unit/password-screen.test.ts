// X3: weak and breached passwords refused at sign-up and at every password change: the policy (the
// zxcvbn-ts estimate with the user's own words, the breach check after it, fail open when the breach source
// is silent), the Have I Been Pwned range adapter (k-anonymity, padding, timeout) and the local list.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { estimateStrength, passwordScreen, userInputsOf } from '../../lambdas/auth/password-screen.js';
import { PwnedPasswordsRange } from '../../lambdas/kernel/aws/pwned-passwords.js';
import { metrics } from '../../lambdas/kernel/observability.js';
import type { BreachedPasswords } from '../../lambdas/kernel/ports/breached-passwords.js';
import { PASSWORD_POLICY } from '../../lambdas/kernel/shapes.js';
import { LocalBreachedPasswords } from '../../local/adapters/breached-passwords.js';

const STRONG = 'Quiet otters juggle 47 lanterns';
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

const never: BreachedPasswords = { check: vi.fn(async () => ({ status: 'clean' as const })) };
const user = { username: 'marguerite', email: 'marguerite.dubois@example.org' };

describe('X3 the password policy', () => {
  it('X3 the minimum strength is one setting (PASSWORD_POLICY.minStrength, zxcvbn 0–4)', () => {
    expect(PASSWORD_POLICY.minStrength).toBe(3);
  });

  it('X3 a weak password is refused with PASSWORD_WEAK, saying why and what to do', async () => {
    const breached = { check: vi.fn(async () => ({ status: 'clean' as const })) };
    const refusal = passwordScreen(breached).assertAcceptable('password1234', user);
    await expect(refusal).rejects.toMatchObject({ status: 400, code: 'PASSWORD_WEAK' });
    const err = (await refusal.catch((e: unknown) => e)) as {
      message: string;
      details: { message: string }[];
    };
    expect(err.message).toMatch(/too easy to guess/);
    expect(err.details.length).toBeGreaterThan(1);
    expect(err.details.at(-1)?.message).toMatch(/strength [0-2] of 4; at least 3 needed/);
    expect(breached.check).toHaveBeenCalledWith('password1234');
  });

  it('X3 a password built on the username or the email address is weak, though strong for anyone else', async () => {
    const built = 'marguerite.dubois1984';
    expect((await estimateStrength(built, [])).score).toBeGreaterThanOrEqual(PASSWORD_POLICY.minStrength);
    expect((await estimateStrength(built, userInputsOf(user))).score).toBeLessThan(
      PASSWORD_POLICY.minStrength,
    );
    await expect(passwordScreen(never).assertAcceptable(built, user)).rejects.toMatchObject({
      code: 'PASSWORD_WEAK',
    });
    expect(userInputsOf(user)).toEqual([
      'marguerite',
      'marguerite.dubois@example.org',
      'marguerite.dubois',
      'example',
    ]);
  });

  it('X3 a strong password that appeared in a breach is refused with PASSWORD_BREACHED', async () => {
    const breached: BreachedPasswords = { check: async () => ({ status: 'breached', count: 12 }) };
    const refusal = passwordScreen(breached).assertAcceptable(STRONG, user, 'newPassword');
    await expect(refusal).rejects.toMatchObject({ status: 400, code: 'PASSWORD_BREACHED' });
    await expect(refusal).rejects.toThrow(/appeared in a data breach.*Choose a different password/);
    await expect(refusal).rejects.toMatchObject({ details: [{ path: 'newPassword' }] });
  });

  it('X3 a strong password not in any breach passes', async () => {
    await expect(passwordScreen(never).assertAcceptable(STRONG, user)).resolves.toBeUndefined();
  });

  it('X3 a breach source that cannot answer does not refuse (fail open); the strength check still does', async () => {
    const silent: BreachedPasswords = { check: async () => ({ status: 'unknown', reason: 'TimeoutError' }) };
    await expect(passwordScreen(silent).assertAcceptable(STRONG, user)).resolves.toBeUndefined();
    await expect(passwordScreen(silent).assertAcceptable('password1234', user)).rejects.toMatchObject({
      code: 'PASSWORD_WEAK',
    });
  });

  it('X3 a listed breached password is told as breached (the telling answer), though also weak', async () => {
    await expect(
      passwordScreen(new LocalBreachedPasswords()).assertAcceptable('qwerty123456', user),
    ).rejects.toMatchObject({ code: 'PASSWORD_BREACHED' });
  });

  it('X3 the local list holds the most common breached passwords; a strong one is not in it', async () => {
    const local = new LocalBreachedPasswords();
    expect(await local.check('qwerty123456')).toEqual({ status: 'breached', count: 1 });
    expect(await local.check('password')).toMatchObject({ status: 'breached' });
    expect(await local.check(STRONG)).toEqual({ status: 'clean' });
  });
});

describe('X3 the Have I Been Pwned range adapter (k-anonymity), against a local stub', () => {
  const requests: { url: string; headers: IncomingMessage['headers'] }[] = [];
  let stall = false;
  let status = 200;
  let base = '';
  const breachedPassword = 'Quiet otters juggle 48 lanterns';
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (stall) return; // never answers: the adapter's timeout must end the wait
    const prefix = (req.url ?? '').split('/').pop() ?? '';
    const hit = sha1(breachedPassword);
    const padded = sha1(STRONG);
    const lines = [
      `${'0'.repeat(35)}:3`,
      // A padding line (count 0) for the strong password's suffix: it must not count as a breach.
      ...(padded.startsWith(prefix) ? [`${padded.slice(5)}:0`] : []),
      ...(hit.startsWith(prefix) ? [`${hit.slice(5)}:2041`] : []),
      `${'F'.repeat(35)}:0`,
    ];
    res.statusCode = status;
    res.end(lines.join('\r\n'));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('X3 only the first 5 hex characters of the SHA-1 leave, with Add-Padding; the count comes from the suffix line', async () => {
    requests.length = 0;
    const adapter = new PwnedPasswordsRange({ baseUrl: base, onUnavailable: vi.fn() });
    expect(await adapter.check(breachedPassword)).toEqual({ status: 'breached', count: 2041 });
    expect(requests).toHaveLength(1);
    const sent = requests[0];
    expect(sent?.url).toBe(`/range/${sha1(breachedPassword).slice(0, 5)}`);
    expect(sent?.url).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(sent?.headers['add-padding']).toBe('true');
    // Nothing else of the password or its hash is in the request.
    expect(JSON.stringify(sent)).not.toContain(sha1(breachedPassword).slice(5, 12));
    expect(JSON.stringify(sent)).not.toContain('otters');
  });

  it('X3 padding lines (count 0) are ignored: a password whose suffix is only padding is clean', async () => {
    const adapter = new PwnedPasswordsRange({ baseUrl: base, onUnavailable: vi.fn() });
    expect(await adapter.check(STRONG)).toEqual({ status: 'clean' });
  });

  it('X3 a timeout fails open: unknown, and the BreachedPasswordCheckUnavailable metric', async () => {
    stall = true;
    const addMetric = vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
    try {
      const adapter = new PwnedPasswordsRange({ baseUrl: base, timeoutMs: 50 });
      expect(await adapter.check(STRONG)).toMatchObject({ status: 'unknown', reason: 'TimeoutError' });
      expect(addMetric).toHaveBeenCalledWith('BreachedPasswordCheckUnavailable', 'Count', 1);
    } finally {
      stall = false;
      addMetric.mockRestore();
    }
  });

  it('X3 an error answer or an unreachable host fails open too, never throwing', async () => {
    const unavailable = vi.fn();
    status = 503;
    try {
      const adapter = new PwnedPasswordsRange({ baseUrl: base, onUnavailable: unavailable });
      expect(await adapter.check(STRONG)).toEqual({ status: 'unknown', reason: 'status 503' });
    } finally {
      status = 200;
    }
    const refused = new PwnedPasswordsRange({
      baseUrl: base,
      onUnavailable: unavailable,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect(await refused.check(STRONG)).toMatchObject({ status: 'unknown', reason: 'TypeError' });
    expect(unavailable).toHaveBeenCalledTimes(2);
  });
});
