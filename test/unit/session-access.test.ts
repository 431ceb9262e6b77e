// Unit tests of the authorizer's session rule (A8, A4): pure, with explicit time.
import { describe, expect, it } from 'vitest';
import type { Account, Session } from '../../lambdas/account/account-store.js';
import { decideAccess } from '../../lambdas/auth/session-access.js';
import type { AccessClaims } from '../../lambdas/kernel/ports/token-verifier.js';

const now = new Date('2026-06-01T12:00:00Z');
const claims: AccessClaims = {
  sub: 'u-1',
  username: 'alice',
  originJti: 's-1',
  issuedAt: new Date('2026-06-01T11:55:00Z'),
  groups: [],
};
const account: Account = {
  userId: 'u-1',
  username: 'alice',
  contact: 'sealed',
  emailMasked: 'a***@example.com',
  emailIndex: 'index',
  status: 'active',
  createdAt: '2026-05-01T00:00:00Z',
  version: 1,
};
const session: Session = {
  userId: 'u-1',
  sessionId: 's-1',
  createdAt: '2026-06-01T11:55:00Z',
  expiresAt: '2026-06-01T23:55:00Z',
};

describe('decideAccess', () => {
  it('A8 a live session of an active account is allowed, with the ids from the stored rows', () => {
    expect(decideAccess(claims, account, session, now)).toEqual({
      allow: true,
      userId: 'u-1',
      sessionId: 's-1',
      username: 'alice',
    });
  });

  it('A8 a token whose iat lies more than a minute in the future is refused; a few seconds of skew pass', () => {
    const future = { ...claims, issuedAt: new Date(now.getTime() + 120_000) };
    expect(decideAccess(future, account, session, now)).toEqual({
      allow: false,
      reason: 'token-from-future',
    });
    const skewed = { ...claims, issuedAt: new Date(now.getTime() + 5_000) };
    expect(decideAccess(skewed, account, session, now)).toMatchObject({ allow: true });
  });

  it('A4 a suspended account is refused even with a live session', () => {
    expect(decideAccess(claims, { ...account, status: 'suspended' }, session, now)).toEqual({
      allow: false,
      reason: 'account-suspended',
    });
  });

  it('A8 a token issued before a global revocation is refused, including one from the same second', () => {
    const revokedLater = { ...account, sessionsValidAfter: '2026-06-01T11:58:00Z' };
    expect(decideAccess(claims, revokedLater, session, now)).toEqual({
      allow: false,
      reason: 'token-before-revocation',
    });
    const sameSecond = { ...account, sessionsValidAfter: '2026-06-01T11:55:00.400Z' };
    expect(decideAccess(claims, sameSecond, session, now).allow).toBe(false);
    const revokedEarlier = { ...account, sessionsValidAfter: '2026-06-01T11:50:00Z' };
    expect(decideAccess(claims, revokedEarlier, session, now).allow).toBe(true);
  });

  it('A8 a token refreshed after a revocation, from a session begun before it, is refused', () => {
    const revoked = { ...account, sessionsValidAfter: '2026-06-01T11:56:00Z' };
    const refreshed = { ...claims, issuedAt: new Date('2026-06-01T11:59:00Z') };
    expect(decideAccess(refreshed, revoked, session, now)).toEqual({
      allow: false,
      reason: 'session-before-revocation',
    });
    const laterSession = { ...session, createdAt: '2026-06-01T11:58:00Z' };
    expect(decideAccess(refreshed, revoked, laterSession, now).allow).toBe(true);
  });

  it('A8 an unknown, revoked or expired session is refused', () => {
    expect(decideAccess(claims, account, undefined, now)).toEqual({
      allow: false,
      reason: 'session-missing',
    });
    expect(decideAccess(claims, account, { ...session, revokedAt: '2026-06-01T11:59:00Z' }, now)).toEqual({
      allow: false,
      reason: 'session-revoked',
    });
    expect(decideAccess(claims, account, { ...session, expiresAt: now.toISOString() }, now)).toEqual({
      allow: false,
      reason: 'session-expired',
    });
  });

  it('E5 a token whose account row does not exist is refused', () => {
    expect(decideAccess(claims, undefined, session, now)).toEqual({
      allow: false,
      reason: 'account-missing',
    });
  });
});
