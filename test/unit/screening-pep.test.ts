// F2 PEP screening: the PEP bands (configuration beside the sanctions bands), what makes a FollowTheMoney
// entity a PEP, the decision when PEP and sanctions hits meet (the stricter outcome, plus the PEP flag), the
// screening work over a sanctions list and a PEP list in a local ListStore (an EDD case, never a freeze; a
// missing PEP list screens against the sanctions lists alone), and the time-ordered decision summaries the
// admin user view and the PEP status read, over a test DynamoDB.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenCaseInput } from '../../lambdas/cases/contracts.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import {
  ACTION_SEVERITY,
  bandOf,
  HIT_BANDS,
  hitCategoryOf,
  PEP_BANDS,
  pepRolesOf,
  SCREENING_BANDS,
} from '../../lambdas/screening/bands.js';
import {
  MATCH_THRESHOLD,
  PEP_LIST,
  SCREENED_LISTS,
  type ScreenedList,
} from '../../lambdas/screening/config.js';
import { type DecisionHit, decide, type ScreeningDecision } from '../../lambdas/screening/decision.js';
import { pepStatusOf } from '../../lambdas/screening/pep-status.js';
import { ScreeningStore } from '../../lambdas/screening/screening-store.js';
import { forgetIndex, ScreeningWork } from '../../lambdas/screening/screening-work.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';
import { memoryOutbox } from '../support/outbox.js';

const NOW = new Date('2026-12-05T12:00:00Z');
const SANCTIONS = 'test_sanctions';
const PEPS = 'test_peps';
const SCREENED: readonly ScreenedList[] = [
  { list: SANCTIONS, format: 'ftm-jsonl', kind: 'sanctions' },
  { list: PEPS, format: 'ftm-jsonl', kind: 'pep' },
];

const hit = (score: number, category: DecisionHit['category'], list = 'x'): DecisionHit => ({
  entityId: `${list}:${category}-${score}`,
  list,
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
  ...(category ? { category } : {}),
  ...(category === 'pep' ? { pepRoles: ['role.pep'] } : {}),
});
const v = (list: string) => ({
  list,
  version: '20261205T000000Z-abcdefabcdef',
  sha256: list.padEnd(64, '0'),
});

describe('F2 PEP bands', () => {
  it('F2 the PEP list is screened by default as a FollowTheMoney list of kind pep, beside the sanctions lists', () => {
    expect(SCREENED_LISTS).toEqual(
      expect.arrayContaining([
        { list: 'ofac-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' },
        { list: 'un-sc', format: 'un-xml', kind: 'sanctions' },
        { list: PEP_LIST, format: 'ftm-jsonl', kind: 'pep' },
      ]),
    );
  });

  it('F2 PEP bands are ordered, each with a reason, the weakest at the threshold, and none blocks', () => {
    const floors = PEP_BANDS.map((b) => b.minScore);
    expect([...floors].sort((a, b) => b - a)).toEqual(floors);
    expect(PEP_BANDS.at(-1)?.minScore).toBe(MATCH_THRESHOLD);
    expect(PEP_BANDS.map((b) => [b.band, b.action])).toEqual([
      ['pep', 'edd'],
      ['pep-weak', 'record'],
    ]);
    for (const bands of Object.values(HIT_BANDS))
      for (const b of bands) expect(b.reason.length).toBeGreaterThan(10);
    // never a block or a sanctions case from a PEP list
    for (const b of [...HIT_BANDS.pep, ...HIT_BANDS.listed]) expect(['edd', 'record']).toContain(b.action);
    expect(bandOf(0.9, PEP_BANDS)?.action).toBe('edd');
    expect(bandOf(0.8, PEP_BANDS)?.action).toBe('record');
    expect(bandOf(0.5, PEP_BANDS)).toBeUndefined();
    // the stricter action decides: block > case > edd > record
    expect(ACTION_SEVERITY.block).toBeGreaterThan(ACTION_SEVERITY.case);
    expect(ACTION_SEVERITY.case).toBeGreaterThan(ACTION_SEVERITY.edd);
    expect(ACTION_SEVERITY.edd).toBeGreaterThan(ACTION_SEVERITY.record);
    // the sanctions bands are what they were
    expect(SCREENING_BANDS.map((b) => b.action)).toEqual(['block', 'case', 'record']);
  });

  it('F2 a FollowTheMoney entity is a PEP by its role.pep topics or role.rca; other roles and the sanction topic are not', () => {
    expect(pepRolesOf(['role.pep'])).toEqual(['role.pep']);
    expect(pepRolesOf(['sanction', 'role.pep.frmr'])).toEqual(['role.pep.frmr']);
    expect(pepRolesOf(['role.pep.intl', 'role.rca'])).toEqual(['role.pep.intl', 'role.rca']);
    expect(pepRolesOf(['role.pep.subn'])).toEqual(['role.pep']); // an unknown refinement still counts
    expect(pepRolesOf(['role.judge', 'role.oligarch', 'sanction', 'crime'])).toEqual([]);
    expect(hitCategoryOf('pep', ['role.pep'])).toBe('pep');
    expect(hitCategoryOf('pep', ['role.rca'])).toBe('pep');
    expect(hitCategoryOf('pep', ['sanction'])).toBe('listed');
    expect(hitCategoryOf('pep', [])).toBe('listed');
    // on a sanctions list a hit keeps its sanctions semantics, whatever the topics
    expect(hitCategoryOf('sanctions', ['sanction'])).toBe('sanctions');
    expect(hitCategoryOf('sanctions', ['role.pep', 'sanction'])).toBe('sanctions');
  });
});

