// F1/X4 business customers, the risk rating and the refresh, against DynamoDB semantics (dynalite): the ownership
// graph declared (nested chains, refusals, the senior managing official), the owners sealed (E2) with their
// screening pointers, the risk rating with a PEP and its EDD requirements, and the refresh deadlines with an
// injected clock (asked, overdue → limits capped at basic, a D2 override capped too, refreshed → restored).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { Effect } from '../../lambdas/kernel/outbox.js';
import type { FieldCipher } from '../../lambdas/kernel/privacy/field-cipher.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { type BusinessBody, declareBusiness, ownerSubjectId } from '../../lambdas/kyc/business.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import {
  KycStore,
  kycKey,
  ownerPointerKey,
  type RecordRater,
  refreshPartition,
  refreshShardOf,
} from '../../lambdas/kyc/kyc-store.js';
import { overviewOf } from '../../lambdas/kyc/overview.js';
import { OwnershipRefused } from '../../lambdas/kyc/ownership.js';
import { pepOfFinding, rateRecord } from '../../lambdas/kyc/record-risk.js';
import { sweepRefresh } from '../../lambdas/kyc/refresh.js';
import type { PepStatus } from '../../lambdas/kyc/risk.js';
import { levelLimits } from '../../lambdas/kyc/wiring.js';
import { WithdrawalLimits } from '../../lambdas/withdrawals/limits.js';
import { openLocalFieldCipher } from '../../local/adapters/field-cipher.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let vault: FieldCipher;
const config = parseKycConfig({});
const settings = parseSettings({
  withdrawalLimits: { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
});
const written: Effect[][] = [];
const outbox = {
  pending: (of: (row: unknown) => readonly Effect[]) => {
    let effects: readonly Effect[] = [];
    return {
      writes: (row: unknown) => {
        effects = of(row);
        return effects.length
          ? [{ create: { pk: 'OUTBOX', sk: `e-${written.length}-${Math.random()}`, effects } }]
          : [];
      },
      settle: async () => {
        if (effects.length) written.push([...effects]);
      },
    };
  },
};
const peps = new Map<string, PepStatus>();
const rater: RecordRater = {
  async prepare(userId, current) {
    const subjects = [userId, ...(current?.business?.owners ?? []).map((o) => o.ownerId)];
    const pep = subjects.map((s) => peps.get(s) ?? 'none').find((p) => p !== 'none') ?? 'none';
    return (record, at) => rateRecord(record, { pep, volume30Days: '0' }, config, settings, at);
  },
};
const store = () => new KycStore(table, outbox as never, config, vault, rater, 30);

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-kyc-business-'));
  const keys = await LocalKeyService.open(stateDir);
  vault = await openLocalFieldCipher(stateDir);
  table = signedAccountsTable(dynamo.documents, keys);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const raw = async (key: { pk: string; sk: string }) =>
  (await dynamo.documents.send(new GetCommand({ TableName: TABLES.accounts.logicalName, Key: key }))).Item;

/** Acme (DE) held 40 % by Bruno directly and 60 % by HoldCo (LU), itself 50/50 Ada and Chen: Ada 30 %, Chen 30 %, Bruno 40 %. */
const NESTED: BusinessBody = {
  registrationNumber: 'HRB 123456',
  jurisdiction: 'DE',
  incorporationDocument: 'slot_incorporation_1',
  ownership: {
    company: 'acme',
    parties: [
      {
        id: 'acme',
        kind: 'company',
        name: 'Acme GmbH',
        registrationNumber: 'HRB 123456',
        jurisdiction: 'DE',
      },
      { id: 'holdco', kind: 'company', name: 'HoldCo SA', jurisdiction: 'LU' },
      { id: 'ada', kind: 'person', name: 'Ada Lovelace', dateOfBirth: '1985-12-10', nationality: 'GB' },
      { id: 'bruno', kind: 'person', name: 'Bruno Ganz', residenceCountry: 'CH' },
      { id: 'chen', kind: 'person', name: 'Chen Wei' },
      { id: 'dora', kind: 'person', name: 'Dora Maar' },
    ],
    holdings: [
      { owner: 'bruno', owned: 'acme', percent: '40' },
      { owner: 'holdco', owned: 'acme', percent: '60' },
      { owner: 'ada', owned: 'holdco', percent: '50' },
      { owner: 'chen', owned: 'holdco', percent: '50' },
    ],
  },
};

const refused = (body: BusinessBody): string => {
  try {
    declareBusiness('u-refused', body, config.beneficialOwnerThresholdPercent);
  } catch (error) {
    if (error instanceof OwnershipRefused) return `${error.status} ${error.reason}`;
    throw error;
  }
  return 'accepted';
};

describe('F1 business customers and beneficial owners', () => {
  it('F1 a nested graph: effective ownership multiplied along chains, every person at 25 % or more a beneficial owner, sealed (E2) with a pointer for their screening', async () => {
    const declaration = declareBusiness('u-biz', NESTED, config.beneficialOwnerThresholdPercent);
    expect(declaration.owners.map((o) => [o.name, o.percent, o.role])).toEqual([
      ['Bruno Ganz', '40', 'beneficial-owner'],
      ['Ada Lovelace', '30', 'beneficial-owner'],
      ['Chen Wei', '30', 'beneficial-owner'],
    ]);
    expect(declaration.countries.sort()).toEqual(['CH', 'DE', 'GB', 'LU']);
    const record = await store().submitBusiness('u-biz', declaration, '2026-12-05T00:00:00.000Z');
    expect(record.business?.owners.map((o) => [o.nameMasked, o.screening])).toEqual([
      ['B*** G***', 'pending'],
      ['A*** L***', 'pending'],
      ['C*** W***', 'pending'],
    ]);
    // E2: nothing in clear in the row; each owner opens only under its own binding
    const row = await raw(kycKey('u-biz'));
    const text = JSON.stringify(row);
    for (const value of ['Bruno', 'Ganz', 'Lovelace', 'Chen Wei', '1985-12-10', 'HRB 123456', 'Acme GmbH']) {
      expect(text).not.toContain(value);
    }
    const ada = ownerSubjectId('u-biz', 'ada');
    const sealed = record.business?.owners.find((o) => o.ownerId === ada)?.sealed as string;
    const binding = {
      table: TABLES.accounts.logicalName,
      key: { ...kycKey('u-biz'), field: `owner:${ada}` },
      group: 'identity' as const,
    };
    expect(await vault.decrypt(binding, sealed)).toEqual({
      name: 'Ada Lovelace',
      dateOfBirth: '1985-12-10',
      nationality: 'GB',
    });
    expect(await raw(ownerPointerKey(ada))).toMatchObject({ userId: 'u-biz' });
    // the customer's view: masked names, screening pending
    const view = overviewOf(record, config, settings, new Date('2026-12-05T00:00:00Z'));
    expect(view.business?.owners[0]).toEqual({
      ownerId: ownerSubjectId('u-biz', 'bruno'),
      role: 'beneficial-owner',
      percent: '40',
      name: 'B*** G***',
      screening: 'pending',
      identity: 'missing',
      waiting: ['screening', 'documents'],
    });
    expect(view.business?.registrationNumber).toBe('***456');
  });

  it('F1 refusals: a cycle, shares over 100 %, nobody above the threshold without a senior managing official (400, nothing to write)', () => {
    const cycle = structuredClone(NESTED);
    cycle.ownership.holdings[3] = { owner: 'chen', owned: 'holdco', percent: '40' };
    cycle.ownership.holdings.push({ owner: 'acme', owned: 'holdco', percent: '10' });
    expect(refused(cycle)).toBe('400 cycle');
    const over = structuredClone(NESTED);
    over.ownership.holdings[0] = { owner: 'bruno', owned: 'acme', percent: '40.0001' };
    expect(refused(over)).toBe('400 over-100');
    const spread = structuredClone(NESTED);
    spread.ownership.holdings = [
      { owner: 'ada', owned: 'acme', percent: '24.9999' },
      { owner: 'bruno', owned: 'acme', percent: '24.9999' },
      { owner: 'chen', owned: 'acme', percent: '24.9999' },
      { owner: 'dora', owned: 'acme', percent: '24.9999' },
    ];
    expect(refused(spread)).toBe('400 no-official');
    spread.ownership.seniorManagingOfficial = 'dora';
    const declared = declareBusiness('u-smo', spread, config.beneficialOwnerThresholdPercent);
    expect(declared.owners).toEqual([
      {
        ownerId: ownerSubjectId('u-smo', 'dora'),
        role: 'senior-managing-official',
        name: 'Dora Maar',
        nameMasked: 'D*** M***',
      },
    ]);
  });

  it('F1 F2 an owner’s screening lands in the customer’s record through the pointer; a hit rates the customer', async () => {
    const kyc = store();
    const bruno = ownerSubjectId('u-biz', 'bruno');
    const ada = ownerSubjectId('u-biz', 'ada');
    await kyc.recordScreening(bruno, { decisionId: 'scr_b', band: 'clear' }, '2026-12-05T01:00:00.000Z');
    await kyc.recordScreening(ada, { decisionId: 'scr_a', band: 'medium' }, '2026-12-05T01:00:00.000Z');
    const record = await kyc.get('u-biz');
    expect(record?.business?.owners.map((o) => o.screening)).toEqual(['met', 'in-review', 'pending']);
    expect(record?.risk?.reasons.map((r) => r.code)).toContain('screening-possible-match');
    expect(record?.risk?.rating).toBe('medium');
    // the customer never sees in-review
    const view = overviewOf(record, config, settings, new Date('2026-12-05T02:00:00Z'));
    expect(view.business?.owners.map((o) => o.screening)).toEqual(['met', 'pending', 'pending']);
    expect(JSON.stringify(view)).not.toMatch(/risk|in-review|medium/);
  });
});

describe('F1 the risk rating wired', () => {
  it('F1 a PEP rates the customer high with its reason, adds the EDD requirements and a yearly refresh from the review', async () => {
    const kyc = store();
    const person = {
      legalName: { given: 'Pia', family: 'Politika' },
      dateOfBirth: '1970-01-01',
      nationality: 'FR',
      residence: { line1: '1 rue de Rivoli', city: 'Paris', country: 'FR' },
      taxResidence: [{ country: 'FR' }],
    };
    await kyc.submitPerson('u-pep', person, '2026-12-05T00:00:00.000Z');
    peps.set('u-pep', pepOfFinding({ status: 'pep', roles: ['role.pep.natl'] }));
    await kyc.recordScreening('u-pep', { decisionId: 'scr_p', band: 'clear' }, '2026-12-05T00:10:00.000Z');
    const record = await kyc.get('u-pep');
    expect(record?.risk).toMatchObject({
      rating: 'high',
      reasons: [{ code: 'pep', rating: 'high', detail: 'domestic' }],
      eddRequirements: ['source-of-funds', 'second-approval'],
    });
    expect(record?.requirements).toMatchObject({
      'source-of-funds': 'missing',
      'second-approval': 'missing',
    });
    expect(record?.reviewedAt).toBe('2026-12-05T00:10:00.000Z');
    expect(record?.refreshDueAt).toBe('2027-12-05T00:10:00.000Z');
    const view = overviewOf(record, config, settings, new Date('2026-12-06T00:00:00Z'));
    expect(view.edd).toEqual([
      { requirement: 'source-of-funds', status: 'missing' },
      { requirement: 'second-approval', status: 'missing' },
    ]);
    expect(JSON.stringify(view)).not.toMatch(/pep|high|risk/i);
    // without the PEP: low, five years
    expect(pepOfFinding({ status: 'not-pep', roles: [] })).toBe('none');
    expect(pepOfFinding({ status: 'pep', roles: ['role.rca'] })).toBe('relative-or-associate');
  });
});

describe('F1 X4 the refresh with an injected clock', () => {
  const PERSON = {
    legalName: { given: 'Rita', family: 'Refresh' },
    dateOfBirth: '1980-02-29',
    nationality: 'DE',
    residence: { line1: '1 Unter den Linden', city: 'Berlin', country: 'DE' },
    taxResidence: [{ country: 'DE' }],
  };
  let now = new Date('2026-12-05T00:00:00Z');
  const clock = { now: () => now };
  const limitsOf = levelLimits({ settings: () => settings }, config, (userId) => store().standing(userId));
  const sweep = () => sweepRefresh({ kyc: store(), clock }, config);

  it('F1 X4 due → asked once; past the deadline → overdue, limits capped at basic (a D2 override too); refreshed → restored', async () => {
    const kyc = store();
    await kyc.submitPerson('u-ref', PERSON, now.toISOString());
    await kyc.recordScreening('u-ref', { decisionId: 'scr_r1', band: 'clear' }, now.toISOString());
    await kyc.setLevel('u-ref', 'verified', {
      actor: { kind: 'admin', id: 'c-1' },
      reason: 'documents',
      at: now.toISOString(),
    });
    const record = await kyc.get('u-ref');
    expect(record?.risk?.rating).toBe('low');
    expect(record?.refreshDueAt).toBe('2031-12-05T00:00:00.000Z');
    // the index rows: one to ask 30 days before, one at the deadline
    const shard = refreshShardOf('u-ref');
    const index = async (stage: 'ASK' | 'DUE') =>
      (
        await dynamo.documents.send(
          new QueryCommand({
            TableName: TABLES.accounts.logicalName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': refreshPartition(stage, shard) },
          }),
        )
      ).Items?.filter((i) => i.userId === 'u-ref') ?? [];
    expect((await index('ASK')).map((i) => i.sk)).toEqual(['2031-11-05T00:00:00.000Z#u-ref']);
    expect((await index('DUE')).map((i) => i.sk)).toEqual(['2031-12-05T00:00:00.000Z#u-ref']);

    now = new Date('2031-11-04T23:59:59Z');
    await sweep(); // the other tests' customers, due long before
    expect(await sweep()).toMatchObject({ asked: 0, overdue: 0 });
    written.length = 0;
    now = new Date('2031-11-05T00:00:00Z');
    expect(await sweep()).toMatchObject({ asked: 1, overdue: 0, more: false });
    expect(written.flat()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'audit',
          event: expect.objectContaining({ action: 'kyc.refresh-requested' }),
        }),
        {
          kind: 'mail',
          userId: 'u-ref',
          message: { template: 'kyc-refresh', dueAt: '2031-12-05T00:00:00.000Z', overdue: false },
        },
      ]),
    );
    expect(await index('ASK')).toEqual([]);
    expect(await sweep()).toMatchObject({ asked: 0, overdue: 0 });
    expect((await limitsOf('u-ref', 'BTC', now)).daily).toBe('10');

    // the deadline passes: overdue (audited, told), limits at basic, a D2 override capped at basic too
    now = new Date('2031-12-05T00:00:00Z');
    written.length = 0;
    expect(await sweep()).toMatchObject({ asked: 0, overdue: 1 });
    expect((await kyc.get('u-ref'))?.refreshOverdueAt).toBe(now.toISOString());
    expect(written.flat().map((e) => (e.kind === 'audit' ? e.event.action : e.kind))).toEqual([
      'kyc.refresh-overdue',
      'mail',
    ]);
    const overdue = await limitsOf('u-ref', 'BTC', now);
    expect(overdue).toEqual({
      daily: '2',
      monthly: '20',
      ceiling: { daily: '2', monthly: '20' },
    });
    const own = new WithdrawalLimits(table);
    await own.setLimits('u-ref', 'BTC', {
      daily: '40',
      monthly: '400',
      setAt: now.toISOString(),
      requestId: 'req-1',
    });
    const { ceiling, ...defaults } = overdue;
    expect(await own.limitsFor('u-ref', 'BTC', defaults, ceiling)).toEqual({ daily: '2', monthly: '20' });
    expect(await own.limitsFor('u-ref', 'BTC', defaults)).toEqual({ daily: '40', monthly: '400' });

    // refreshed: the person data given again and screened clear → a new period, limits restored
    now = new Date('2031-12-10T00:00:00Z');
    await kyc.submitPerson('u-ref', PERSON, now.toISOString());
    await kyc.recordScreening('u-ref', { decisionId: 'scr_r1', band: 'clear' }, now.toISOString());
    const refreshed = await kyc.get('u-ref');
    expect(refreshed?.refreshDueAt).toBe('2036-12-10T00:00:00.000Z');
    expect(refreshed?.refreshOverdueAt).toBeUndefined();
    expect(await limitsOf('u-ref', 'BTC', now)).toEqual({ daily: '10', monthly: '100' });
    expect(await own.limitsFor('u-ref', 'BTC', { daily: '10', monthly: '100' })).toEqual({
      daily: '40',
      monthly: '400',
    });
  });

  it('X4 sign-up opens the record at none; an existing record is left as it is', async () => {
    const kyc = store();
    await kyc.open('u-new', '2026-12-05T00:00:00.000Z');
    expect(await kyc.get('u-new')).toMatchObject({ level: 'none', requirements: {} });
    await kyc.setLevel('u-new', 'basic', {
      actor: { kind: 'system', id: 't' },
      reason: 'test',
      at: '2026-12-05T00:00:01.000Z',
    });
    await kyc.open('u-new', '2026-12-05T00:00:02.000Z');
    expect((await kyc.get('u-new'))?.level).toBe('basic');
    expect(await kyc.standing('u-never')).toBeUndefined();
  });
});

