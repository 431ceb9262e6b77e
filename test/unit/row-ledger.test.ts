// E1 head ledger against DynamoDB semantics (dynalite): rows whose rollback would undo a security decision are
// written with a head per version, and every read holds them to their newest head, in any container. Each
// "container" here is a SignedTable with a fresh RowVerifier, so no in-memory watermark helps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteCommand,
  type DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '../../lambdas/kernel/aws/dynamo-documents.js';
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

/** A cold container: its own verifier, nothing seen yet. */
const container = (db: DocumentClient = dynamo.documents) =>
  new SignedTable(
    db,
    { ...TABLES.accounts, tableName: 'Accounts' },
    new RowSigner(keys),
    new RowVerifier(keys, async (f) => void failures.push(f)),
  );

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-ledger-'));
  keys = await LocalKeyService.open(stateDir);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Security extends Row {
  pk: string;
  sk: string;
  hold?: string;
}

type Key = { pk: string; sk: string };
const headPk = (key: Key) => `HEAD#${JSON.stringify([key.pk, key.sk])}`;
const stored = async (key: Key) =>
  (await dynamo.documents.send(new GetCommand({ TableName: 'Accounts', Key: key, ConsistentRead: true })))
    .Item;
const putRaw = (Item: Record<string, unknown>) =>
  dynamo.documents.send(new PutCommand({ TableName: 'Accounts', Item }));
