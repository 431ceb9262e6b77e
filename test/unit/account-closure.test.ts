// F5: the account closure's rules over fake ports: a fresh step-up first; refused (409, nothing written) while
// a withdrawal is in flight, a security hold is on or a compliance freeze holds; otherwise one transaction
// (the closed account row with the retention clock's rows and the audit record), then the identity provider.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { type ClosurePorts, closeAccount } from '../../lambdas/privacy/closure.js';

const NOW = new Date('2027-03-15T10:00:00.000Z');

function ports(overrides: Partial<ClosurePorts> = {}) {
  const calls: string[] = [];
  const transacted: unknown[][] = [];
  const base: ClosurePorts = {
    accounts: {
      getSession: async () => ({ steppedUpAt: new Date(NOW.getTime() - 60_000).toISOString() }),
      close: async (userId, _at, also) => {
        transacted.push([...also()]);
        calls.push(`close:${userId}`);
        return { changed: true, account: { userId, username: 'ana', status: 'active' } };
      },
    },
    holdActive: async () => false,
    frozen: async () => false,
    withdrawalInFlight: async () => false,
    retention: {
      startWrites: (userId) => ({
        dueAt: '2032-03-15T10:00:00.000Z',
        writes: [{ create: { pk: `USER#${userId}`, sk: 'RELATIONSHIP-END' } }],
        settle: async () => {
          calls.push('settle:retention');
        },
      }),
    },
    outbox: {
      pending: () => ({
        writes: () => [{ create: { pk: 'OUTBOX', sk: 'x' } }],
        settle: async () => {
          calls.push('settle:audit');
        },
      }),
    } as never,
    identity: {
      disableUser: async (u) => {
        calls.push(`disable:${u}`);
      },
      globalSignOut: async (u) => {
        calls.push(`signout:${u}`);
      },
    },
    clock: new ManualClock(NOW),
    isFreshStepUp: (at, now) => at !== undefined && now.getTime() - Date.parse(at) < 300_000,
    ...overrides,
  };
  return { ports: base, calls, transacted };
}

const caller = { userId: 'u-1', sessionId: 's-1' };

describe('F5 account closure', () => {
  it('F5 closes in one transaction with the retention rows and the audit entry, then disables the login', async () => {
    const { ports: p, calls, transacted } = ports();
    expect(await closeAccount(p, caller)).toEqual({
      status: 'closed',
      closedAt: NOW.toISOString(),
      recordsKeptUntil: '2032-03-15T10:00:00.000Z',
    });
    expect(transacted).toEqual([
      [{ create: { pk: 'USER#u-1', sk: 'RELATIONSHIP-END' } }, { create: { pk: 'OUTBOX', sk: 'x' } }],
    ]);
    expect(calls).toEqual(['close:u-1', 'disable:ana', 'signout:ana', 'settle:retention', 'settle:audit']);
  });

  it('F5 a stale step-up is refused with STEP_UP_REQUIRED', async () => {
    const { ports: p, calls } = ports({
      accounts: { ...ports().ports.accounts, getSession: async () => ({}) },
    });
    await expect(closeAccount(p, caller)).rejects.toMatchObject({ status: 403, code: 'STEP_UP_REQUIRED' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['a withdrawal in flight', { withdrawalInFlight: async () => true }, /withdrawal/],
    ['a security hold', { holdActive: async () => true }, /security hold/],
    ['a compliance freeze', { frozen: async () => true }, /compliance review/],
  ] as const)('F5 %s refuses the closure with 409 and writes nothing', async (_name, override, message) => {
    const { ports: p, calls } = ports(override as Partial<ClosurePorts>);
    await expect(closeAccount(p, caller)).rejects.toMatchObject({
      status: 409,
      code: 'ACCOUNT_CLOSURE_REFUSED',
      message: expect.stringMatching(message),
    });
    expect(calls).toEqual([]);
  });

  it('F5 an account suspended meanwhile is refused; a closed one answers its first closure', async () => {
    const suspended = ports({
      accounts: {
        ...ports().ports.accounts,
        close: async (userId) => ({
          changed: false,
          account: { userId, username: 'ana', status: 'suspended' },
        }),
      },
    });
    await expect(closeAccount(suspended.ports, caller)).rejects.toMatchObject({ status: 409 });
    const closed = ports({
      accounts: {
        ...ports().ports.accounts,
        close: async (userId) => ({
          changed: false,
          account: { userId, username: 'ana', status: 'closed', closedAt: '2027-01-01T00:00:00.000Z' },
        }),
      },
    });
    expect(await closeAccount(closed.ports, caller)).toEqual({
      status: 'closed',
      closedAt: '2027-01-01T00:00:00.000Z',
      recordsKeptUntil: '2032-01-01T00:00:00.000Z',
    });
    expect(closed.calls).toEqual([]);
  });
});
