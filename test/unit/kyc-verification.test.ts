// F1 the KYC documents and their verification on the KYC record (dynalite): upload slots, the server-side
// check's outcome, the provider's decision raising the level (audited), and the compliance review of an
// undecided check.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { Effect } from '../../lambdas/kernel/outbox.js';
import type { FieldCipher } from '../../lambdas/kernel/privacy/field-cipher.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import { KycStore } from '../../lambdas/kyc/kyc-store.js';
import { checkIdFor, type DocumentSlot, userOfCheck } from '../../lambdas/kyc/verification.js';
import { openLocalFieldCipher } from '../../local/adapters/field-cipher.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let vault: FieldCipher;
const config = parseKycConfig({});
/** The audit effects each write carried in its transaction (the outbox entry's effects). */
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
const PERSON = {
  legalName: { given: 'Jean', family: 'Valjean' },
  dateOfBirth: '1969-07-21',
  nationality: 'FR',
  residence: { line1: '1 rue Plumet', city: 'Paris', country: 'FR' },
  taxResidence: [{ country: 'FR' }],
};

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-kyc-verification-'));
  const keys = await LocalKeyService.open(stateDir);
  vault = await openLocalFieldCipher(stateDir);
  table = signedAccountsTable(dynamo.documents, keys);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const store = () => new KycStore(table, outbox as never, config, vault);

