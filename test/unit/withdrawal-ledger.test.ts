// C2 limits ledger against DynamoDB semantics (dynalite; transactions through local/dynamo-transactions.ts):
// rolling windows on an injected clock, concurrent requests that cannot both pass a limit, release and undo.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forbidden } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseAmount } from '../../lambdas/withdrawals/amount.js';
import { WithdrawalHistory } from '../../lambdas/withdrawals/history.js';
import { type LedgerRow, ledgerKey, WithdrawalLedger } from '../../lambdas/withdrawals/ledger.js';
import {
  newWithdrawalId,
  type WithdrawalRecord,
  type WithdrawalRow,
  withdrawalKey,
} from '../../lambdas/withdrawals/record.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIMITS = { daily: '2', monthly: '3' };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-ledger-'));
  const keys = await LocalKeyService.open(stateDir);
  table = new SignedTable(
    dynamo.documents,
    { logicalName: 'Accounts', tableName: 'Accounts', partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const recordOf = (userId: string, amount: string, at: Date): WithdrawalRecord => {
  const parsed = parseAmount('BTC', amount);
  if (!parsed.ok) throw new Error(amount);
  return {
    withdrawalId: newWithdrawalId(at),
    userId,
    asset: 'BTC',
    amount,
    amountMinor: parsed.minor.toString(),
    addressId: 'addr-1',
    addressMasked: 'bc1qar…5mdq',
    speed: 'standard',
    status: 'screening',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    risk: { score: 0, band: 'low', signals: [] },
  };
};

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof Forbidden ? err.code : (err as Error).message;
  }
};

describe('C2 withdrawal limits ledger', () => {
  it('C2 the daily limit is a rolling 24 hours, the monthly one 30 days (injected clock)', async () => {
    const ledger = new WithdrawalLedger(table);
    const clock = new ManualClock(new Date('2026-02-01T00:00:00Z'));
    const at = () => clock.now();
    expect(await codeOf(ledger.record(recordOf('u-roll', '1.5', at()), LIMITS, at()))).toBe('ok');
    clock.advance(23 * HOUR);
    expect(await codeOf(ledger.record(recordOf('u-roll', '0.6', at()), LIMITS, at()))).toBe('DAILY_LIMIT');
    expect(await codeOf(ledger.record(recordOf('u-roll', '0.5', at()), LIMITS, at()))).toBe('ok');
    clock.advance(HOUR + 1);
    // Day 1's 2 BTC left the daily window, not the monthly one: 3 - 2 = 1 BTC remains this month.
    expect(await codeOf(ledger.record(recordOf('u-roll', '1.1', at()), LIMITS, at()))).toBe('MONTHLY_LIMIT');
    expect(await codeOf(ledger.record(recordOf('u-roll', '1', at()), LIMITS, at()))).toBe('ok');
    expect(await ledger.usage('u-roll', 'BTC', at())).toEqual({ daily: 150_000_000n, monthly: 300_000_000n });
    clock.set(new Date(Date.parse('2026-02-01T00:00:00Z') + 30 * DAY));
    // The first withdrawal (1.5) is now 30 days old and no longer counts.
    expect(await ledger.usage('u-roll', 'BTC', at())).toEqual({ daily: 0n, monthly: 150_000_000n });
    expect(await codeOf(ledger.record(recordOf('u-roll', '1.5', at()), LIMITS, at()))).toBe('ok');
    const row = await table.get<LedgerRow>(ledgerKey('u-roll'));
    expect(row?.entries.map((e) => e.amountMinor)).toEqual(['50000000', '100000000', '150000000']);
    expect(await codeOf(ledger.record(recordOf('u-roll', '0.1', at()), LIMITS, at()))).toBe('MONTHLY_LIMIT');
  });

  it('C2 a refused request writes neither its record nor a ledger entry', async () => {
    const ledger = new WithdrawalLedger(table);
    const now = new Date('2026-02-01T00:00:00Z');
    const big = recordOf('u-refused', '2.5', now);
    expect(await codeOf(ledger.record(big, LIMITS, now))).toBe('DAILY_LIMIT');
    expect(await table.get(withdrawalKey('u-refused', big.withdrawalId))).toBeUndefined();
    expect(await table.get(ledgerKey('u-refused'))).toBeUndefined();
  });

  it('C2 concurrent requests cannot overrun the limit: exactly the ones that fit are written', async () => {
    const ledger = new WithdrawalLedger(table);
    const now = new Date('2026-02-01T00:00:00Z');
    const records = Array.from({ length: 10 }, () => recordOf('u-race', '0.5', now));
    const outcomes = await Promise.all(records.map((r) => codeOf(ledger.record(r, LIMITS, now))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'DAILY_LIMIT')).toHaveLength(6);
    const written = await new WithdrawalHistory(table).recent('u-race');
    const row = await table.get<LedgerRow>(ledgerKey('u-race'));
    expect(written).toHaveLength(4);
    expect(row?.entries.map((e) => e.withdrawalId).sort()).toEqual(written.map((w) => w.withdrawalId).sort());
  });

  it('C2 a released withdrawal stops counting; releasing twice or an unknown one is a no-op', async () => {
    const ledger = new WithdrawalLedger(table);
    const now = new Date('2026-02-01T00:00:00Z');
    const first = recordOf('u-release', '2', now);
    await ledger.record(first, LIMITS, now);
    expect(await codeOf(ledger.record(recordOf('u-release', '0.1', now), LIMITS, now))).toBe('DAILY_LIMIT');
    expect(await ledger.release('u-release', first.withdrawalId)).toBe(true);
    expect(await ledger.release('u-release', first.withdrawalId)).toBe(false);
    expect(await ledger.release('u-nobody', first.withdrawalId)).toBe(false);
    expect(await codeOf(ledger.record(recordOf('u-release', '2', now), LIMITS, now))).toBe('ok');
  });

  it('C2 undo takes back a record and its entry together, unless the workflow already moved it', async () => {
    const ledger = new WithdrawalLedger(table);
    const now = new Date('2026-02-01T00:00:00Z');
    const kept = recordOf('u-undo', '0.5', now);
    const undone = recordOf('u-undo', '0.7', now);
    await ledger.record(kept, LIMITS, now);
    await ledger.record(undone, LIMITS, now);
    expect(await ledger.undo('u-undo', undone.withdrawalId)).toBe(true);
    expect(await table.get(withdrawalKey('u-undo', undone.withdrawalId))).toBeUndefined();
    expect((await table.get<LedgerRow>(ledgerKey('u-undo')))?.entries.map((e) => e.withdrawalId)).toEqual([
      kept.withdrawalId,
    ]);
    await table.update<WithdrawalRow>(withdrawalKey('u-undo', kept.withdrawalId), (r) => ({
      ...r,
      status: 'review',
    }));
    expect(await ledger.undo('u-undo', kept.withdrawalId)).toBe(false);
    expect(await table.get(withdrawalKey('u-undo', kept.withdrawalId))).toMatchObject({ status: 'review' });
    expect(await ledger.usage('u-undo', 'BTC', now)).toEqual({ daily: 50_000_000n, monthly: 50_000_000n });
  });
});
