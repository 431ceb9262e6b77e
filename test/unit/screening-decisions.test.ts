// F2 screening in the product: the bands (configuration), the decision and its record with the list
// versions it used, and what a band leads to (a case through the openCase seam, a freeze of withdrawals)
// over a small FollowTheMoney list in a local ListStore. C1/C2: an address hit records its decision and
// opens a case without freezing the customer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OpenCaseInput } from '../../lambdas/cases/contracts.js';
import { bandOf, SCREENING_BANDS } from '../../lambdas/screening/bands.js';
import { MATCH_THRESHOLD } from '../../lambdas/screening/config.js';
import { decide, NOT_SCREENED, type ScreeningDecision } from '../../lambdas/screening/decision.js';
import type { ScreeningHit } from '../../lambdas/screening/screen.js';
import { forgetIndex, nameOfUsername, ScreeningWork } from '../../lambdas/screening/screening-work.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { screen as screenWithdrawal } from '../../lambdas/withdrawals/screening.js';
import { LocalListStore } from '../../local/adapters/list-store.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const clock = { now: () => NOW };
const LIST = 'test_sanctions';
const line = (id: string, name: string, birthDate?: string) =>
  JSON.stringify({
    id,
    schema: 'Person',
    properties: { name: [name], ...(birthDate ? { birthDate: [birthDate] } : {}) },
    datasets: [LIST],
  });
const file = (...lines: string[]) =>
  new Map([['entities.ftm.json', new TextEncoder().encode(`${lines.join('\n')}\n`)]]);

const hit = (score: number): ScreeningHit => ({
  entityId: 'x:1',
  list: 'x',
  schema: 'Person',
  matchedName: 'X',
  nameKind: 'primary',
  nameScore: score,
  score,
  explanation: {
    tokens: [],
    unmatchedQuery: [],
    unmatchedCandidate: [],
    legalForms: { query: [], candidate: [] },
    adjustments: [],
  },
});
const versions = [{ list: 'x', version: '20261204T000000Z-abcdefabcdef', sha256: 'a'.repeat(64) }];

describe('F2 screening bands', () => {
  it('F2 bands are ordered, each with a reason, the weakest at the matcher threshold', () => {
    const floors = SCREENING_BANDS.map((b) => b.minScore);
    expect([...floors].sort((a, b) => b - a)).toEqual(floors);
    expect(SCREENING_BANDS.at(-1)?.minScore).toBe(MATCH_THRESHOLD);
    for (const b of SCREENING_BANDS) expect(b.reason.length).toBeGreaterThan(10);
    expect(SCREENING_BANDS.map((b) => [b.band, b.action])).toEqual([
      ['strong', 'block'],
      ['medium', 'case'],
      ['weak', 'record'],
    ]);
  });

  it('F2 a score falls in the first band whose floor it reaches; below the threshold, none', () => {
    expect(bandOf(0.99)?.band).toBe('strong');
    expect(bandOf(0.92)?.band).toBe('strong');
    expect(bandOf(0.9)?.band).toBe('medium');
    expect(bandOf(0.8)?.band).toBe('weak');
    expect(bandOf(0.5)).toBeUndefined();
  });

  it('F2 a decision takes the best hit, records the list versions, and is the same id on a retry', () => {
    const input = {
      subject: { kind: 'customer' as const, userId: 'u1' },
      trigger: 'signup' as const,
      queryKey: '{"name":"a"}',
      result: { hits: [hit(0.8), hit(0.95)], listVersions: versions },
      now: NOW,
    };
    const d = decide(input);
    expect(d).toMatchObject({
      band: 'strong',
      action: 'block',
      listVersions: versions,
      at: NOW.toISOString(),
    });
    expect(d.hits.map((h) => h.score)).toEqual([0.95, 0.8]);
    expect(decide(input).decisionId).toBe(d.decisionId);
    const clear = decide({ ...input, result: { hits: [], listVersions: versions } });
    expect(clear).toMatchObject({ band: 'clear', action: 'none', hits: [], listVersions: versions });
    // another list version is another decision
    const other = decide({
      ...input,
      result: { hits: [], listVersions: versions.map((v) => ({ ...v, sha256: 'b'.repeat(64) })) },
    });
    expect(other.decisionId).not.toBe(clear.decisionId);
  });
});

