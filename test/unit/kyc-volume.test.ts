// F1: the risk rating's 30-day volume: the withdrawal limits ledger's entries priced by the price table,
// exactly; an asset without a usable price is never guessed (its own medium reason). The pure sum, then the
// wiring's rater on dynalite (the ledger row and the signed price rows as the withdrawal path writes them).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { DAY_MS, type LedgerEntry, ledgerKey } from '../../lambdas/kernel/withdrawal-usage.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import type { KycRecord } from '../../lambdas/kyc/kyc-store.js';
import type { Price, PriceSource } from '../../lambdas/kyc/ports.js';
import { setPrice } from '../../lambdas/kyc/price-table.js';
import { assessCustomerRisk } from '../../lambdas/kyc/risk.js';
import { VOLUME_PRICE_MAX_AGE_MS, volume30Days } from '../../lambdas/kyc/volume.js';
import { kycRater } from '../../lambdas/kyc/wiring.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const NOW = new Date('2026-12-05T10:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const entry = (
  asset: 'BTC' | 'ETH',
  amountMinor: string,
  at: string,
  id = Math.random().toString(36),
): LedgerEntry => ({
  withdrawalId: id,
  asset,
  amountMinor,
  at,
});
const pricesOf = (table: Partial<Record<string, Price>>): PriceSource => ({
  price: async (asset, fiat) => table[`${asset}#${fiat}`],
});

describe('F1 the 30-day volume for the risk rating', () => {
  it('F1 each asset’s 30-day sum is priced exactly (minor units × price), entries older than 30 days left out', async () => {
    const entries = [
      entry('BTC', '150000000', ago(DAY_MS)), // 1.5 BTC
      entry('BTC', '1', ago(29 * DAY_MS)), // 1 satoshi
      entry('BTC', '500000000', ago(30 * DAY_MS)), // 5 BTC, out of the window
      entry('ETH', '2500000000000000000', ago(3_600_000)), // 2.5 ETH
    ];
    const volume = await volume30Days(
      entries,
      pricesOf({
        'BTC#EUR': { price: '60000.5', at: new Date(ago(60_000)) },
        'ETH#EUR': { price: '3000.123456789', at: new Date(ago(60_000)) },
      }),
      'EUR',
      NOW,
    );
    // 1.50000001 × 60000.5 + 2.5 × 3000.123456789
    expect(volume).toEqual({ amount: '97501.0592419775', currency: 'EUR', unpriced: [] });
  });

  it('F1 an asset with volume but no price, a stale or a future one is unpriced: not in the sum, never guessed', async () => {
    const entries = [
      entry('BTC', '100000000', ago(DAY_MS)),
      entry('ETH', '1000000000000000000', ago(DAY_MS)),
    ];
    const stale = await volume30Days(
      entries,
      pricesOf({
        'BTC#EUR': { price: '60000', at: new Date(NOW.getTime() - VOLUME_PRICE_MAX_AGE_MS - 1) },
        'ETH#EUR': { price: '3000', at: new Date(ago(60_000)) },
      }),
      'EUR',
      NOW,
    );
    expect(stale).toEqual({ amount: '3000', currency: 'EUR', unpriced: ['BTC'] });
    const future = await volume30Days(
      entries,
      pricesOf({ 'BTC#EUR': { price: '60000', at: new Date(NOW.getTime() + 3_600_000) } }),
      'EUR',
      NOW,
    );
    expect(future.unpriced).toEqual(['BTC', 'ETH']);
    // nothing withdrawn: nothing to price
    expect(await volume30Days([], pricesOf({}), 'USD', NOW)).toEqual({
      amount: '0',
      currency: 'USD',
      unpriced: [],
    });
  });

  it('F1 an unpriced volume rates medium with its own reason, never low', () => {
    const assessed = assessCustomerRisk(
      { residence: 'FR', screening: 'clear', pep: 'none', volume30Days: '0', volumeUnpriced: ['BTC'] },
      parseKycConfig({}),
      parseSettings({}),
    );
    expect(assessed.rating).toBe('medium');
    expect(assessed.reasons).toEqual([
      { code: 'volume-unpriced', rating: 'medium', detail: 'no recent price for BTC withdrawn in 30 days' },
    ]);
  });
});

describe('F1 the rater reads the limits ledger and the price table (dynalite)', () => {
  let dynamo: TestDynamo;
  let stateDir: string;
  let table: SignedTable;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-kyc-volume-'));
    const keys = await LocalKeyService.open(stateDir);
    table = signedAccountsTable(dynamo.documents, keys);
  });
  afterAll(async () => {
    await dynamo.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('F1 a customer who withdrew EUR 20,000 worth in 30 days is rated medium for volume; over 100,000 high', async () => {
    const clock = new ManualClock(NOW);
    const infra = {
      rows: () => ({ tables: { accounts: table } }),
      clock,
      settings: () => parseSettings({}),
    } as never;
    const record = {
      userId: 'u_vol',
      level: 'basic',
      requirements: {},
      personCountries: ['FR'],
    } as unknown as KycRecord;
    await setPrice(table, 'BTC', 'EUR', '50000', new Date(ago(3_600_000)));
    await table.create({ ...ledgerKey('u_vol'), entries: [entry('BTC', '40000000', ago(DAY_MS))] }); // 0.4 BTC
    const rate = await kycRater(infra).prepare('u_vol', undefined);
    expect(rate(record, NOW.toISOString()).risk).toMatchObject({
      rating: 'medium',
      reasons: [{ code: 'volume-medium', rating: 'medium', detail: '20000 in 30 days' }],
    });
    await table.create({ ...ledgerKey('u_big'), entries: [entry('BTC', '300000000', ago(DAY_MS))] }); // 3 BTC
    const big = await kycRater(infra).prepare('u_big', undefined);
    expect(big({ ...record, userId: 'u_big' } as KycRecord, NOW.toISOString()).risk?.rating).toBe('high');
    // no ledger row: no volume
    const none = await kycRater(infra).prepare('u_none', undefined);
    expect(none({ ...record, userId: 'u_none' } as KycRecord, NOW.toISOString()).risk?.rating).toBe('low');
  });
});