describe('F2 PEP decisions', () => {
  const base = {
    subject: { kind: 'customer' as const, userId: 'u1' },
    trigger: 'signup' as const,
    queryKey: '{"name":"a"}',
    now: NOW,
    pepLists: [PEPS],
  };
  const both = [v(SANCTIONS), v(PEPS)];

  it('F2 a plausible PEP hit is an edd decision with the PEP flag and roles; a weak one is recorded without the flag', () => {
    const d = decide({ ...base, result: { hits: [hit(0.9, 'pep', PEPS)], listVersions: both } });
    expect(d).toMatchObject({ band: 'pep', action: 'edd', pep: { flagged: true, roles: ['role.pep'] } });
    const weak = decide({ ...base, result: { hits: [hit(0.8, 'pep', PEPS)], listVersions: both } });
    expect(weak).toMatchObject({ band: 'pep-weak', action: 'record', pep: { flagged: false, roles: [] } });
    const clear = decide({ ...base, result: { hits: [], listVersions: both } });
    expect(clear).toMatchObject({ band: 'clear', action: 'none', pep: { flagged: false, roles: [] } });
  });

  it('F2 on both lists the stricter (sanctions) outcome decides and the PEP flag stays', () => {
    const strong = decide({
      ...base,
      result: { hits: [hit(0.88, 'pep', PEPS), hit(0.95, 'sanctions', SANCTIONS)], listVersions: both },
    });
    expect(strong).toMatchObject({ band: 'strong', action: 'block', pep: { flagged: true } });
    expect(strong.hits.map((h) => h.category)).toEqual(['sanctions', 'pep']);
    const medium = decide({
      ...base,
      result: { hits: [hit(0.95, 'pep', PEPS), hit(0.86, 'sanctions', SANCTIONS)], listVersions: both },
    });
    expect(medium).toMatchObject({ band: 'medium', action: 'case', pep: { flagged: true } });
    // a weak sanctions hit (record) is less strict than the EDD a PEP hit leads to
    const edd = decide({
      ...base,
      result: { hits: [hit(0.8, 'sanctions', SANCTIONS), hit(0.9, 'pep', PEPS)], listVersions: both },
    });
    expect(edd).toMatchObject({ band: 'pep', action: 'edd', pep: { flagged: true } });
  });

  it('F2 the PEP hit that sets the flag is kept among the decision hits even behind many sanctions hits', () => {
    const many = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94].map((s) => hit(s, 'sanctions', SANCTIONS));
    const d = decide({ ...base, result: { hits: [...many, hit(0.86, 'pep', PEPS)], listVersions: both } });
    expect(d.hits).toHaveLength(5);
    expect(d.hits.some((h) => h.category === 'pep')).toBe(true);
    expect(d.pep?.flagged).toBe(true);
  });

  it('F2 without a PEP list version the decision has no PEP finding, and is screened against the sanctions lists', () => {
    const d = decide({
      ...base,
      result: { hits: [hit(0.95, 'sanctions', SANCTIONS)], listVersions: [v(SANCTIONS)] },
    });
    expect(d).toMatchObject({ band: 'strong', action: 'block', listVersions: [v(SANCTIONS)] });
    expect(d.pep).toBeUndefined();
    // a hit recorded before categories existed is a sanctions hit
    const old = decide({ ...base, result: { hits: [hit(0.95, undefined)], listVersions: [v('x')] } });
    expect(old).toMatchObject({ band: 'strong', action: 'block' });
  });
});

