// e2e setup: every answer a local gateway gives during a test must be one the OpenAPI document declares
// (test/support/contract.ts); the test that got an undeclared answer fails, naming it.
import { afterEach, expect } from 'vitest';
import { type GatewayExchange, setGatewayObserver } from '../../local/gateway-observer.js';

const exchanges: GatewayExchange[] = [];
setGatewayObserver((exchange) => exchanges.push(exchange));

afterEach(async () => {
  if (exchanges.length === 0) return;
  const { contractViolations } = await import('./contract.js');
  const violations = exchanges.splice(0).flatMap(contractViolations);
  if (process.env.PALISADE_CONTRACT_REPORT) {
    const { appendFileSync } = await import('node:fs');
    for (const v of violations) appendFileSync(process.env.PALISADE_CONTRACT_REPORT, `${v}\n`);
    return;
  }
  expect(violations, 'answers the OpenAPI document does not declare').toEqual([]);
});
