// F5 (five-year records): an account closure starts the clock; the sweep, on an injected clock, erases nothing a
// second before five years and everything of the customer (rows replaced by tombstones, the documents through the
// eraser) at the instant, reading only the due index's month partitions, each erasure audited without the data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { Effect } from '../../lambdas/kernel/outbox.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import {
  PartitionEraser,
  RECORD_RETENTION,
  RecordRetention,
  retentionDueAt,
} from '../../lambdas/privacy/retention.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
const clock = new ManualClock(new Date('2027-03-15T10:00:00.000Z'));
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
const documentsErased: string[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-retention-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const retention = () =>
  new RecordRetention(table, {
    clock,
    outbox: outbox as never,
    eraser: new PartitionEraser(table, {
      eraseAll: async (userId) => {
        documentsErased.push(userId);
        return 3;
      },
    }),
  });

describe('F5 record retention', () => {
  it('F5 the due date is five calendar years after the end, never less (29 February → 1 March)', () => {
    expect(RECORD_RETENTION.years).toBe(5);
    expect(retentionDueAt(new Date('2027-03-15T10:00:00Z')).toISOString()).toBe('2032-03-15T10:00:00.000Z');
    expect(retentionDueAt(new Date('2028-02-29T00:00:00Z')).toISOString()).toBe('2033-03-01T00:00:00.000Z');
  });

  it('F5 a closure starts the clock once; the sweep erases nothing before five years and every row at the instant, audited without the data', async () => {
    const userId = 'closed-user-1';
    const other = 'active-user-1';
    for (const id of [userId, other]) {
      await table.create({ pk: `USER#${id}`, sk: 'WITHDRAWAL#wd_1', amount: '0.5', addressMasked: 'bc1q…' });
      await table.create({ pk: `USER#${id}`, sk: 'SCREENING#scr_1', matchedName: 'Some Name' });
    }
    const started = await retention().relationshipEnded(userId, clock.now());
    expect(started.dueAt).toBe('2032-03-15T10:00:00.000Z');
    // a second closure does not move the clock later
    clock.advance(86_400_000);
    expect((await retention().relationshipEnded(userId, clock.now())).dueAt).toBe(started.dueAt);
    expect(written.flat().map((e) => e.kind === 'audit' && e.event.action)).toEqual(['retention.started']);

    clock.set(new Date(Date.parse(started.dueAt) - 1000));
    expect(await retention().sweep()).toMatchObject({ erased: [], more: false });
    expect((await table.get({ pk: `USER#${userId}`, sk: 'WITHDRAWAL#wd_1' }))?.amount).toBe('0.5');

    clock.set(new Date(started.dueAt));
    const swept = await retention().sweep();
    expect(swept.erased).toEqual([userId]);
    const rows = (await table.query(`USER#${userId}`)).items;
    for (const row of rows.filter((r) => r.sk !== 'RELATIONSHIP-END')) {
      expect(Object.keys(row).sort()).toEqual(expect.arrayContaining(['erasedAt', 'pk', 'sk']));
      expect(row).not.toHaveProperty('amount');
      expect(row).not.toHaveProperty('matchedName');
    }
    expect(documentsErased).toEqual([userId]);
    // the other customer keeps everything
    expect((await table.get({ pk: `USER#${other}`, sk: 'WITHDRAWAL#wd_1' }))?.amount).toBe('0.5');
    const erasure = written.flat().find((e) => e.kind === 'audit' && e.event.action === 'retention.erased');
    expect(erasure).toMatchObject({
      event: { target: { id: userId }, details: { rows: '2', documents: '3', dueAt: started.dueAt } },
    });
    expect(JSON.stringify(erasure)).not.toMatch(/Some Name|0\.5|bc1q/);
    // the due entry is gone: a second sweep erases nothing
    expect((await retention().sweep()).erased).toEqual([]);
  });

  it('F5 a business customer’s beneficial owners go with it: their screening partitions and pointers are tombstoned, another customer’s owner is kept', async () => {
    const userId = 'closed-business-1';
    const owner = 'bo_0123456789abcdef01234567';
    const kept = 'bo_fedcba9876543210fedcba98';
    await table.create({
      pk: `USER#${userId}`,
      sk: 'KYC',
      business: { owners: [{ ownerId: owner, name: 'sealed' }] },
    });
    await table.create({ pk: `SCREENING#${owner}`, sk: 'ROSTER', facts: 'sealed owner facts' });
    await table.create({ pk: `SCREENING#${owner}`, sk: 'DECISION#d1', band: 'clear' });
    await table.create({ pk: `KYCOWNER#${owner}`, sk: 'OWNER', customerId: userId });
    await table.create({ pk: `SCREENING#${kept}`, sk: 'ROSTER', facts: 'another customer’s owner' });
    clock.set(new Date('2027-06-01T00:00:00Z'));
    const started = await retention().relationshipEnded(userId, clock.now());
    clock.set(new Date(started.dueAt));
    expect((await retention().sweep()).erased).toEqual([userId]);
    for (const partition of [`USER#${userId}`, `SCREENING#${owner}`, `KYCOWNER#${owner}`]) {
      const rows = (await table.query(partition)).items.filter((r) => r.sk !== 'RELATIONSHIP-END');
      expect(rows.length, partition).toBeGreaterThan(0);
      for (const row of rows)
        expect(Object.keys(row).sort(), partition).toEqual(expect.arrayContaining(['erasedAt']));
      expect(JSON.stringify(rows)).not.toMatch(/sealed|clear|customerId/);
    }
    expect((await table.get({ pk: `SCREENING#${kept}`, sk: 'ROSTER' }))?.facts).toBe(
      'another customer’s owner',
    );
  });

  it('F5 the sweep reads month partitions from its cursor, never the table: the cursor moves past emptied months', async () => {
    clock.set(new Date('2033-06-01T00:00:00.000Z'));
    const first = await retention().sweep();
    expect(first.cursor).toBe('2033-06');
    const second = await retention().sweep();
    expect(second).toMatchObject({ erased: [], cursor: '2033-06' });
  });
});