const person = (list: string, id: string, name: string, topics: string[]) =>
  JSON.stringify({ id, schema: 'Person', properties: { name: [name], topics }, datasets: [list] });
const file = (...lines: string[]) =>
  new Map([['entities.ftm.json', new TextEncoder().encode(`${lines.join('\n')}\n`)]]);

describe('F2 PEP screening work over the list store', () => {
  let lists: LocalListStore;
  let recorded: ScreeningDecision[];
  let frozen: string[];
  let opened: OpenCaseInput[];
  const work = (store = lists) =>
    new ScreeningWork({
      lists: store,
      screened: SCREENED,
      clock: { now: () => NOW },
      store: {
        record: async (d) => {
          recorded.push(d);
          return true;
        },
        freeze: async (userId) => {
          frozen.push(userId);
        },
        noteFreezeCase: async () => {},
      },
      cases: {
        openCase: async (input) => {
          opened.push(input);
          return {
            caseId: `case_${String(opened.length).padStart(12, '0')}`,
            created: true,
            attached: false,
          };
        },
      },
    });
  const load = (list: string, ...lines: string[]) =>
    loadListVersion(lists, { format: 'ftm-jsonl', list, files: file(...lines), loadedBy: 'test', now: NOW });

  beforeEach(async () => {
    forgetIndex();
    lists = new LocalListStore(mkdtempSync(join(tmpdir(), 'palisade-pep-')));
    recorded = [];
    frozen = [];
    opened = [];
    await load(SANCTIONS, person(SANCTIONS, 's1', 'Boris Kaltenbrunner', ['sanction']));
  });

  it('F2 a PEP hit opens an EDD case (pep-edd, PEP_HIT) and never freezes', async () => {
    await load(
      PEPS,
      person(PEPS, 'p1', 'Maarten Okonkwo-Lindqvist', ['role.pep.natl']),
      person(PEPS, 'p2', 'Ministry Of Quiet Affairs', []),
    );
    const out = await work().screenCustomer({ userId: 'u1', name: 'maarten okonkwo lindqvist' }, 'signup');
    expect(out.frozen).toBe(false);
    expect(frozen).toEqual([]);
    expect(out.decision).toMatchObject({
      band: 'pep',
      action: 'edd',
      pep: { flagged: true, roles: ['role.pep.natl'] },
      hits: [expect.objectContaining({ entityId: `${PEPS}:p1`, category: 'pep' })],
    });
    expect(out.decision.listVersions.map((x) => x.list).sort()).toEqual([PEPS, SANCTIONS].sort());
    expect(opened).toEqual([
      expect.objectContaining({
        kind: 'pep-edd',
        subject: { userId: 'u1' },
        source: { kind: 'screening', id: out.decision.decisionId },
        signals: [
          expect.objectContaining({
            code: 'PEP_HIT',
            facts: expect.objectContaining({ band: 'pep', pepRoles: 'role.pep.natl', entry: `${PEPS}:p1` }),
          }),
        ],
      }),
    ]);
    expect(out.caseId).toBe('case_000000000001');
  });

  it('F2 a customer on a sanctions list and a PEP list is frozen with one screening-hit case carrying both hits, and flagged PEP', async () => {
    await load(PEPS, person(PEPS, 'p9', 'Boris Kaltenbrunner', ['role.pep']));
    const out = await work().screenCustomer({ userId: 'u2', name: 'boris kaltenbrunner' }, 'signup');
    expect(out.frozen).toBe(true);
    expect(out.decision).toMatchObject({ band: 'strong', action: 'block', pep: { flagged: true } });
    expect(opened).toHaveLength(1);
    expect(opened[0]?.kind).toBe('screening-hit');
    expect(opened[0]?.signals.map((s) => s.code).sort()).toEqual(['PEP_HIT', 'SCREENING_HIT']);
  });

  it('F2 with no PEP list loaded the customer is screened against the sanctions lists: no not-screened, no PEP finding', async () => {
    const out = await work().screenCustomer({ userId: 'u3', name: 'boris kaltenbrunner' }, 'signup');
    expect(out.decision.band).toBe('strong');
    expect(out.decision.listVersions.map((x) => x.list)).toEqual([SANCTIONS]);
    expect(out.decision.pep).toBeUndefined();
    const clear = await work().screenCustomer({ userId: 'u4', name: 'quiet gardener' }, 'signup');
    expect(clear.decision).toMatchObject({
      band: 'clear',
      listVersions: [expect.objectContaining({ list: SANCTIONS })],
    });
  });

  it('F2 an entity of the PEP list without a PEP topic is recorded only', async () => {
    await load(PEPS, person(PEPS, 'o1', 'Ministry Of Quiet Affairs', ['gov']));
    const out = await work().screenCustomer({ userId: 'u5', name: 'ministry of quiet affairs' }, 'signup');
    expect(out.decision).toMatchObject({ band: 'listed', action: 'record', pep: { flagged: false } });
    expect(opened).toEqual([]);
    expect(frozen).toEqual([]);
  });
});

