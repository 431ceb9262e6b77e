// E1: a request's read scope (kernel/integrity/read-scope.ts): inside `readOnce`, each signed row is read from
// DynamoDB once, verified; later gets of it, and gets after the request's own writes, read nothing; a write
// that lost its race forgets what it named, so the retry reads the row afresh. Against dynalite.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentClient, GetCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { Conflict } from '../../lambdas/kernel/errors.js';
import { readOnce } from '../../lambdas/kernel/integrity/read-scope.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { type Row, SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let keys: LocalKeyService;
let gets = 0;

/** The Accounts table (with its head ledger) over a client that counts the GetItem calls. */
const accounts = () => {
  const counting = {
    send: (command: unknown) => {
      if (command instanceof GetCommand) gets++;
      return dynamo.documents.send(command as never);
    },
  } as unknown as DocumentClient;
  const verifier = new RowVerifier(keys, async () => {});
  return new SignedTable(
    counting,
    { ...TABLES.accounts, tableName: TABLES.accounts.logicalName },
    new RowSigner(keys),
    verifier,
  );
};

interface Limits extends Row {
  pk: string;
  sk: string;
  daily: string;
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-scope-'));
  keys = await LocalKeyService.open(stateDir);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('a request read scope', () => {
  it('E1 inside readOnce a row is read once, each caller gets its own copy; outside, every get reads', async () => {
    const table = accounts();
    const key = { pk: 'USER#scope1', sk: 'WITHDRAWAL-LIMITS' };
    await table.create<Limits>({ ...key, daily: '1.00' });
    gets = 0;
    await readOnce(async () => {
      const [a, b] = await Promise.all([table.get<Limits>(key), table.get<Limits>(key)]);
      expect(a).toMatchObject({ daily: '1.00', version: 1 });
      (a as Limits).daily = 'changed by its caller';
      expect(b?.daily).toBe('1.00');
      expect((await table.get<Limits>(key))?.daily).toBe('1.00');
    });
    expect(gets).toBe(1);
    await table.get(key);
    await table.get(key);
    expect(gets).toBe(3);
  });

  it('E1 a row the request writes is read back as written, a deleted one as absent, with no read', async () => {
    const table = accounts();
    const key = { pk: 'USER#scope2', sk: 'NOTICE#x' };
    await readOnce(async () => {
      await table.create<Limits>({ ...key, daily: '1.00' });
      gets = 0;
      await table.update<Limits>(key, (row) => ({ ...row, daily: '2.00' }));
      const read = await table.get<Limits>(key);
      expect(read).toMatchObject({ daily: '2.00', version: 2 });
      await table.transact([{ delete: read as Limits }]);
      expect(await table.get(key)).toBeUndefined();
      expect(gets).toBe(0);
    });
    expect(await table.get(key)).toBeUndefined();
  });

  it('E1 a write that lost its race forgets the row: the retry reads it afresh and its condition holds', async () => {
    const table = accounts();
    const other = accounts();
    const key = { pk: 'USER#scope3', sk: 'WITHDRAWAL-LIMITS' };
    await table.create<Limits>({ ...key, daily: '1.00' });
    await readOnce(async () => {
      expect((await table.get<Limits>(key))?.version).toBe(1);
      // another request writes the row meanwhile (not in this scope)
      await readOnce(() => other.update<Limits>(key, (row) => ({ ...row, daily: '5.00' })));
      await expect(table.update<Limits>(key, (row) => ({ ...row, daily: '2.00' }))).rejects.toBeInstanceOf(
        Conflict,
      );
      const retried = await table.update<Limits>(key, (row) => ({ ...row, daily: `${row.daily}+2` }));
      expect(retried?.row).toMatchObject({ daily: '5.00+2', version: 3 });
    });
  });
});
