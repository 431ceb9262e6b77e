// Operator function (F1, Travel Rule) SetTravelRulePrices: writes the price table the withdrawal request prices
// amounts with (kyc/price-table.ts: one signed row per asset and currency, stamped with the time of the write).
// Invoked by hand or by an operator's price feed; never by a request. A price older than the configuration's
// `travelRule.maxPriceAgeSeconds` is not used: the Travel Rule data is then required of every withdrawal.
import * as z from 'zod/mini';
import { ASSET_IDS } from '../../kernel/assets.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { SignedTable } from '../../kernel/integrity/signed-table.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { setPrice } from '../price-table.js';

export const setPricesRequest = z.strictObject({
  prices: z
    .array(
      z.strictObject({
        asset: z.enum(ASSET_IDS as ['BTC', 'ETH']),
        fiat: z.enum(['EUR', 'USD']),
        price: z
          .string()
          .check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/, 'a decimal such as 61234.5')),
      }),
    )
    .check(z.minLength(1), z.maxLength(20)),
});

export const makeHandler = (ports: { priceRows: SignedTable; clock: Clock }) =>
  taskHandler(setPricesRequest, async ({ prices }) => {
    const at = ports.clock.now();
    for (const { asset, fiat, price } of prices) await setPrice(ports.priceRows, asset, fiat, price, at);
    logger.info('travel rule prices set', { count: prices.length });
    return { set: prices.length, at: at.toISOString() };
  });

export const handler = lazyHandler(() =>
  makeHandler({ priceRows: aws.rows().tables.accounts, clock: aws.clock }),
);
