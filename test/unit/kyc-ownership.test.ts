// F1: beneficial ownership over a graph of persons and companies: nested chains multiplied and added, cycles
// and totals over 100 % refused, the threshold from configuration, the senior managing official when nobody
// reaches it.

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import {
  beneficialOwnership,
  type OwnershipDeclaration,
  OwnershipRefused,
  ownershipDeclaration,
} from '../../lambdas/kyc/ownership.js';

const threshold = parseKycConfig({}).beneficialOwnerThresholdPercent;
const person = (id: string) => ({ id, kind: 'person' as const, name: `Person ${id}` });
const company = (id: string) => ({ id, kind: 'company' as const, name: `Company ${id}`, jurisdiction: 'LU' });
const hold = (owner: string, owned: string, percent: string) => ({ owner, owned, percent });

function refusal(declaration: OwnershipDeclaration): { reason: string; message: string; status: number } {
  try {
    beneficialOwnership(declaration, threshold);
  } catch (err) {
    expect(err).toBeInstanceOf(OwnershipRefused);
    const { reason, message, status } = err as OwnershipRefused;
    return { reason, message, status };
  }
  throw new Error('not refused');
}

describe('F1 beneficial owners of a business customer', () => {
  it('F1 the threshold is 25 % by default and in configuration', () => {
    expect(threshold).toBe(25);
    expect(parseKycConfig({ beneficialOwnerThresholdPercent: 10 }).beneficialOwnerThresholdPercent).toBe(10);
  });

  it('F1 nested ownership: shares multiply along a chain and chains add up; at exactly the threshold is an owner', () => {
    // Alice: 50 % of Hold × Hold's 40 % of Target = 20 %, plus 5 % direct = 25 % (exactly the threshold).
    // Bob: 40 % × 40 % = 16 %, plus 60 % of Mid × Mid's 10 % of Hold × 40 % = 2.4 % → 18.4 %.
    // Carol: 55 % direct, plus 33.3333 % × 10 % × 40 % = 1.333332 % → 56.3333 % (4 decimals).
    const declaration = z.parse(ownershipDeclaration, {
      company: 'target',
      parties: [
        company('target'),
        company('hold'),
        company('mid'),
        person('alice'),
        person('bob'),
        person('carol'),
      ],
      holdings: [
        hold('hold', 'target', '40'),
        hold('alice', 'target', '5'),
        hold('carol', 'target', '55'),
        hold('alice', 'hold', '50'),
        hold('bob', 'hold', '40'),
        hold('mid', 'hold', '10'),
        hold('bob', 'mid', '60'),
        hold('carol', 'mid', '33.3333'),
      ],
    });
    const result = beneficialOwnership(declaration, threshold);
    expect(result.effective).toEqual([
      { personId: 'carol', name: 'Person carol', percent: '56.3333' },
      { personId: 'alice', name: 'Person alice', percent: '25' },
      { personId: 'bob', name: 'Person bob', percent: '18.4' },
    ]);
    expect(result.beneficialOwners.map((o) => o.personId)).toEqual(['carol', 'alice']);
    expect(result.seniorManagingOfficial).toBeUndefined();
    // Bob reaches a 10 % threshold.
    expect(beneficialOwnership(declaration, 10).beneficialOwners.map((o) => o.personId)).toEqual([
      'carol',
      'alice',
      'bob',
    ]);
  });

  it('F1 a cycle of holdings is refused, naming it', () => {
    const cycle = refusal({
      company: 'a',
      parties: [company('a'), company('b'), company('c'), person('p')],
      holdings: [hold('b', 'a', '50'), hold('c', 'b', '50'), hold('a', 'c', '50'), hold('p', 'a', '50')],
    });
    expect(cycle.reason).toBe('cycle');
    expect(cycle.status).toBe(400);
    expect(cycle.message).toMatch(/cycle: (a ← b ← c ← a|b ← c ← a ← b|c ← a ← b ← c)/);
    expect(refusal({ company: 'a', parties: [company('a')], holdings: [hold('a', 'a', '10')] }).reason).toBe(
      'cycle',
    );
  });

  it('F1 shares over 100 % in any company of the graph are refused', () => {
    const over = refusal({
      company: 'target',
      parties: [company('target'), company('hold'), person('p'), person('q')],
      holdings: [hold('hold', 'target', '60'), hold('p', 'hold', '70'), hold('q', 'hold', '30.0001')],
    });
    expect(over).toMatchObject({
      reason: 'over-100',
      message: 'The shares held in hold add up to 100.0001 %, over 100 %',
    });
    // Exactly 100 % is fine.
    expect(() =>
      beneficialOwnership(
        {
          company: 't',
          parties: [company('t'), person('p'), person('q')],
          holdings: [hold('p', 't', '66.6667'), hold('q', 't', '33.3333')],
        },
        threshold,
      ),
    ).not.toThrow();
  });

  it('F1 nobody at the threshold: the senior managing official is recorded, and must be named', () => {
    const spread = {
      company: 't',
      parties: [company('t'), person('a'), person('b'), person('c'), person('d'), person('ceo')],
      holdings: [hold('a', 't', '24.9999'), hold('b', 't', '24'), hold('c', 't', '24'), hold('d', 't', '24')],
    };
    expect(refusal(spread)).toMatchObject({ reason: 'no-official' });
    expect(refusal({ ...spread, seniorManagingOfficial: 't' }).reason).toBe('no-official');
    const result = beneficialOwnership({ ...spread, seniorManagingOfficial: 'ceo' }, threshold);
    expect(result.beneficialOwners).toEqual([]);
    expect(result.seniorManagingOfficial).toEqual({ personId: 'ceo', name: 'Person ceo' });
  });

  it('F1 unknown parties, a person shown as owned and duplicates are refused; the schema refuses a bad share', () => {
    const base = { company: 't', parties: [company('t'), person('p')] };
    expect(refusal({ ...base, holdings: [hold('x', 't', '10')] }).reason).toBe('unknown-party');
    expect(refusal({ ...base, holdings: [hold('t', 'p', '10')] }).reason).toBe('person-owned');
    expect(refusal({ ...base, holdings: [hold('p', 't', '10'), hold('p', 't', '20')] }).reason).toBe(
      'duplicate',
    );
    expect(refusal({ company: 't', parties: [company('t'), person('t')], holdings: [] }).reason).toBe(
      'duplicate',
    );
    expect(refusal({ company: 'p', parties: [company('t'), person('p')], holdings: [] }).reason).toBe(
      'unknown-party',
    );
    for (const percent of ['0.00001', '100.01', '-5', '1e2', '']) {
      expect(
        z.safeParse(ownershipDeclaration, { ...base, holdings: [hold('p', 't', percent)] }).success,
        percent,
      ).toBe(false);
    }
  });
});
