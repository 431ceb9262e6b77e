// D2/C3: the review index that lets admins find withdrawals under investigation across users: opened before
// a withdrawal enters review, closed when it leaves, bucketed so the listing reads a bounded number of days.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { maskIpsIn } from '../../lambdas/kernel/privacy/mask.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { WithdrawalLifecycle } from '../../lambdas/withdrawals/lifecycle.js';
import { newWithdrawalId, type WithdrawalRecord, withdrawalKey } from '../../lambdas/withdrawals/record.js';
import { REVIEW_LOOKBACK_DAYS, reviewIndexKey } from '../../lambdas/withdrawals/review-index.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let lifecycle: WithdrawalLifecycle;
let users = 0;
const T0 = new Date('2026-04-01T10:00:00Z');
const DAY = 86_400_000;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-review-index-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
  lifecycle = new WithdrawalLifecycle(table);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

async function screening(at: Date) {
  const userId = `user-${++users}`;
  const withdrawalId = newWithdrawalId(at);
  const record: WithdrawalRecord = {
    withdrawalId,
    userId,
    asset: 'BTC',
    amount: '0.1',
    amountMinor: '10000000',
    addressId: 'addr-1',
    addressMasked: 'bc1qar…5mdq',
    speed: 'standard',
    status: 'screening',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    risk: { score: 45, band: 'unusual', signals: [] },
  };
  await table.create({ ...record, ...withdrawalKey(userId, withdrawalId) });
  return { userId, withdrawalId };
}

describe('D2 withdrawal review index', () => {
  it('D2 a withdrawal entering review is listed; leaving review closes its row; other moves write no row', async () => {
    const a = await screening(T0);
    const b = await screening(T0);
    const c = await screening(T0);
    await lifecycle.move(a.userId, a.withdrawalId, ['screening'], 'review', T0);
    await lifecycle.move(b.userId, b.withdrawalId, ['screening'], 'review', T0);
    await lifecycle.move(c.userId, c.withdrawalId, ['screening'], 'approved', T0);
    // A retried step opens nothing twice and fails nothing.
    await lifecycle.move(a.userId, a.withdrawalId, ['screening'], 'review', T0);
    const open = await lifecycle.reviews.listOpen(new Date(T0.getTime() + 3_600_000));
    expect(open).toEqual(expect.arrayContaining([a, b]));
    expect(open).not.toContainEqual(c);

    await lifecycle.move(b.userId, b.withdrawalId, ['review'], 'rejected', new Date(T0.getTime() + 60_000));
    const after = await lifecycle.reviews.listOpen(new Date(T0.getTime() + 3_600_000));
    expect(after).toContainEqual(a);
    expect(after).not.toContainEqual(b);
    const row = await table.get(
      reviewIndexKey({ ...b, createdAt: T0.toISOString() } as Pick<
        WithdrawalRecord,
        'userId' | 'withdrawalId' | 'createdAt'
      >),
    );
    expect(row).toMatchObject({ open: false, closedAt: new Date(T0.getTime() + 60_000).toISOString() });
  });

  it('D2 the listing reads back as far as the longest review can last', async () => {
    const old = await screening(new Date(T0.getTime() - 14 * DAY));
    await lifecycle.move(old.userId, old.withdrawalId, ['screening'], 'review', T0);
    expect(await lifecycle.reviews.listOpen(T0)).toContainEqual(old);
    // The index looks back one day more than the longest review the settings allow.
    expect(
      parseSettings({ withdrawalReviewHours: (REVIEW_LOOKBACK_DAYS - 1) * 24 }).withdrawalReviewHours,
    ).toBe((REVIEW_LOOKBACK_DAYS - 1) * 24);
    expect(() => parseSettings({ withdrawalReviewHours: (REVIEW_LOOKBACK_DAYS - 1) * 24 + 1 })).toThrow();
  });

  it('D2 source addresses in signal details are masked in the admin view', () => {
    expect(maskIpsIn('203.0.113.7 never appears among the logins')).toBe(
      '203.0.*.* never appears among the logins',
    );
    expect(maskIpsIn('2001:db8:85a3::8a2e:370:7334 first logged in 2 days ago')).toBe(
      '2001:db8:* first logged in 2 days ago',
    );
    expect(maskIpsIn('Security change (password-changed) 1 day ago')).toBe(
      'Security change (password-changed) 1 day ago',
    );
  });
});