describe('F2 decision summaries and the PEP status (the admin user view, KYC)', () => {
  let dynamo: TestDynamo;
  let stateDir: string;
  let store: ScreeningStore;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    stateDir = mkdtempSync(join(tmpdir(), 'palisade-pep-store-'));
    const keys = await LocalKeyService.open(stateDir);
    const spec = TABLES.accounts;
    const table = new SignedTable(
      dynamo.documents,
      { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
      new RowSigner(keys),
      new RowVerifier(keys, async () => {}),
    );
    store = new ScreeningStore(table, memoryOutbox({}));
  });
  afterAll(async () => {
    await dynamo?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 12, minute));
  const customer = (
    userId: string,
    minute: number,
    hits: DecisionHit[],
    versions = [v(SANCTIONS), v(PEPS)],
  ) =>
    decide({
      subject: { kind: 'customer', userId },
      trigger: minute === 0 ? 'signup' : 'rescreen',
      queryKey: `q${minute}`,
      result: { hits, listVersions: versions },
      now: at(minute),
      pepLists: [PEPS],
    });

  it('F2 the newest decisions come newest first, customer and addresses merged, each written once', async () => {
    const userId = 'pep-user-1';
    const first = customer(userId, 0, [], [v(SANCTIONS)]);
    const second = customer(userId, 5, [hit(0.9, 'pep', PEPS)]);
    const address = decide({
      subject: { kind: 'address', userId, addressId: 'addr_1' },
      trigger: 'address-added',
      queryKey: 'addr_1',
      result: { hits: [], listVersions: [v('ofac-sdn')] },
      now: at(3),
    });
    expect(await store.record(first)).toBe(true);
    expect(await store.record(second)).toBe(true);
    expect(await store.record(address)).toBe(true);
    expect(await store.record(second)).toBe(false); // a retry writes nothing, not even a second summary
    const recent = await store.recentDecisions(userId, 10);
    expect(recent.map((d) => d.decisionId)).toEqual([
      second.decisionId,
      address.decisionId,
      first.decisionId,
    ]);
    expect(recent[0]).toMatchObject({
      band: 'pep',
      action: 'edd',
      pep: { flagged: true, roles: ['role.pep'] },
      hits: [
        {
          entityId: `${PEPS}:pep-0.9`,
          list: PEPS,
          matchedName: 'X',
          score: 0.9,
          category: 'pep',
          pepRoles: ['role.pep'],
        },
      ],
    });
    expect(recent[0]).not.toHaveProperty('queryKey');
    expect(await store.recentDecisions(userId, 2)).toHaveLength(2);
  });

  it('F2 the PEP status is the newest customer decision: pep, then not-pep after a clear re-screen; not-screened without a PEP list or a decision', async () => {
    expect(await pepStatusOf(store, 'nobody')).toEqual({
      status: 'not-screened',
      roles: [],
      listVersions: [],
    });
    const userId = 'pep-user-2';
    await store.record(customer(userId, 0, [], [v(SANCTIONS)]));
    expect((await pepStatusOf(store, userId)).status).toBe('not-screened');
    const flagged = customer(userId, 10, [hit(0.9, 'pep', PEPS)]);
    await store.record(flagged);
    expect(await pepStatusOf(store, userId)).toMatchObject({
      status: 'pep',
      roles: ['role.pep'],
      decisionId: flagged.decisionId,
      at: at(10).toISOString(),
    });
    // an address decision later does not hide the customer's status
    await store.record(
      decide({
        subject: { kind: 'address', userId, addressId: 'a' },
        trigger: 'withdrawal',
        queryKey: 'a',
        result: { hits: [], listVersions: [v('ofac-sdn')] },
        now: at(20),
      }),
    );
    expect((await pepStatusOf(store, userId)).status).toBe('pep');
    await store.record(customer(userId, 30, []));
    expect((await pepStatusOf(store, userId)).status).toBe('not-pep');
  });
});