const T0 = new Date('2026-12-05T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
const slot = (userId: string, slotId: string, kind: DocumentSlot['kind']): DocumentSlot => ({
  kind,
  contentType: 'image/jpeg',
  key: `kyc/${userId}/${slotId}`,
  status: 'awaiting-upload',
  openedAt: T0.toISOString(),
  expiresAt: at(15),
});
/** A customer at basic with person and screening met (the level verified needs below it). */
async function basicCustomer(userId: string) {
  await store().submitPerson(userId, PERSON, T0.toISOString());
  await store().recordScreening(userId, { decisionId: `dec_${userId}`, band: 'clear' }, T0.toISOString());
}
async function uploadIdentity(userId: string) {
  for (const kind of ['government-id', 'proof-of-address', 'selfie'] as const) {
    const id = `${kind.replaceAll('-', '')}_slot_${userId}`.slice(0, 60);
    await store().openSlot(userId, id, slot(userId, id, kind), T0);
    await store().recordDocument(userId, id, { accepted: true }, at(1));
  }
}
const raises = (userId: string) =>
  written
    .flat()
    .flatMap((e) => (e.kind === 'audit' ? [e] : []))
    .filter((e) => e.event.target?.id === userId);

describe('F1 KYC documents and verification on the record', () => {
  it('F1 an accepted upload submits its requirement; a refused one records why; a slot is settled once', async () => {
    const userId = 'u-docs-1';
    await basicCustomer(userId);
    await store().openSlot(userId, 'slot_gid_0001', slot(userId, 'slot_gid_0001', 'government-id'), T0);
    const { record } = await store().recordDocument(userId, 'slot_gid_0001', { accepted: true }, at(1));
    expect(record.requirements['government-id']).toBe('pending');
    await expect(
      store().recordDocument(userId, 'slot_gid_0001', { accepted: true }, at(2)),
    ).rejects.toMatchObject({
      status: 409,
    });
    await store().openSlot(userId, 'slot_poa_0001', slot(userId, 'slot_poa_0001', 'proof-of-address'), T0);
    const refused = await store().recordDocument(
      userId,
      'slot_poa_0001',
      { accepted: false, reason: 'pages' },
      at(1),
    );
    expect(refused.slot).toMatchObject({ status: 'refused', reason: 'pages' });
    expect(refused.record.requirements['proof-of-address']).toBeUndefined();
    await expect(
      store().recordDocument(userId, 'slot_none_0001', { accepted: true }, at(2)),
    ).rejects.toMatchObject({
      status: 404,
    });
    await store().openSlot(userId, 'slot_sof_0001', slot(userId, 'slot_sof_0001', 'source-of-funds'), T0);
    const sof = await store().recordDocument(userId, 'slot_sof_0001', { accepted: true }, at(1));
    expect(sof.record.requirements['source-of-funds']).toBe('in-review');
  });

  it('F1 the provider approving the check in force raises the level to verified, audited in the same write; a stale check id changes nothing', async () => {
    const userId = 'u-docs-2';
    await basicCustomer(userId);
    await uploadIdentity(userId);
    const checkId = checkIdFor(userId, 'A'.repeat(22));
    expect(userOfCheck(checkId)).toBe(userId);
    const started = await store().startVerification(userId, { checkId, providerRef: 'sim_1' }, at(2));
    expect(started.requirements['identity-verified']).toBe('pending');
    const other = checkIdFor(userId, 'B'.repeat(22));
    expect(
      await store().applyDecision(userId, { checkId: other, decision: 'approved', reasons: [] }, at(3)),
    ).toEqual({
      outcome: 'ignored',
    });
    expect((await store().get(userId))?.level).toBe('basic');
    const applied = await store().applyDecision(
      userId,
      { checkId, decision: 'approved', reasons: [] },
      at(3),
    );
    expect(applied).toEqual({ outcome: 'applied', level: 'verified' });
    const record = await store().get(userId);
    expect(record?.requirements).toMatchObject({
      'government-id': 'met',
      'proof-of-address': 'met',
      selfie: 'met',
      'identity-verified': 'met',
    });
    expect(raises(userId).at(-1)?.event).toMatchObject({
      action: 'kyc.level-changed',
      details: { from: 'basic', to: 'verified', change: 'raise' },
    });
    // the same decision again (another event id, same check): already decided, ignored
    expect(
      await store().applyDecision(userId, { checkId, decision: 'rejected', reasons: [] }, at(4)),
    ).toEqual({
      outcome: 'ignored',
    });
    expect((await store().get(userId))?.level).toBe('verified');
  });

  it('F1 undecided puts identity-verified in review; the reviewer approves and the level rises; a rejection is recorded', async () => {
    const userId = 'u-docs-3';
    await basicCustomer(userId);
    await uploadIdentity(userId);
    const checkId = checkIdFor(userId, 'C'.repeat(22));
    await store().startVerification(userId, { checkId, providerRef: 'sim_2' }, at(2));
    await store().applyDecision(userId, { checkId, decision: 'undecided', reasons: ['face-unclear'] }, at(3));
    const inReview = await store().get(userId);
    expect(inReview?.requirements['identity-verified']).toBe('in-review');
    expect(inReview?.level).toBe('basic');
    const by = { actor: { kind: 'admin' as const, id: 'adm-1' }, reason: 'request req-1', at: at(4) };
    expect(await store().review(userId, 'source-of-funds', 'approve', by)).toBe('not-in-review');
    expect(await store().review(userId, 'identity-verified', 'approve', by)).toEqual({
      level: 'verified',
      from: 'basic',
    });
    // a retried execution finds it done
    expect(await store().review(userId, 'identity-verified', 'approve', by)).toEqual({
      level: 'verified',
      from: 'verified',
    });

    const rejected = 'u-docs-4';
    await basicCustomer(rejected);
    await uploadIdentity(rejected);
    const check4 = checkIdFor(rejected, 'D'.repeat(22));
    await store().startVerification(rejected, { checkId: check4, providerRef: 'sim_3' }, at(2));
    await store().applyDecision(
      rejected,
      { checkId: check4, decision: 'rejected', reasons: ['expired'] },
      at(3),
    );
    const record = await store().get(rejected);
    expect(record?.requirements['identity-verified']).toBe('rejected');
    expect(record?.verification).toMatchObject({ status: 'rejected', reasons: ['expired'] });
    expect(record?.level).toBe('basic');
  });
});
