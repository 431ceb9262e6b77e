// F1: a business customer's beneficial owners as a requirement of its level (lambdas/kyc/owners.ts), pure: each
// owner must have passed KYC (their identity verified) and screened clear; until then the business's
// `beneficial-owners` is unmet, the level that requires it is not earned, and a business that held it is held
// below it; the levels configuration is the one source of which level requires it; the customer sees which
// owner waits for what, a hit only as pending. And a hit on an owner acts on the customer (owner-hits.ts).
import { describe, expect, it } from 'vitest';
import { REVIEW_KYC_PARAMETERS } from '../../lambdas/admin/action-parameters.js';
import { reviewKycRequirement } from '../../lambdas/admin/executors/kyc.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import { kycOverview, levelCap, levelEarned } from '../../lambdas/kyc/levels.js';
import { actionOfBand, actOnOwnerHit } from '../../lambdas/kyc/owner-hits.js';
import {
  customerOwner,
  customerOwnersStatus,
  factsOf,
  levelAllowed,
  type OwnerFacts,
  ownersStatus,
  ownerWaits,
  scopeOf,
} from '../../lambdas/kyc/owners.js';
import type { Verification } from '../../lambdas/kyc/verification.js';

const config = parseKycConfig({});
const settings = {
  withdrawalLimits: { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
};
const check = (status: Verification['status']): Verification => ({
  checkId: `kyc_${'A'.repeat(22)}_u1`,
  providerRef: 'p1',
  status,
  startedAt: '2026-12-05T00:00:00.000Z',
});
const owner = (screening: OwnerFacts['screening'], identity?: Verification['status']): OwnerFacts => ({
  ownerId: 'bo_000000000000000000000001',
  nameMasked: 'I*** Q***',
  screening,
  ...(identity ? { verification: check(identity) } : {}),
});
const PERSON_MET = { person: 'met', 'screening-clear': 'met' } as const;

describe('F1 the beneficial owners requirement (owners.ts)', () => {
  it('F1 an owner passes only when screened clear and verified: what each still waits for, the most pressing status first', () => {
    expect(ownerWaits(owner('pending'))).toEqual(['screening', 'documents']);
    expect(ownerWaits(owner('met', 'pending'))).toEqual(['verification']);
    expect(ownerWaits(owner('in-review', 'approved'))).toEqual(['screening']);
    expect(ownerWaits(owner('met', 'rejected'))).toEqual(['documents']);
    expect(ownerWaits(owner('met', 'approved'))).toEqual([]);

    expect(ownersStatus([])).toBe('missing');
    expect(ownersStatus([owner('met', 'approved')])).toBe('met');
    expect(ownersStatus([owner('met', 'approved'), owner('pending', 'pending')])).toBe('pending');
    expect(ownersStatus([owner('met', 'approved'), owner('met')])).toBe('missing');
    expect(ownersStatus([owner('in-review', 'approved'), owner('met')])).toBe('in-review');
    expect(ownersStatus([owner('met', 'undecided')])).toBe('in-review');
    expect(ownersStatus([owner('in-review', 'approved'), owner('met', 'rejected')])).toBe('rejected');
  });

  it('F1 a business with an owner pending or hit earns no level that requires its owners; cleared and verified owners earn it; a person is not asked', () => {
    const business = (owners: OwnerFacts[]) => ({ requirements: PERSON_MET, business: { owners } });
    // a person: the business requirement does not apply
    expect(levelEarned(PERSON_MET, config)).toBe('basic');
    expect(levelEarned(PERSON_MET, config, scopeOf({ requirements: PERSON_MET }))).toBe('basic');
    // a business: its owners are a requirement of `basic` (the levels configuration)
    for (const pending of [
      [owner('pending')],
      [owner('met', 'pending')],
      [owner('in-review', 'approved')],
      [owner('met', 'approved'), owner('met')],
    ]) {
      const record = business(pending);
      expect(levelEarned(factsOf(record), config, scopeOf(record))).toBe('none');
      expect(levelAllowed('none', record, config)).toBe('none');
    }
    const cleared = business([owner('met', 'approved'), owner('met', 'approved')]);
    expect(factsOf(cleared)['beneficial-owners']).toBe('met');
    expect(levelAllowed('none', cleared, config)).toBe('basic');
  });

  it('F1 X4 a business that held the level when its owners are unmet is held below it (a lowering), never above what it held', () => {
    const pending = { requirements: PERSON_MET, business: { owners: [owner('pending')] } };
    expect(levelAllowed('basic', pending, config)).toBe('none');
    expect(levelAllowed('verified', pending, config)).toBe('none');
    const cleared = { requirements: PERSON_MET, business: { owners: [owner('met', 'approved')] } };
    expect(levelAllowed('verified', cleared, config)).toBe('verified');
    // a person is never capped by it
    expect(levelAllowed('verified', { requirements: {} }, config)).toBe('verified');
  });

  it('F1 the levels configuration is the one source: moved to `verified`, the owners hold a business below verified only', () => {
    const moved = parseKycConfig({
      levels: {
        ...config.levels,
        basic: { requires: ['person', 'screening-clear'] },
        verified: { ...config.levels.verified, requires: ['beneficial-owners', 'identity-verified'] },
      },
    });
    const pending = { requirements: { ...PERSON_MET }, business: { owners: [owner('pending')] } };
    expect(levelAllowed('none', pending, moved)).toBe('basic');
    expect(levelAllowed('verified', pending, moved)).toBe('basic');
    expect(levelCap(factsOf(pending), moved, ['beneficial-owners'])).toBe('basic');
    expect(levelCap(factsOf(pending), config, ['beneficial-owners'])).toBe('none');
    // two levels requiring it is refused, as for any requirement
    expect(() =>
      parseKycConfig({
        levels: {
          ...config.levels,
          verified: { ...config.levels.verified, requires: ['beneficial-owners'] },
        },
      }),
    ).toThrow(/beneficial-owners is required by two levels/);
  });

  it('F1 the customer sees which owner waits and why, a screening hit only as pending (tipping-off)', () => {
    const hit = owner('in-review', 'approved');
    expect(customerOwner(hit)).toEqual({ screening: 'pending', identity: 'met', waiting: ['screening'] });
    expect(customerOwnersStatus([hit])).toBe('pending');
    expect(ownersStatus([hit])).toBe('in-review');
    const record = { requirements: PERSON_MET, business: { owners: [hit] } };
    const view = kycOverview(
      { level: 'none' },
      { ...PERSON_MET, 'beneficial-owners': customerOwnersStatus([hit]) },
      config,
      settings,
      new Date('2026-12-05T00:00:00Z'),
      scopeOf(record),
    );
    expect(view.next?.requirements).toEqual([
      { requirement: 'person', status: 'met' },
      { requirement: 'screening-clear', status: 'met' },
      { requirement: 'beneficial-owners', status: 'pending' },
    ]);
    // a person's next level does not list it
    const person = kycOverview({ level: 'none' }, PERSON_MET, config, settings, new Date());
    expect(person.next?.requirements.map((r) => r.requirement)).toEqual(['person', 'screening-clear']);
  });
});

describe('F1 F2 a hit on an owner acts on the customer (owner-hits.ts)', () => {
  const hit = {
    customerId: 'u-biz',
    ownerId: 'bo_000000000000000000000001',
    decisionId: 'scr_owner_1',
    at: '2026-12-05T00:00:00.000Z',
  };
  const ports = () => {
    const cases: unknown[] = [];
    const freezes: unknown[] = [];
    return {
      cases,
      freezes,
      ports: {
        cases: {
          openCase: async (input: unknown) => {
            cases.push(input);
            return { caseId: 'case_00000001', created: true, attached: false };
          },
        },
        screening: {
          freeze: async (userId: string, by: unknown) => {
            freezes.push({ userId, by, casesBefore: cases.length });
          },
          noteFreezeCase: async (userId: string, by: unknown) => {
            freezes.push({ userId, noted: by });
          },
        },
      },
    };
  };

  it('F1 F2 strong: a case on the customer with the owner decision as its source, and the customer frozen; medium: a case only; weak and clear: nothing', async () => {
    expect([
      actionOfBand('strong'),
      actionOfBand('medium'),
      actionOfBand('pep'),
      actionOfBand('weak'),
    ]).toEqual(['block', 'case', 'edd', 'record']);
    const strong = ports();
    expect(await actOnOwnerHit(strong.ports as never, { ...hit, band: 'strong' })).toEqual({
      caseId: 'case_00000001',
      frozen: true,
    });
    expect(strong.cases).toEqual([
      expect.objectContaining({
        subject: { userId: 'u-biz' },
        kind: 'screening-hit',
        source: { kind: 'kyc-owner', id: 'scr_owner_1' },
        attachToOpen: true,
      }),
    ]);
    // frozen before the case is opened, the case's id noted after
    expect(strong.freezes).toEqual([
      { userId: 'u-biz', by: { decisionId: 'scr_owner_1', at: hit.at }, casesBefore: 0 },
      { userId: 'u-biz', noted: { decisionId: 'scr_owner_1', caseId: 'case_00000001' } },
    ]);
    const medium = ports();
    expect(await actOnOwnerHit(medium.ports as never, { ...hit, band: 'medium' })).toEqual({
      caseId: 'case_00000001',
      frozen: false,
    });
    expect(medium.freezes).toEqual([]);
    for (const band of ['weak', 'clear', 'not-screened']) {
      const quiet = ports();
      expect(await actOnOwnerHit(quiet.ports as never, { ...hit, band })).toBeUndefined();
      expect(quiet.cases).toEqual([]);
    }
  });
});

describe('F1 the compliance review of an owner (review-kyc-requirement with ownerId)', () => {
  const run = (parameters: Record<string, unknown>) => ({
    request: {
      requestId: 'req_1',
      requesterId: 'compliance-1',
      reason: 'provider could not decide',
      target: { kind: 'user', id: 'u-biz' },
    } as never,
    parameters,
    at: new Date('2026-12-05T00:00:00Z'),
  });
  const OWNER = 'bo_000000000000000000000001';

  it("F1 the plane accepts an owner for identity-verified; the executor decides the owner's check, refuses another requirement and a check not in review", async () => {
    expect(
      REVIEW_KYC_PARAMETERS.safeParse({
        requirement: 'identity-verified',
        outcome: 'approve',
        ownerId: OWNER,
      }).success,
    ).toBe(true);
    expect(
      REVIEW_KYC_PARAMETERS.safeParse({
        requirement: 'identity-verified',
        outcome: 'approve',
        ownerId: 'u-1',
      }).success,
    ).toBe(false);
    const calls: unknown[] = [];
    const ports = {
      kyc: {
        review: async () => 'not-in-review' as const,
        setLevel: async () => ({}) as never,
        reviewOwner: async (userId: string, ownerId: string, outcome: string) => {
          calls.push([userId, ownerId, outcome]);
          return ownerId === OWNER
            ? { level: 'basic' as const, from: 'none' as const }
            : ('not-in-review' as const);
        },
      },
    };
    expect(
      await reviewKycRequirement(
        ports,
        run({ requirement: 'identity-verified', outcome: 'approve', ownerId: OWNER }),
      ),
    ).toEqual({
      requirement: 'identity-verified',
      outcome: 'approve',
      ownerId: OWNER,
      level: 'basic',
      from: 'none',
    });
    expect(calls).toEqual([['u-biz', OWNER, 'approve']]);
    await expect(
      reviewKycRequirement(
        ports,
        run({ requirement: 'source-of-funds', outcome: 'approve', ownerId: OWNER }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_IN_REVIEW' });
    await expect(
      reviewKycRequirement(
        ports,
        run({ requirement: 'identity-verified', outcome: 'approve', ownerId: 'bo_ffffffffffffffffffffffff' }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_IN_REVIEW' });
  });
});
