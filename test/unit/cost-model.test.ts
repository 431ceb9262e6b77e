// Issue 18: the latency and cost models' arithmetic, on a hand-made census whose answers are worked out here,
// and on the committed fixture census (test/fixtures/census-sample.json).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Census,
  type CensusRequest,
  cpuKey,
  loadCensus,
  measuredCpuOf,
  parseCensus,
} from '../../bench/census-input.js';
import {
  ASSUMPTIONS,
  billedMs,
  cognitoEssentialsCost,
  cognitoPlusCost,
  fixedMonthlyCost,
  journeyQuantities,
  lineCost,
  PRICES,
  requestQuantities,
  resolveJourney,
  scenarioBill,
  scenarios,
} from '../../bench/cost-model.js';
import { renderCostReport } from '../../bench/cost-report.js';
import {
  CALL_P50,
  callP50,
  chainMs,
  coldStartMs,
  coldStartTable,
  DEFAULT_BUNDLE_KB,
  DEFAULT_CPU_MS,
  entryFunctions,
  importMs,
  journeyLatency,
  lambdaCpuMs,
  meanCallMs,
  PLATFORM,
  requestLatency,
  serialCallMs,
} from '../../bench/latency-model.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/census-sample.json');

const route: CensusRequest = {
  request: 'POST /v1/example',
  functions: [
    { id: 'Example', memoryMb: 512 },
    { id: 'PersonalDataVault', memoryMb: 512 },
  ],
  calls: {
    'dynamodb:GetItem': 2,
    'dynamodb:TransactWriteItems': 1,
    'kms:Sign': 1,
    'lambda:Invoke': 1,
    'ses:SendEmail': 1,
    'sns:Publish': 1,
  },
  criticalPath: 4,
  transitions: 0,
};
const workflow: CensusRequest = {
  request: 'workflow:example',
  functions: [{ id: 'Task', memoryMb: 1024 }],
  calls: { 'dynamodb:PutItem': 1, 'kms:Decrypt': 1 },
  criticalPath: 2,
  transitions: 3,
};
const census: Census = {
  journeys: {
    'login-password-totp': { title: 'login', requests: [route] },
    'login-new-device': { title: 'new device', requests: [route, workflow] },
  },
};

const p50 = (op: string) => (CALL_P50[op] as { ms: number }).ms;

