// F4 at login: an address in a restricted country is refused before any account is looked at.
import { describe, expect, it, vi } from 'vitest';
import { LoginFlow, type LoginPorts } from '../../lambdas/auth/login-flow.js';
import { Forbidden } from '../../lambdas/kernel/errors.js';

const client = { ip: '175.45.176.1', deviceId: 'device-0001', baseUrl: 'https://api.example' };

function flow(country: string | undefined) {
  const getUser = vi.fn();
  const check = vi.fn(async () => ({ allow: true as const }));
  const ports = {
    identity: { getUser },
    shield: { check, recordFailure: vi.fn(), recordSuccess: vi.fn() },
    geo: { countryOf: () => country },
    restrictedCountries: ['KP', 'IR'],
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
  } as unknown as LoginPorts;
  return { login: new LoginFlow(ports), getUser, check };
}

describe('login jurisdiction', () => {
  it('F4 a login from a restricted country is refused with JURISDICTION and touches no account', async () => {
    const { login, getUser, check } = flow('KP');
    const refusal = login.start('alice', 'secret password', client);
    await expect(refusal).rejects.toBeInstanceOf(Forbidden);
    await expect(refusal).rejects.toMatchObject({ code: 'JURISDICTION' });
    expect(getUser).not.toHaveBeenCalled();
    expect(check).not.toHaveBeenCalled();
  });

  it('F4 an unknown or allowed country goes on to the bot shield', async () => {
    for (const country of [undefined, 'GB']) {
      const { login, check } = flow(country);
      check.mockResolvedValueOnce({ allow: false, retryAfterSeconds: 5 } as never);
      await expect(login.start('alice', 'secret password', client)).rejects.toMatchObject({
        code: 'RATE_LIMITED',
      });
      expect(check).toHaveBeenCalledOnce();
    }
  });
});