describe("F1 a business's level waits for its beneficial owners (KYC and screening)", () => {
  const TWO: BusinessBody = {
    registrationNumber: 'HRB 777001',
    jurisdiction: 'DE',
    incorporationDocument: 'slot_incorporation_2',
    ownership: {
      company: 'firm',
      parties: [
        { id: 'firm', kind: 'company', name: 'Firm GmbH', jurisdiction: 'DE' },
        { id: 'ines', kind: 'person', name: 'Ines Quartermaine' },
        { id: 'otto', kind: 'person', name: 'Otto Lindqvist' },
      ],
      holdings: [
        { owner: 'ines', owned: 'firm', percent: '30' },
        { owner: 'otto', owned: 'firm', percent: '70' },
      ],
    },
  };
  const PERSON = {
    legalName: { given: 'Rita', family: 'Vertreterin' },
    dateOfBirth: '1980-02-02',
    nationality: 'DE',
    residence: { line1: '3 Ring', city: 'Köln', country: 'DE' },
    taxResidence: [{ country: 'DE' }],
  };
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 3, minute)).toISOString();
  const levelAudits = () =>
    written
      .flat()
      .filter((e) => e.kind === 'audit' && e.event.action === 'kyc.level-changed')
      .map((e) => (e.kind === 'audit' ? e.event.details : undefined));
  const admin = {
    actor: { kind: 'admin' as const, id: 'compliance-2' },
    reason: 'owner reviewed',
    at: at(50),
  };

  const identitySlots = async (kyc: KycStore, userId: string, ownerId: string, n: number) => {
    for (const kind of ['government-id', 'proof-of-address', 'selfie'] as const) {
      const slotId = `slot_${ownerId.slice(-6)}_${kind.slice(0, 4)}_${n}`;
      await kyc.openSlot(
        userId,
        slotId,
        {
          kind,
          contentType: 'image/jpeg',
          key: `kyc/${userId}/${slotId}`,
          status: 'awaiting-upload',
          openedAt: at(10),
          expiresAt: at(25),
          ownerId,
        },
        new Date(at(10)),
      );
      await kyc.recordDocument(userId, slotId, { accepted: true }, at(11));
    }
  };

  it('F1 X4 declared after the person earned basic: held at none (audited) until every owner is screened clear and verified (provider or review); then basic, audited', async () => {
    const kyc = store();
    await kyc.submitPerson('u-firm', PERSON, at(0));
    await kyc.recordScreening('u-firm', { decisionId: 'scr_firm', band: 'clear' }, at(1));
    expect((await kyc.get('u-firm'))?.level).toBe('basic');
    written.length = 0;

    const declared = await kyc.submitBusiness(
      'u-firm',
      declareBusiness('u-firm', TWO, config.beneficialOwnerThresholdPercent),
      at(2),
    );
    expect(declared.level).toBe('none');
    expect(levelAudits()).toEqual([expect.objectContaining({ from: 'basic', to: 'none', change: 'lower' })]);
    const [otto, ines] = [ownerSubjectId('u-firm', 'otto'), ownerSubjectId('u-firm', 'ines')];
    let view = overviewOf(declared, config, settings, new Date(at(3)));
    expect(view.next?.requirements).toContainEqual({ requirement: 'beneficial-owners', status: 'missing' });
    expect(view.business?.owners.map((o) => [o.name, o.waiting])).toEqual([
      ['O*** L***', ['screening', 'documents']],
      ['I*** Q***', ['screening', 'documents']],
    ]);

    // both screened clear: still none, their identities are missing
    await kyc.recordScreening(otto, { decisionId: 'scr_otto', band: 'clear' }, at(4));
    await kyc.recordScreening(ines, { decisionId: 'scr_ines', band: 'clear' }, at(5));
    expect((await kyc.get('u-firm'))?.level).toBe('none');

    // an owner not declared cannot be given documents
    await expect(
      kyc.openSlot(
        'u-firm',
        'slot_nobody_0001',
        {
          kind: 'selfie',
          contentType: 'image/jpeg',
          key: 'kyc/u-firm/slot_nobody_0001',
          status: 'awaiting-upload',
          openedAt: at(6),
          expiresAt: at(20),
          ownerId: 'bo_ffffffffffffffffffffffff',
        },
        new Date(at(6)),
      ),
    ).rejects.toThrow(/No such beneficial owner/);

    // Otto's documents and check: approved by the provider; the customer's own requirements untouched
    await identitySlots(kyc, 'u-firm', otto, 1);
    const checkOtto = `kyc_${'O'.repeat(22)}_u-firm`;
    await kyc.startOwnerVerification('u-firm', otto, { checkId: checkOtto, providerRef: 'p-otto' }, at(12));
    const mid = await kyc.get('u-firm');
    expect(mid?.requirements['government-id']).toBeUndefined();
    expect(mid?.requirements['identity-verified']).toBeUndefined();
    expect(
      await kyc.applyDecision('u-firm', { checkId: checkOtto, decision: 'approved', reasons: [] }, at(13)),
    ).toEqual({ outcome: 'applied', level: 'none' });
    // a repeated decision is ignored
    expect(
      await kyc.applyDecision('u-firm', { checkId: checkOtto, decision: 'rejected', reasons: [] }, at(14)),
    ).toEqual({ outcome: 'ignored' });

    // Ines: the provider cannot decide → in review; the compliance reviewer approves → basic
    await identitySlots(kyc, 'u-firm', ines, 2);
    const checkInes = `kyc_${'I'.repeat(22)}_u-firm`;
    await kyc.startOwnerVerification('u-firm', ines, { checkId: checkInes, providerRef: 'p-ines' }, at(15));
    await kyc.applyDecision('u-firm', { checkId: checkInes, decision: 'undecided', reasons: [] }, at(16));
    const waiting = await kyc.get('u-firm');
    expect(waiting?.level).toBe('none');
    view = overviewOf(waiting, config, settings, new Date(at(17)));
    expect(view.next?.requirements).toContainEqual({ requirement: 'beneficial-owners', status: 'in-review' });
    expect(view.business?.owners.map((o) => [o.identity, o.waiting])).toEqual([
      ['met', []],
      ['in-review', ['verification']],
    ]);
    written.length = 0;
    // Otto's check is decided (approved): a rejection now is not a review
    expect(await kyc.reviewOwner('u-firm', otto, 'reject', admin)).toBe('not-in-review');
    expect(await kyc.reviewOwner('u-firm', ines, 'approve', admin)).toEqual({ level: 'basic', from: 'none' });
    expect(levelAudits()).toEqual([expect.objectContaining({ from: 'none', to: 'basic', change: 'raise' })]);
    // a retried execution finds its decision recorded
    expect(await kyc.reviewOwner('u-firm', ines, 'approve', admin)).toEqual({
      level: 'basic',
      from: 'basic',
    });
    view = overviewOf(await kyc.get('u-firm'), config, settings, new Date(at(51)));
    expect(view.level).toBe('basic');
    expect(view.next?.level).toBe('verified');
  });

  it('F1 F2 a verified owner with a screening hit holds the business at none; the customer sees pending, never the hit', async () => {
    const kyc = store();
    await kyc.submitPerson('u-hit', PERSON, at(0));
    await kyc.recordScreening('u-hit', { decisionId: 'scr_hit_p', band: 'clear' }, at(1));
    await kyc.submitBusiness(
      'u-hit',
      declareBusiness('u-hit', TWO, config.beneficialOwnerThresholdPercent),
      at(2),
    );
    const [otto, ines] = [ownerSubjectId('u-hit', 'otto'), ownerSubjectId('u-hit', 'ines')];
    for (const [n, ownerId] of [otto, ines].entries()) {
      await identitySlots(kyc, 'u-hit', ownerId, n);
      const checkId = `kyc_${String(n).repeat(22)}_u-hit`;
      await kyc.startOwnerVerification('u-hit', ownerId, { checkId, providerRef: `p${n}` }, at(12));
      await kyc.applyDecision('u-hit', { checkId, decision: 'approved', reasons: [] }, at(13));
    }
    await kyc.recordScreening(ines, { decisionId: 'scr_hit_i', band: 'clear' }, at(14));
    const out = await kyc.recordScreening(otto, { decisionId: 'scr_hit_o', band: 'strong' }, at(15));
    expect(out).toEqual({
      level: 'none',
      changed: false,
      owner: { customerId: 'u-hit', ownerId: otto },
    });
    await kyc.linkOwnerCase('u-hit', otto, 'case_owner_hit_1', at(16));
    const record = await kyc.get('u-hit');
    expect(record?.business?.owners.find((o) => o.ownerId === otto)).toMatchObject({
      screening: 'in-review',
      band: 'strong',
      caseId: 'case_owner_hit_1',
    });
    expect(record?.risk?.rating).toBe('high');
    const view = overviewOf(record, config, settings, new Date(at(17)));
    expect(view.next?.requirements).toContainEqual({ requirement: 'beneficial-owners', status: 'pending' });
    expect(JSON.stringify(view)).not.toMatch(/strong|case_|in-review|risk/);
    // cleared later (a reviewer's re-screen found no match): the level is earned
    await kyc.recordScreening(otto, { decisionId: 'scr_hit_o2', band: 'clear' }, at(18));
    expect((await kyc.get('u-hit'))?.level).toBe('basic');
  });
});