describe('I2 latency model', () => {
  it('I2 latency model: the critical path is its depth × the mean p50 of the mix, at most every call in a row', () => {
    const mean =
      (2 * p50('dynamodb:GetItem') +
        p50('dynamodb:TransactWriteItems') +
        p50('kms:Sign') +
        p50('lambda:Invoke') +
        p50('ses:SendEmail') +
        p50('sns:Publish')) /
      7;
    expect(meanCallMs(route.calls)).toBeCloseTo(mean, 9);
    expect(chainMs(route)).toBeCloseTo(4 * mean, 9);
    expect(serialCallMs(route.calls)).toBeCloseTo(7 * mean, 9);
    // A depth above the count (calls that wait on a Lambda invoke) never exceeds all calls one after another.
    expect(chainMs({ calls: { 'dynamodb:GetItem': 1 }, criticalPath: 2 })).toBe(p50('dynamodb:GetItem'));
    expect(chainMs({ calls: {}, criticalPath: 0 })).toBe(0);
  });

  it('I2 latency model: every figure names its source, and an estimate says why', () => {
    for (const [op, figure] of Object.entries(CALL_P50)) {
      expect(figure.ms, op).toBeGreaterThan(0);
      expect(figure.source.length, op).toBeGreaterThan(10);
      if (figure.source.includes('publishes no')) expect(figure.estimate, op).toBeTruthy();
    }
    // An operation the table lacks falls back to its service, then to a stated unknown.
    expect(callP50('dynamodb:Scan').estimate).toMatch(/unnamed DynamoDB/);
    expect(callP50('acme:Thing').estimate).toMatch(/does not know/);
  });

  it('I2 latency model: handler CPU scales by the arm64 factor and the share of a vCPU the memory buys', () => {
    expect(lambdaCpuMs(10, PLATFORM.fullVcpuMb.ms)).toBeCloseTo(10 * PLATFORM.armVsBenchCore.ms, 9);
    expect(lambdaCpuMs(10, 512)).toBeCloseTo((10 * PLATFORM.armVsBenchCore.ms * 1769) / 512, 9);
    // More than one vCPU does not speed a single-threaded handler.
    expect(lambdaCpuMs(10, 4096)).toBeCloseTo(lambdaCpuMs(10, 1769), 9);
  });

  it('I2 latency model: a warm route is gateway + its invoke + the chain + CPU; a workflow pays its transitions', () => {
    const r = requestLatency('j', route);
    const cpu = 2 * lambdaCpuMs(DEFAULT_CPU_MS.ms, 512);
    expect(r.kind).toBe('route');
    expect(r.cpuMeasured).toBe(false);
    expect(r.platformMs).toBe(PLATFORM.apiGatewayRest.ms + PLATFORM.gatewayToLambda.ms);
    expect(r.warmMs).toBeCloseTo(r.platformMs + chainMs(route) + cpu, 9);
    const w = requestLatency('j', workflow);
    expect(w.kind).toBe('workflow');
    expect(w.platformMs).toBe(3 * PLATFORM.stateTransition.ms);
    const authorizer = requestLatency('j', { ...route, request: 'authorizer' });
    expect(authorizer.platformMs).toBe(PLATFORM.gatewayToLambda.ms);
  });

  it('I2 A4 latency model: a queued invocation (a login\u2019s email and the vault it calls) is billed but not waited for', () => {
    const queued: CensusRequest = {
      ...route,
      functions: [
        { id: 'Example', memoryMb: 512 },
        { id: 'PersonalDataVault', memoryMb: 512, queued: true },
      ],
    };
    const one = lambdaCpuMs(DEFAULT_CPU_MS.ms, 512);
    const r = requestLatency('j', queued);
    expect(r.cpuMs).toBeCloseTo(one, 9);
    expect(r.queuedCpuMs).toBeCloseTo(one, 9);
    expect(r.warmMs).toBeCloseTo(requestLatency('j', route).warmMs - one, 9);
    expect(billedMs('j', queued)).toBeCloseTo(billedMs('j', route), 9);
  });

  it('I2 latency model: API Gateway starts the authorizer and the route; both count as its invokes and its cold starts', () => {
    const me: CensusRequest = {
      request: 'GET /v1/me',
      functions: [
        { id: 'UserAuthorizer', memoryMb: 512 },
        { id: 'GetMe', memoryMb: 512 },
        { id: 'PersonalDataVault', memoryMb: 512 },
      ],
      calls: { 'dynamodb:GetItem': 3, 'dynamodb:Query': 3, 'lambda:Invoke': 1 },
      criticalPath: 3,
      transitions: 0,
    };
    expect(entryFunctions(me)).toEqual([0, 1]);
    expect(entryFunctions(route)).toEqual([0]);
    expect(entryFunctions(workflow)).toEqual([0]);
    const r = requestLatency('j', me);
    expect(r.platformMs).toBe(PLATFORM.apiGatewayRest.ms + 2 * PLATFORM.gatewayToLambda.ms);
    // 3 services over 3 functions: one TLS connection each.
    expect(r.coldExtraMs).toBeCloseTo(2 * coldStartMs(DEFAULT_BUNDLE_KB, 1), 9);
    expect(r.allColdExtraMs).toBeCloseTo(3 * coldStartMs(DEFAULT_BUNDLE_KB, 1), 9);
    // Only the function another invokes (the vault) is billed again for its calls.
    const billed = requestQuantities('j', me)['lambda-duration'];
    const ms =
      r.chainMs +
      r.cpuMs +
      ASSUMPTIONS.nestedCalls * meanCallMs(me.calls) +
      ASSUMPTIONS.coldShare * r.allColdExtraMs;
    expect(billed).toBeCloseTo((ms / 1000) * 0.5, 9);
  });

  it('I2 latency model: measured CPU counts the password hash, and a CPU the run could not read is skipped', () => {
    const measured = measuredCpuOf(
      parseCensus({
        journeys: {
          j: {
            title: 'j',
            requests: [
              {
                ...route,
                functions: [
                  { id: 'Example', memoryMb: 512, cpuMs: 2, hashMs: 60, wallMs: 90, cold: false },
                  { id: 'PersonalDataVault', memoryMb: 512, cpuMs: null, hashMs: 0, wallMs: 5, cold: true },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(measured.exact.get(cpuKey('j', route.request, 0))).toBe(62);
    expect(measured.exact.has(cpuKey('j', route.request, 1))).toBe(false);
    expect(measured.byFunction.has('PersonalDataVault')).toBe(false);
  });

  it('I2 latency model: measured CPU replaces the default, by place first, then by function', () => {
    const measured = measuredCpuOf({
      journeys: {
        j: {
          title: 'j',
          requests: [
            {
              ...route,
              functions: [
                { id: 'Example', memoryMb: 512, cpuMs: 2 },
                { id: 'PersonalDataVault', memoryMb: 512, cpuMs: 1 },
              ],
            },
          ],
        },
        other: {
          title: 'o',
          requests: [
            {
              ...route,
              functions: [
                { id: 'Example', memoryMb: 512, cpuMs: 8 },
                { id: 'PersonalDataVault', memoryMb: 512, cpuMs: 3 },
              ],
            },
          ],
        },
      },
    });
    const here = requestLatency('j', route, { measured });
    expect(here.cpuMeasured).toBe(true);
    expect(here.cpuMs).toBeCloseTo(lambdaCpuMs(2, 512) + lambdaCpuMs(1, 512), 9);
    // Elsewhere: the function's median over the run (upper median of [2, 8] is 8; of [1, 3] is 3).
    const elsewhere = requestLatency('k', route, { measured });
    expect(elsewhere.cpuMs).toBeCloseTo(lambdaCpuMs(8, 512) + lambdaCpuMs(3, 512), 9);
  });

  it('I2 latency model: cold adds the first function\u2019s start; all cold adds every function\u2019s', () => {
    const bundleKb = new Map([
      ['Example', 300],
      ['PersonalDataVault', 200],
    ]);
    const r = requestLatency('j', route, { bundleKb });
    // 5 services over 2 functions: 3 new TLS connections each.
    expect(r.coldExtraMs).toBeCloseTo(coldStartMs(300, 3), 9);
    expect(r.allColdExtraMs).toBeCloseTo(coldStartMs(300, 3) + coldStartMs(200, 3), 9);
    expect(coldStartMs(300, 3)).toBeCloseTo(
      PLATFORM.sandbox.ms + PLATFORM.runtimeInit.ms + importMs(300) + 3 * PLATFORM.tlsConnection.ms,
      9,
    );
    // An unknown bundle takes the default size.
    expect(requestLatency('j', route).coldExtraMs).toBeCloseTo(coldStartMs(DEFAULT_BUNDLE_KB, 3), 9);
  });

  it('I2 latency model: the cold-start table grows with the bundle; a throttled INIT only below one vCPU', () => {
    const cells = coldStartTable([150, 600], [512, 1769]);
    const at = (kb: number, mb: number) => cells.find((c) => c.bundleKb === kb && c.memoryMb === mb);
    expect(at(600, 512)?.coldMs).toBeGreaterThan(at(150, 512)?.coldMs ?? Number.POSITIVE_INFINITY);
    expect(at(600, 1769)?.throttledMs).toBeCloseTo(at(600, 1769)?.coldMs ?? 0, 9);
    expect(at(600, 512)?.throttledMs).toBeCloseTo(
      (at(600, 512)?.coldMs ?? 0) + importMs(600) * (1769 / 512 - 1),
      9,
    );
    expect(at(150, 512)?.warmCpuMs).toBeCloseTo(lambdaCpuMs(DEFAULT_CPU_MS.ms, 512), 9);
  });

  it('I2 latency model: a journey sums what the user waits for and keeps workflows apart', () => {
    const j = journeyLatency(
      'login-new-device',
      census.journeys['login-new-device'] as Census['journeys'][string],
    );
    const r = requestLatency('login-new-device', route);
    expect(j.userWarmMs).toBeCloseTo(r.warmMs, 9);
    expect(j.asyncWarmMs).toBeCloseTo(requestLatency('login-new-device', workflow).warmMs, 9);
    expect(j.maxCriticalPath).toBe(4);
  });
});

describe('I2 cost model', () => {
  it('I2 cost model: a request bills its calls in the units of their prices', () => {
    const q = requestQuantities('j', route);
    expect(q['lambda-requests']).toBe(2);
    expect(q['api-gateway']).toBe(1);
    expect(q.waf).toBe(1);
    expect(q['dynamodb-reads']).toBe(2);
    // A transaction of a row and its head: 2 items × 2 WRU.
    expect(q['dynamodb-writes']).toBe(ASSUMPTIONS.transactItems * 2);
    expect(q['kms-asymmetric']).toBe(1);
    expect(q['kms-symmetric']).toBe(0);
    expect(q.ses).toBe(1);
    expect(q.sms).toBe(1);
    expect(q['step-functions']).toBe(0);
    const w = requestQuantities('j', workflow);
    expect(w['api-gateway']).toBe(0);
    expect(w['step-functions']).toBe(3);
    expect(w['kms-symmetric']).toBe(1);
    expect(w['dynamodb-writes']).toBe(1);
  });

  it('I2 cost model: Lambda is billed for the time it waits, nested invocations again, and a share of INIT', () => {
    const latency = requestLatency('j', route);
    const nested = ASSUMPTIONS.nestedCalls * meanCallMs(route.calls);
    const ms = latency.chainMs + latency.cpuMs + nested + ASSUMPTIONS.coldShare * latency.allColdExtraMs;
    expect(requestQuantities('j', route)['lambda-duration']).toBeCloseTo((ms / 1000) * 0.5, 9);
    // A workflow's tasks run one after another: billed once, at their memory.
    const wl = requestLatency('j', workflow);
    const wms = wl.chainMs + wl.cpuMs + ASSUMPTIONS.coldShare * wl.allColdExtraMs;
    expect(requestQuantities('j', workflow)['lambda-duration']).toBeCloseTo((wms / 1000) * 1, 9);
  });

  it('I2 cost model: a line costs quantity × price / per, at the prices the docs cite', () => {
    expect(lineCost('dynamodb-writes', 1e6)).toBeCloseTo(0.625, 9);
    expect(lineCost('dynamodb-reads', 1e6)).toBeCloseTo(0.125, 9);
    expect(lineCost('kms-asymmetric', 1e6)).toBeCloseTo(15, 9);
    expect(lineCost('kms-symmetric', 1e6)).toBeCloseTo(3, 9);
    expect(lineCost('api-gateway', 1e6)).toBeCloseTo(3.5, 9);
    expect(lineCost('step-functions', 1e6)).toBeCloseTo(25, 9);
    expect(lineCost('ses', 1e6)).toBeCloseTo(100, 9);
    expect(lineCost('lambda-duration', 1e6)).toBeCloseTo(13.3334, 6);
    expect(lineCost('lambda-requests', 1e6)).toBeCloseTo(0.2, 9);
    expect(lineCost('waf', 1e6)).toBeCloseTo(0.6, 9);
    for (const price of Object.values(PRICES)) expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  it('I2 cost model: a scenario multiplies each journey by its count', () => {
    const [logins] = scenarios();
    if (!logins) throw new Error('no scenario');
    const bill = scenarioBill(census, logins);
    const one = journeyQuantities(
      'login-password-totp',
      census.journeys['login-password-totp'] as Census['journeys'][string],
    );
    // 90% known devices (one request), 10% new devices (the request and a workflow of 3 transitions).
    expect(bill.quantities['api-gateway']).toBeCloseTo(1e6, 6);
    expect(bill.quantities['step-functions']).toBeCloseTo(1e5 * 3, 6);
    expect(bill.quantities.ses).toBeCloseTo(one.ses * 1e6, 6);
    expect(bill.total).toBeCloseTo(bill.requestCost, 9);
    expect(bill.fixedCost).toBe(0);
    expect(bill.cognitoEssentials).toBe(0);
  });

  it('I2 cost model: a month of users adds the fixed charges and Cognito Essentials above the free tier, beside the Plus anchor', () => {
    expect(cognitoEssentialsCost(100_000)).toBeCloseTo(90_000 * 0.015, 9);
    expect(cognitoEssentialsCost(5_000)).toBe(0);
    expect(cognitoPlusCost(100_000)).toBeCloseTo(2_000, 9);
    expect(fixedMonthlyCost()).toBeCloseTo(9 + 4 * 0.4 + 5 + 7, 9);
    const fixture = loadCensus(FIXTURE);
    const mau = scenarios(100_000).find((s) => s.mau);
    if (!mau) throw new Error('no per-MAU scenario');
    const bill = scenarioBill(fixture, mau);
    expect(bill.total).toBeCloseTo(bill.requestCost + fixedMonthlyCost() + 1_350, 6);
    expect(bill.cognitoPlus).toBeCloseTo(2_000, 9);
  });

  it('I2 cost model: a scenario naming a journey the census lacks fails and lists the journeys it has', () => {
    const [logins] = scenarios();
    if (!logins) throw new Error('no scenario');
    const partial: Census = { journeys: { 'login-password-totp': { title: 'l', requests: [route] } } };
    // Another name of a journey counts as it.
    const renamed: Census = { journeys: { login: { title: 'l', requests: [route] } } };
    expect(resolveJourney(renamed, 'login-password-totp')).toBe('login');
    expect(resolveJourney(renamed, 'refresh')).toBeUndefined();
    expect(() => scenarioBill(partial, logins)).toThrow(
      /no journey login-new-device .*has login-password-totp\. Name it in JOURNEY_ALIASES/,
    );
  });
});

describe('I2 census input and docs/cost.md', () => {
  it('I2 census input: a missing census says how to make one; a malformed one names the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'census-'));
    expect(() => loadCensus(path.join(dir, 'census.json'))).toThrow(/No census at .*npm run bench/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ journeys: { x: { title: 'x', requests: [{ ...route, criticalPath: -1 }] } } }),
    );
    expect(() => loadCensus(bad)).toThrow(
      /bad\.json is not a census: journeys\.x\.requests\.0\.criticalPath/,
    );
    expect(() =>
      parseCensus({ journeys: { x: { title: 'x', requests: [{ ...route, criticalPath: 40 }] } } }),
    ).toThrow(/critical path of 40 is longer than its 7 calls/);
  });

  it('I2 census input: the fixture is a census with every journey the scenarios need', () => {
    const fixture = loadCensus(FIXTURE);
    for (const scenario of scenarios()) {
      for (const id of Object.keys(scenario.mix)) expect(fixture.journeys, id).toHaveProperty(id);
    }
  });

  it('I2 docs/cost.md names the census it was computed from, and says so loudly for the fixture', () => {
    const fixture = loadCensus(FIXTURE);
    const fromFixture = renderCostReport(
      fixture,
      {},
      { censusPath: 'test/fixtures/census-sample.json', fixture: true },
    );
    expect(fromFixture.split('\n')[2]).toMatch(
      /Computed from `test\/fixtures\/census-sample\.json`, a fixture/,
    );
    const fromBench = renderCostReport(fixture, {}, { censusPath: 'bench/census.json', fixture: false });
    expect(fromBench.split('\n')[2]).toMatch(/Computed from the census `bench\/census\.json`/);
    expect(fromBench).toContain('Cognito Plus');
    // The committed docs/cost.md is one of the two.
    const committed = readFileSync(path.resolve(import.meta.dirname, '../../docs/cost.md'), 'utf8');
    expect(committed.split('\n')[2]).toMatch(
      /^> .*Computed from .*`(bench\/census\.json|test\/fixtures\/census-sample\.json)`/,
    );
  });
});