describe('F2 screening work over the list store', () => {
  let lists: LocalListStore;
  let recorded: ScreeningDecision[];
  let frozen: { userId: string; decisionId: string; at: string; casesBefore: number; caseId?: string }[];
  let opened: OpenCaseInput[];
  let work: ScreeningWork;

  beforeEach(async () => {
    forgetIndex();
    lists = new LocalListStore(mkdtempSync(join(tmpdir(), 'palisade-screening-')));
    await loadListVersion(lists, {
      format: 'ftm-jsonl',
      list: LIST,
      files: file(
        line('p1', 'Anton Nikolaevich Andreyev', '1985-03-03'),
        line('p2', 'Maria Petrovna Sidorova'),
      ),
      loadedBy: 'test',
      now: NOW,
    });
    recorded = [];
    frozen = [];
    opened = [];
    work = new ScreeningWork({
      lists,
      screened: [{ list: LIST, format: 'ftm-jsonl', kind: 'sanctions' }],
      clock,
      store: {
        record: async (d) => {
          recorded.push(d);
          return true;
        },
        freeze: async (userId, by) => {
          frozen.push({ userId, ...by, casesBefore: opened.length });
        },
        noteFreezeCase: async (userId, by) => {
          const f = frozen.find((x) => x.userId === userId && x.decisionId === by.decisionId);
          if (f) f.caseId = by.caseId;
        },
      },
      cases: {
        openCase: async (input) => {
          opened.push(input);
          return { caseId: `case_${'a'.repeat(12)}`, created: true, attached: false };
        },
      },
    });
  });

  it('F2 a strong hit is recorded with the version used, opens a screening-hit case and freezes withdrawals', async () => {
    const out = await work.screenCustomer(
      { userId: 'u1', name: 'Anton Nikolaevich Andreyev', birthDate: '1985-03-03' },
      'signup',
    );
    expect(out.decision.band).toBe('strong');
    expect(out.frozen).toBe(true);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.listVersions).toEqual([
      expect.objectContaining({
        list: LIST,
        version: expect.stringMatching(/^20261204T120000Z-[0-9a-f]{12}$/),
      }),
    ]);
    expect(recorded[0]?.hits[0]?.explanation.tokens.length).toBeGreaterThan(0);
    expect(opened[0]).toMatchObject({
      kind: 'screening-hit',
      subject: { userId: 'u1' },
      source: { kind: 'screening', id: out.decision.decisionId },
      signals: [
        expect.objectContaining({
          code: 'SCREENING_HIT',
          facts: expect.objectContaining({ band: 'strong', entry: `${LIST}:p1` }),
        }),
      ],
    });
    // frozen before the case is opened (no moment shows the case without the freeze), the case's id after
    expect(frozen).toEqual([
      {
        userId: 'u1',
        decisionId: out.decision.decisionId,
        at: NOW.toISOString(),
        casesBefore: 0,
        caseId: out.caseId,
      },
    ]);
  });

  it('F2 a clear customer is recorded too, and nothing else happens', async () => {
    const out = await work.screenCustomer({ userId: 'u2', name: nameOfUsername('quiet_gardener') }, 'signup');
    expect(out).toMatchObject({ frozen: false, decision: { band: 'clear', hits: [] } });
    expect(recorded).toHaveLength(1);
    expect(opened).toHaveLength(0);
    expect(frozen).toHaveLength(0);
  });

  it('F2 a weak hit is recorded only; the index follows a new list version', async () => {
    // only the surname and one given name: a weaker match
    const first = await work.screenCustomer({ userId: 'u3', name: 'Maria Sidorenko' }, 'signup');
    expect(['weak', 'clear']).toContain(first.decision.band);
    expect(opened).toHaveLength(0);
    await loadListVersion(lists, {
      format: 'ftm-jsonl',
      list: LIST,
      files: file(line('p1', 'Anton Nikolaevich Andreyev'), line('p3', 'Quiet Gardener')),
      loadedBy: 'test',
      now: new Date('2026-12-05T00:00:00Z'),
    });
    const again = await work.screenCustomer(
      { userId: 'u2', name: nameOfUsername('quiet_gardener') },
      'rescreen',
    );
    expect(again.decision.band).toBe('strong');
    expect(again.decision.listVersions[0]?.version).toMatch(/^20261205T000000Z-/);
  });

  it('C1 a listed withdrawal address records its decision and opens a case without freezing the customer', async () => {
    const out = await work.recordAddressScreening({
      userId: 'u4',
      addressId: 'addr_1',
      trigger: 'address-added',
      hit: { entityId: 'ofac-sdn:29703', listing: 'ANDREYEV, Anton [CYBER2]' },
      listVersions: versions,
    });
    expect(out).toMatchObject({
      frozen: false,
      decision: { band: 'strong', subject: { kind: 'address', addressId: 'addr_1' } },
    });
    expect(opened[0]?.evidence).toEqual([{ kind: 'address', id: 'addr_1' }]);
    expect(frozen).toHaveLength(0);
  });

  it('F2 with no list version loaded (a fresh deployment) the customer is not blocked: "not screened: no list version" is recorded, no case, no freeze', async () => {
    forgetIndex();
    const empty = new ScreeningWork({
      lists: new LocalListStore(mkdtempSync(join(tmpdir(), 'palisade-screening-empty-'))),
      screened: [{ list: LIST, format: 'ftm-jsonl', kind: 'sanctions' }],
      clock,
      store: {
        record: async (d) => {
          recorded.push(d);
          return true;
        },
        freeze: async (userId, by) => {
          frozen.push({ userId, ...by, casesBefore: opened.length });
        },
        noteFreezeCase: async (userId, by) => {
          const f = frozen.find((x) => x.userId === userId && x.decisionId === by.decisionId);
          if (f) f.caseId = by.caseId;
        },
      },
      cases: {
        openCase: async (input) => {
          opened.push(input);
          return { caseId: `case_${'a'.repeat(12)}`, created: true, attached: false };
        },
      },
    });
    // even a listed name: nothing is screened, nothing is blocked
    const out = await empty.screenCustomer({ userId: 'u9', name: 'Anton Nikolaevich Andreyev' }, 'signup');
    expect(out).toMatchObject({
      frozen: false,
      decision: { band: 'not-screened', action: 'none', reason: NOT_SCREENED, hits: [], listVersions: [] },
    });
    expect(recorded).toEqual([out.decision]);
    expect(opened).toHaveLength(0);
    expect(frozen).toHaveLength(0);
    // the first load's re-screen gives another decision id: versions are part of it
    forgetIndex();
    const later = await work.screenCustomer({ userId: 'u9', name: 'Anton Nikolaevich Andreyev' }, 'signup');
    expect(later.decision.decisionId).not.toBe(out.decision.decisionId);
    expect(later.decision.band).toBe('strong');
  });

  it('F2 a customer name is the username with separators as blanks', () => {
    expect(nameOfUsername('anton_andreev')).toBe('anton andreev');
    expect(nameOfUsername('a.b-c')).toBe('a b c');
  });
});

describe('F2 a frozen customer at the withdrawal screening', () => {
  const record = {
    status: 'screening' as const,
    withdrawalId: 'wd_1',
    risk: { band: 'low' as const, score: 0, signals: [] },
  };
  it('F2 a customer frozen by a strong hit has the withdrawal reviewed, the status every reviewed withdrawal shows', () => {
    const facts = {
      record,
      account: { status: 'active' as const },
      destination: { status: 'active' as const },
      sanctioned: false,
    };
    expect(screenWithdrawal(facts)).toMatchObject({ cancelled: false, band: 'low' });
    expect(screenWithdrawal({ ...facts, screeningFrozen: true })).toMatchObject({
      cancelled: false,
      band: 'unusual',
    });
  });
});