const headsOf = async (key: Key) =>
  (
    await dynamo.documents.send(
      new QueryCommand({
        TableName: 'Accounts',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': headPk(key) },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const lastFailure = () => failures.at(-1);

describe('E1 head ledger', () => {
  it('E1 the rows issue 12 names are under the ledger, flow rows and history are not', () => {
    const ledgered = (pk: string, sk: string) => container().ledgered({ pk, sk }) != null;
    for (const [pk, sk] of [
      ['USER#u1', 'ACCOUNT'],
      ['USER#u1', 'SESSION#s1'],
      ['USER#u1', 'SECURITY'],
      ['USER#u1', 'KYC'],
      ['USER#u1', 'ADDRESS#a1'],
      ['USER#u1', 'WHITELIST#BTC#abc'],
      ['USER#u1', 'DEVICE#d1'],
      ['USER#u1', 'WITHDRAWAL-LEDGER'],
      ['USER#u1', 'WITHDRAWAL-LIMITS'],
      ['ADMIN#a1', 'PROFILE'],
      ['ADMIN#a1', 'SESSION#s1'],
      ['ADMINREQ#r1', 'REQUEST'],
    ]) {
      expect(ledgered(pk as string, sk as string), `${pk} ${sk}`).toBe(true);
    }
    for (const [pk, sk] of [
      ['USER#u1', 'LOGIN#2026-01-01T00:00:00.000Z#l1'],
      ['USER#u1', 'NOTICE#2026#password'],
      ['USER#u1', 'WITHDRAWAL#w1'],
      ['LOGIN#l1', 'LOGIN'],
      ['SIGNUP#s1', 'SIGNUP'],
      ['ADMINREQ-OPEN#2026-01-01', '2026-01-01T00:00:00.000Z#r1'],
      ['CONFIG', 'BLIND_INDEX_KEY'],
      ['HEAD#["USER#u1","ACCOUNT"]', '000000000001'],
      ['USER#u1', 'ACCOUNTANT'],
    ]) {
      expect(ledgered(pk as string, sk as string), `${pk} ${sk}`).toBe(false);
    }
    // Only a user's sessions may leave by TTL without a trace.
    expect(container().ledgered({ pk: 'USER#u1', sk: 'SESSION#s1' })?.groups?.expiring).toBeDefined();
    expect(container().ledgered({ pk: 'USER#u1', sk: 'SECURITY' })?.groups?.expiring).toBeUndefined();
    expect(container().ledgered({ pk: 'ADMIN#a1', sk: 'SESSION#s1' })?.groups?.expiring).toBeUndefined();
  });

  it('E1 every write of a ledgered row writes the head of its version with it, and nothing else', async () => {
    const key = { pk: 'USER#w1', sk: 'SECURITY' };
    const table = container();
    await table.create<Security>({ ...key, hold: 'until-2026' });
    await table.update<Security>(key, (row) => ({ ...row, hold: 'none' }));
    expect(await headsOf(key)).toEqual([
      { pk: headPk(key), sk: '000000000001' },
      { pk: headPk(key), sk: '000000000002' },
    ]);
    expect(await table.newestHead(key)).toBe(2);
    // A row outside the ledger gets none.
    await table.create<Security>({ pk: 'USER#w1', sk: 'NOTICE#x' });
    expect(await headsOf({ pk: 'USER#w1', sk: 'NOTICE#x' })).toEqual([]);
  });

  it('E1 an older signed version put back is refused by a container that never saw the newer one', async () => {
    const key = { pk: 'USER#r1', sk: 'SECURITY' };
    await container().create<Security>({ ...key, hold: 'withdrawals-held' });
    const held = await stored(key);
    await container().update<Security>(key, (row) => ({ ...row, hold: 'lifted' }));
    await container().update<Security>(key, (row) => ({ ...row, hold: 'withdrawals-held' }));

    // Version 1 (held) is fine to the attacker too, but version 2 (lifted) is what they want back.
    await putRaw(held as Record<string, unknown>);
    const cold = container();
    await expect(cold.get(key)).rejects.toBeInstanceOf(IntegrityError);
    expect(lastFailure()).toEqual({ table: 'Accounts', key, reason: 'replayed' });
    await expect(cold.update<Security>(key, (row) => row)).rejects.toBeInstanceOf(IntegrityError);
    // Queries hold each ledgered item to its own head too.
    await expect(cold.query('USER#r1')).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E1 a ledgered row deleted behind the repository is refused as removed; an expired session simply reads as gone', async () => {
    const security = { pk: 'USER#d1', sk: 'SECURITY' };
    await container().create<Security>({ ...security, hold: 'withdrawals-held' });
    await dynamo.documents.send(new DeleteCommand({ TableName: 'Accounts', Key: security }));
    await expect(container().get(security)).rejects.toBeInstanceOf(IntegrityError);
    expect(lastFailure()).toEqual({ table: 'Accounts', key: security, reason: 'removed' });

    // DynamoDB's TTL removes expired sessions without a trace; their absence refuses anyway (session-missing).
    const session = { pk: 'USER#d1', sk: 'SESSION#s1' };
    await container().create<Security>({ ...session, ttl: 1 });
    await dynamo.documents.send(new DeleteCommand({ TableName: 'Accounts', Key: session }));
    const before = failures.length;
    await expect(container().get(session)).resolves.toBeUndefined();
    expect(failures.length).toBe(before);
  });

  it('E1 a row with no head (written before the ledger) reads as before, and its first write gives it one', async () => {
    const key = { pk: 'USER#m1', sk: 'ACCOUNT' };
    // Written the way a pre-ledger table holds it: a signed row, no head.
    const legacy = await new RowSigner(keys).sign('Accounts', key, { ...key, status: 'active', version: 4 });
    await putRaw(legacy);
    const table = container();
    expect(await table.newestHead(key)).toBeUndefined();
    await expect(table.get(key)).resolves.toMatchObject({ status: 'active', version: 4 });
    await table.update<Security>(key, (row) => ({ ...row, status: 'suspended' }));
    expect(await table.newestHead(key)).toBe(5);
    await putRaw(legacy);
    await expect(container().get(key)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E1 what someone who can put items may do to the heads only ever refuses the row', async () => {
    const key = { pk: 'USER#f1', sk: 'SESSION#s1' };
    await container().create<Security>({ ...key });
    await container().update<Security>(key, (row) => ({ ...row, revokedAt: '2026-01-01T00:00:00.000Z' }));
    const revoked = await stored(key);

    // Overwriting the newest head with itself (IAM lets a put through; a condition is not IAM's to check).
    await putRaw({ pk: headPk(key), sk: '000000000002' });
    await expect(container().get(key)).resolves.toMatchObject({ version: 2 });

    // A short sort key sorts above every 12-digit one and parses to a low version: it is no head.
    await putRaw({ pk: headPk(key), sk: '1' });
    await expect(container().get(key)).rejects.toBeInstanceOf(IntegrityError);
    expect(lastFailure()).toEqual({ table: 'Accounts', key, reason: 'bad-head' });
    await dynamo.documents.send(
      new DeleteCommand({ TableName: 'Accounts', Key: { pk: headPk(key), sk: '1' } }),
    );

    // A forged higher head refuses the row: a denial, which an insider who can overwrite the row has anyway.
    await putRaw({ pk: headPk(key), sk: '000000000009' });
    await expect(container().get(key)).rejects.toBeInstanceOf(IntegrityError);
    expect(lastFailure()).toEqual({ table: 'Accounts', key, reason: 'replayed' });
    expect(await stored(key)).toEqual(revoked);
  });

  it('E1 a write landing between the row read and the head read is not mistaken for a replay', async () => {
    const key = { pk: 'USER#c1', sk: 'SECURITY' };
    await container().create<Security>({ ...key, hold: 'a' });
    // The row is read first (version 1); a writer then commits version 2 and its head; only then is the head
    // read: it names version 2, the row read said 1. The row is read once more and found at 2.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writer = container();
    const racing = Object.create(dynamo.documents) as DocumentClient;
    let raced = false;
    racing.send = (async (command: unknown) => {
      if (command instanceof QueryCommand) await gate;
      const out = await dynamo.documents.send(command as GetCommand);
      if (command instanceof GetCommand && !raced) {
        raced = true;
        await writer.update<Security>(key, (row) => ({ ...row, hold: 'b' }));
        release();
      }
      return out;
    }) as DocumentClient['send'];
    const before = failures.length;
    await expect(container(racing).get<Security>(key)).resolves.toMatchObject({ hold: 'b', version: 2 });
    expect(raced).toBe(true);
    expect(failures.length).toBe(before);
  });

  it('E1 a lost race writes no head, and a ledgered row is never deleted', async () => {
    const key = { pk: 'USER#l1', sk: 'WITHDRAWAL-LEDGER' };
    const table = container();
    const row = await table.create<Security>({ ...key });
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((hold) => table.transact([{ replace: row, with: { ...row, hold } }])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    }
    expect((await headsOf(key)).map((h) => h.sk)).toEqual(['000000000001', '000000000002']);
    await expect(table.transact([{ delete: (await table.get<Security>(key)) as Security }])).rejects.toThrow(
      /ledgered/,
    );
    expect(await table.get(key)).toMatchObject({ version: 2 });
  });
});
