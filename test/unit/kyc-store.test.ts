// F1/X4 the KYC record against DynamoDB semantics (dynalite): a signed row under the head ledger, the person
// data sealed (E2), the screening's decision recorded with the level it earns, level changes audited in the
// same transaction, and the withdrawal port reading the level at each call (a lowering at once).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { Effect } from '../../lambdas/kernel/outbox.js';
import type { FieldCipher } from '../../lambdas/kernel/privacy/field-cipher.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import { customerFacts, KycStore, kycKey } from '../../lambdas/kyc/kyc-store.js';
import { levelLimits } from '../../lambdas/kyc/wiring.js';
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
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-kyc-store-'));
  const keys = await LocalKeyService.open(stateDir);
  vault = await openLocalFieldCipher(stateDir);
  table = signedAccountsTable(dynamo.documents, keys);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const store = () => new KycStore(table, outbox as never, config, vault);
const raw = async (userId: string) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: TABLES.accounts.logicalName, Key: kycKey(userId) }),
    )
  ).Item;

describe('F1 X4 the KYC record', () => {
  it('F1 E2 the person data is sealed in a signed row under the head ledger: person met, screening pending, no value in clear', async () => {
    const record = await store().submitPerson('u1', PERSON, '2026-12-05T00:00:00.000Z');
    expect(record).toMatchObject({
      userId: 'u1',
      level: 'basic',
      requirements: { person: 'met', 'screening-clear': 'pending' },
    });
    const row = await raw('u1');
    expect(row?.sig).toEqual(expect.any(String));
    const text = JSON.stringify(row);
    for (const value of ['Jean', 'Valjean', '1969-07-21', 'Plumet']) expect(text).not.toContain(value);
    const binding = { table: TABLES.accounts.logicalName, key: kycKey('u1'), group: 'identity' as const };
    expect(await vault.decrypt(binding, row?.identity as string)).toEqual({
      givenName: 'Jean',
      familyName: 'Valjean',
      dateOfBirth: '1969-07-21',
      nationality: 'FR',
    });
    // E1: the row is under the head ledger: a head was written with it
    const head = await dynamo.documents.send(
      new GetCommand({
        TableName: TABLES.accounts.logicalName,
        Key: { pk: `HEAD#${JSON.stringify(['USER#u1', 'KYC'])}`, sk: String(row?.version).padStart(12, '0') },
      }),
    );
    expect(head.Item).toBeDefined();
  });

  it('F1 F2 a clean screening meets screening-clear and raises none → basic, audited in the same write; a hit leaves the level and shows pending', async () => {
    written.length = 0;
    const kyc = store();
    await kyc.setLevel('u2', 'none', {
      actor: { kind: 'system', id: 'signup' },
      reason: 'starter',
      at: 't0',
    });
    await kyc.submitPerson('u2', PERSON, '2026-12-05T00:00:00.000Z');
    const hit = await kyc.recordScreening('u2', { decisionId: 'scr_1', band: 'strong' }, 't1');
    expect(hit).toEqual({ level: 'none', changed: false });
    const held = await kyc.get('u2');
    expect(held?.requirements['screening-clear']).toBe('in-review');
    expect(customerFacts(held?.requirements ?? {})['screening-clear']).toBe('pending');

    const clear = await kyc.recordScreening('u2', { decisionId: 'scr_2', band: 'clear' }, 't2');
    expect(clear).toEqual({ level: 'basic', changed: true });
    expect((await kyc.get('u2'))?.screeningDecisionId).toBe('scr_2');
    // the same decision again changes no level and audits nothing more
    expect(await kyc.recordScreening('u2', { decisionId: 'scr_2', band: 'clear' }, 't3')).toEqual({
      level: 'basic',
      changed: false,
    });
    const audits = written.flat().map((e) => (e.kind === 'audit' ? e.event : undefined));
    expect(audits.map((a) => [a?.action, a?.details?.from, a?.details?.to, a?.details?.change])).toEqual([
      ['kyc.level-changed', 'basic', 'none', 'lower'],
      ['kyc.level-changed', 'none', 'basic', 'raise'],
    ]);
    expect(audits[1]?.details?.reason).toBe('screening scr_2');
    // no screening for a user without a record
    expect(await kyc.recordScreening('nobody', { decisionId: 'scr_3', band: 'clear' }, 't4')).toBeUndefined();
  });

  it('X4 the withdrawal port reads the level at each call: default basic, verified above it, a lowering at once', async () => {
    const kyc = store();
    const port = levelLimits({ settings: () => settings }, config, (userId) => kyc.standing(userId));
    const now = new Date('2026-12-05T00:00:00Z');
    expect(await port('u3', 'BTC', now)).toEqual({ daily: '2', monthly: '20' });
    await kyc.setLevel('u3', 'verified', { actor: { kind: 'admin', id: 'a1' }, reason: 'review', at: 't' });
    expect(await port('u3', 'BTC', now)).toEqual(config.levels.verified.limits.BTC);
    await kyc.setLevel('u3', 'none', { actor: { kind: 'admin', id: 'a1' }, reason: 'expired id', at: 't' });
    expect(await port('u3', 'BTC', now)).toEqual(config.levels.none.limits.BTC);
  });
});
