// E1 and D3 against DynamoDB semantics (dynalite): signed rows through the one repository layer, races, and
// the hash-chained audit log with its offline verification.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../lambdas/kernel/audit/audit-log.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { verifyChain } from '../../lambdas/kernel/audit/chain.js';
import { DeleteCommand, GetCommand, PutCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { Conflict, IntegrityError } from '../../lambdas/kernel/errors.js';
import {
  type IntegrityFailure,
  RowSigner,
  RowVerifier,
} from '../../lambdas/kernel/integrity/row-signature.js';
import { type Row, SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let keys: LocalKeyService;
const failures: IntegrityFailure[] = [];
const tableOf = (spec: (typeof TABLES)[keyof typeof TABLES]) =>
  new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async (f) => void failures.push(f)),
  );

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-signed-'));
  keys = await LocalKeyService.open(stateDir);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Limits extends Row {
  pk: string;
  sk: string;
  daily: string;
}

describe('SignedTable', () => {
  it('E1 a created row reads back verified; a row edited behind the repository fails closed', async () => {
    const accounts = tableOf(TABLES.accounts);
    await accounts.create<Limits>({ pk: 'USER#t1', sk: 'LIMITS', daily: '100.00' });
    await expect(accounts.get<Limits>({ pk: 'USER#t1', sk: 'LIMITS' })).resolves.toMatchObject({
      daily: '100.00',
      version: 1,
    });

    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: 'Accounts', Key: { pk: 'USER#t1', sk: 'LIMITS' } }),
    );
    await dynamo.documents.send(
      new PutCommand({ TableName: 'Accounts', Item: { ...Item, daily: '999999.00' } }),
    );
    await expect(accounts.get({ pk: 'USER#t1', sk: 'LIMITS' })).rejects.toBeInstanceOf(IntegrityError);
    expect(failures.at(-1)).toEqual({
      table: 'Accounts',
      key: { pk: 'USER#t1', sk: 'LIMITS' },
      reason: 'bad-signature',
    });
  });

  it('E1 a row copied under another key fails, and queries verify every item', async () => {
    const accounts = tableOf(TABLES.accounts);
    const row = await accounts.create<Limits>({ pk: 'USER#t2', sk: 'LIMITS#a', daily: '1.00' });
    await accounts.create<Limits>({ pk: 'USER#t2', sk: 'LIMITS#b', daily: '2.00' });
    expect((await accounts.query<Limits>('USER#t2')).items.map((i) => i.daily)).toEqual(['1.00', '2.00']);

    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: 'Accounts', Key: { pk: row.pk, sk: row.sk } }),
    );
    await dynamo.documents.send(new PutCommand({ TableName: 'Accounts', Item: { ...Item, sk: 'LIMITS#c' } }));
    await expect(accounts.query('USER#t2')).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E1 two writers racing on one row: exactly one wins, the other gets a Conflict', async () => {
    const accounts = tableOf(TABLES.accounts);
    await accounts.create<Limits>({ pk: 'USER#t3', sk: 'LIMITS', daily: '10.00' });
    const results = await Promise.allSettled(
      ['20.00', '30.00', '40.00', '50.00'].map((daily) =>
        accounts.update<Limits>({ pk: 'USER#t3', sk: 'LIMITS' }, (row) => ({ ...row, daily })),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    const after = await accounts.get<Limits>({ pk: 'USER#t3', sk: 'LIMITS' });
    expect(after?.version).toBe(2);
    expect(after?.daily).toBe((won[0] as PromiseFulfilledResult<{ row: Limits }>).value.row.daily);
  });

  it('E1 creating a row that exists is a Conflict and changes nothing', async () => {
    const accounts = tableOf(TABLES.accounts);
    await accounts.create<Limits>({ pk: 'USER#t4', sk: 'LIMITS', daily: '1.00' });
    await expect(
      accounts.create<Limits>({ pk: 'USER#t4', sk: 'LIMITS', daily: '2.00' }),
    ).rejects.toBeInstanceOf(Conflict);
    expect((await accounts.get<Limits>({ pk: 'USER#t4', sk: 'LIMITS' }))?.daily).toBe('1.00');
  });

  it('E1 a row deleted and created again starts over at version 1 and reads as replayed where a later one was seen', async () => {
    // Why SignedTable has no delete and the device whitelist marks a removed device instead (A7): a
    // container that read version 3 holds that watermark, so the new row's version 1 looks like an old copy.
    const accounts = tableOf(TABLES.accounts);
    const key = { pk: 'USER#t5', sk: 'LIMITS' };
    await accounts.create<Limits>({ ...key, daily: '1.00' });
    await accounts.update<Limits>(key, (row) => ({ ...row, daily: '2.00' }));
    await accounts.update<Limits>(key, (row) => ({ ...row, daily: '3.00' }));
    expect((await accounts.get<Limits>(key))?.version).toBe(3);
    await dynamo.documents.send(new DeleteCommand({ TableName: 'Accounts', Key: key }));
    await accounts.create<Limits>({ ...key, daily: '4.00' });
    await expect(accounts.get(key)).rejects.toBeInstanceOf(IntegrityError);
    expect(failures.at(-1)).toEqual({ table: 'Accounts', key, reason: 'replayed' });
  });

  it('E1 transact writes signed rows all or none: a failed condition leaves every row as it was', async () => {
    const accounts = tableOf(TABLES.accounts);
    const ledger = await accounts.create<Limits>({ pk: 'USER#t6', sk: 'LEDGER', daily: '1.00' });
    await accounts.transact([
      { replace: ledger, with: { ...ledger, daily: '2.00' } },
      { create: { pk: 'USER#t6', sk: 'ITEM#a', daily: '0' } },
    ]);
    const after = await accounts.get<Limits>({ pk: 'USER#t6', sk: 'LEDGER' });
    expect(after).toMatchObject({ daily: '2.00', version: 2 });
    expect(await accounts.get({ pk: 'USER#t6', sk: 'ITEM#a' })).toMatchObject({ version: 1 });

    // The ledger read before (version 1) is stale now: nothing of this transaction may land.
    await expect(
      accounts.transact([
        { create: { pk: 'USER#t6', sk: 'ITEM#b', daily: '0' } },
        { replace: ledger, with: { ...ledger, daily: '3.00' } },
      ]),
    ).rejects.toBeInstanceOf(Conflict);
    expect(await accounts.get({ pk: 'USER#t6', sk: 'ITEM#b' })).toBeUndefined();
    expect((await accounts.get<Limits>({ pk: 'USER#t6', sk: 'LEDGER' }))?.daily).toBe('2.00');

    // A create under an existing key cancels the whole transaction too.
    await expect(
      accounts.transact([
        { replace: after as Limits, with: { ...(after as Limits), daily: '4.00' } },
        { create: { pk: 'USER#t6', sk: 'ITEM#a', daily: '9' } },
      ]),
    ).rejects.toBeInstanceOf(Conflict);
    expect((await accounts.get<Limits>({ pk: 'USER#t6', sk: 'LEDGER' }))?.daily).toBe('2.00');

    // A delete is conditional on the version read, like an update.
    const item = (await accounts.get<Limits>({ pk: 'USER#t6', sk: 'ITEM#a' })) as Limits;
    await accounts.transact([
      { delete: item },
      { replace: after as Limits, with: { ...(after as Limits), daily: '5.00' } },
    ]);
    expect(await accounts.get({ pk: 'USER#t6', sk: 'ITEM#a' })).toBeUndefined();
    expect(await accounts.get<Limits>({ pk: 'USER#t6', sk: 'LEDGER' })).toMatchObject({
      daily: '5.00',
      version: 3,
    });
  });

  it('E1 A2 a write made `after` a check is signed beside it and written only once it passes: a refused check writes nothing', async () => {
    const accounts = tableOf(TABLES.accounts);
    const row = await accounts.create<Limits>({ pk: 'USER#t9', sk: 'LEDGER', daily: '1.00' });
    const order: string[] = [];
    let pass: () => void = () => undefined;
    const check = new Promise<void>((resolve) => {
      pass = () => {
        order.push('check passed');
        resolve();
      };
    });
    const write = accounts
      .transact([{ replace: row, with: { ...row, daily: '2.00' } }], { after: check })
      .then((written) => {
        order.push('written');
        return written;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Signed (a local key answers at once), not written while the check is pending.
    expect((await accounts.get<Limits>({ pk: 'USER#t9', sk: 'LEDGER' }))?.daily).toBe('1.00');
    pass();
    expect((await write)[0]).toMatchObject({ daily: '2.00', version: 2 });
    expect(order).toEqual(['check passed', 'written']);

    const current = (await accounts.get<Limits>({ pk: 'USER#t9', sk: 'LEDGER' })) as Limits;
    const refused = Object.assign(new Error('throttled'), { name: 'Refused' });
    await expect(
      accounts.transact([{ replace: current, with: { ...current, daily: '3.00' } }], {
        after: Promise.reject(refused),
      }),
    ).rejects.toBe(refused);
    expect(await accounts.get<Limits>({ pk: 'USER#t9', sk: 'LEDGER' })).toMatchObject({
      daily: '2.00',
      version: 2,
    });
  });

  it('E1 transact rows are signed and versioned: a transacted row edited behind the repository fails closed', async () => {
    const accounts = tableOf(TABLES.accounts);
    await accounts.transact([{ create: { pk: 'USER#t7', sk: 'ITEM', daily: '1.00' } }]);
    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: 'Accounts', Key: { pk: 'USER#t7', sk: 'ITEM' } }),
    );
    expect(typeof Item?.sig).toBe('string');
    await dynamo.documents.send(new PutCommand({ TableName: 'Accounts', Item: { ...Item, daily: '9.00' } }));
    await expect(accounts.get({ pk: 'USER#t7', sk: 'ITEM' })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E1 concurrent transactions on one row: exactly one wins', async () => {
    const accounts = tableOf(TABLES.accounts);
    const row = await accounts.create<Limits>({ pk: 'USER#t8', sk: 'LEDGER', daily: '0' });
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((id) =>
        accounts.transact([
          { replace: row, with: { ...row, daily: id } },
          { create: { pk: 'USER#t8', sk: `ITEM#${id}`, daily: id } },
        ]),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const items = (await accounts.query<Limits>('USER#t8', { sortKeyPrefix: 'ITEM#' })).items;
    expect(items).toHaveLength(1);
    expect((await accounts.get<Limits>({ pk: 'USER#t8', sk: 'LEDGER' }))?.daily).toBe(items[0]?.daily);
  });
});

const event = (i: number, target = 'u-1', actor = 'a-1'): AuditEvent => ({
  actor: { kind: 'admin', id: actor, tier: 'security' },
  action: 'account.suspend',
  target: { kind: 'user', id: target },
  outcome: 'success',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  sourceIp: '203.0.113.7',
  requestId: `req-${i}`,
});

describe('AuditLog', () => {
  it('D3 appends link each record to the previous one; concurrent appends never fork the chain', async () => {
    const log = new AuditLog(tableOf(TABLES.audit), 'race');
    await log.append(event(0));
    await Promise.all(Array.from({ length: 8 }, (_, i) => log.append(event(i + 1))));
    const { items } = await log.range();
    expect(items.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { spki, keyId } = await keys.getPublicKey();
    const raw = await rawRecords('race');
    const report = verifyChain(raw, new Map([[keyId, spki]]));
    expect(report).toMatchObject({ ok: true, checked: 9, firstSeq: 1, lastSeq: 9 });
  });

  it('D3 offline verification names the first tampered record precisely', async () => {
    const log = new AuditLog(tableOf(TABLES.audit), 'tamper');
    for (let i = 0; i < 5; i++) await log.append(event(i));
    const { spki, keyId } = await keys.getPublicKey();
    const publicKeys = new Map([[keyId, spki]]);
    const raw = await rawRecords('tamper');

    const edited = raw.map((r) => (r.seq === 3 ? { ...r, outcome: 'refused' } : r));
    expect(verifyChain(edited, publicKeys).firstBreak).toEqual({ seq: 3, reason: 'bad-signature' });

    const dropped = raw.filter((r) => r.seq !== 2);
    expect(verifyChain(dropped, publicKeys).firstBreak).toEqual({ seq: 3, reason: 'gap', expectedSeq: 2 });

    const otherKeys = await LocalKeyService.open(await mkdtemp(join(tmpdir(), 'palisade-forger-')));
    const fourth = raw.find((r) => r.seq === 4);
    if (!fourth) throw new Error('record 4 missing');
    const forged = { ...fourth, prevHash: 'f'.repeat(64) };
    const reSigned = await new RowSigner(otherKeys).sign('Audit', { pk: forged.pk, sk: forged.sk }, forged);
    expect(
      verifyChain(
        raw.map((r) => (r.seq === 4 ? reSigned : r)),
        publicKeys,
      ).firstBreak,
    ).toEqual({ seq: 4, reason: 'unknown-key' });
    // A later range is anchored on its first link; given the true predecessor's hash, a wrong anchor shows.
    expect(verifyChain(raw.slice(1), publicKeys)).toMatchObject({ ok: true, firstSeq: 2 });
    expect(verifyChain(raw.slice(1), publicKeys, 'f'.repeat(64)).firstBreak).toMatchObject({
      seq: 2,
      reason: 'broken-link',
    });
  });

  it('D3 records are queryable by target user and by actor, newest first', async () => {
    const log = new AuditLog(tableOf(TABLES.audit), 'query');
    await log.append(event(1, 'u-7', 'a-1'));
    await log.append(event(2, 'u-8', 'a-2'));
    await log.append(event(3, 'u-7', 'a-2'));
    expect((await log.byTarget({ kind: 'user', id: 'u-7' })).items.map((r) => r.requestId)).toEqual([
      'req-3',
      'req-1',
    ]);
    expect((await log.byActor({ kind: 'admin', id: 'a-2' })).items.map((r) => r.requestId)).toEqual([
      'req-3',
      'req-2',
    ]);
  });

  it('D3 an event with a bad shape is refused and nothing is appended', async () => {
    const log = new AuditLog(tableOf(TABLES.audit), 'bad');
    await expect(log.append({ ...event(1), action: 'Not An Action' })).rejects.toThrow('Invalid audit event');
    expect((await log.range()).items).toEqual([]);
  });
});

async function rawRecords(chain: string) {
  const { QueryCommand } = await import('../../lambdas/kernel/aws/dynamo-documents.js');
  const out = await dynamo.documents.send(
    new QueryCommand({
      TableName: 'Audit',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CHAIN#${chain}` },
    }),
  );
  return (out.Items ?? []) as (Record<string, unknown> & {
    pk: string;
    sk: string;
    seq: number;
    prevHash: string;
  })[];
}
