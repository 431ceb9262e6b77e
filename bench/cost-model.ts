// The cost model (issue 18): what a request, a journey and a month of users cost in AWS list prices, from the
// remote-call census and the latency model (Lambda is billed for the time it waits on its calls). Pure: prices
// and assumptions are data with their sources; scripts/cost.ts renders them into docs/cost.md.
import { type Census, type CensusRequest, requestKind } from './census-input.js';
import { type ModelInputs, meanCallMs, requestLatency } from './latency-model.js';

export const PRICES_CHECKED = '2026-12-05';

/** A list price in `REGION`: dollars per `per` units of `unit`, with its source. */
export interface Price {
  usd: number;
  per: number;
  unit: string;
  source: string;
  note?: string;
}

export const PRICES = {
  lambdaGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-second (arm64, first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaRequest: {
    usd: 0.2,
    per: 1e6,
    unit: 'invocations',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  apiGatewayRest: {
    usd: 3.5,
    per: 1e6,
    unit: 'REST API requests (first 333 million a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  wafRequest: {
    usd: 0.6,
    per: 1e6,
    unit: 'requests inspected',
    source: 'https://aws.amazon.com/waf/pricing/',
  },
  wafWebAcl: { usd: 5, per: 1, unit: 'web ACL a month', source: 'https://aws.amazon.com/waf/pricing/' },
  wafRule: {
    usd: 1,
    per: 1,
    unit: 'rule a month (the AWS managed groups used here carry no extra subscription)',
    source: 'https://aws.amazon.com/waf/pricing/',
  },
  dynamodbRead: {
    usd: 0.125,
    per: 1e6,
    unit: 'read request units (on-demand, Standard table class)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    note: 'after the price cut of 1 November 2024, which halved on-demand throughput prices (from $0.25)',
  },
  dynamodbWrite: {
    usd: 0.625,
    per: 1e6,
    unit: 'write request units (on-demand, Standard table class)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    note: 'after the price cut of 1 November 2024 (from $1.25)',
  },
  kmsSymmetric: {
    usd: 0.03,
    per: 1e4,
    unit: 'symmetric requests (Decrypt, GenerateDataKey, …)',
    source: 'https://aws.amazon.com/kms/pricing/',
  },
  kmsAsymmetric: {
    usd: 0.15,
    per: 1e4,
    unit: 'asymmetric requests except RSA 2048 (Sign, Verify, GetPublicKey with the ECC_NIST_P256 row-signing key)',
    source: 'https://aws.amazon.com/kms/pricing/',
    note: 'five times the symmetric rate',
  },
  kmsKey: {
    usd: 1,
    per: 1,
    unit: 'customer managed key a month',
    source: 'https://aws.amazon.com/kms/pricing/',
  },
  stepFunctionsTransition: {
    usd: 0.025,
    per: 1e3,
    unit: 'state transitions (Standard workflows)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  cognitoEssentialsMau: {
    usd: 0.015,
    per: 1,
    unit: 'MAU above the free 10,000 (Essentials plan)',
    source: 'https://aws.amazon.com/cognito/pricing/',
  },
  cognitoPlusMau: {
    usd: 0.02,
    per: 1,
    unit: 'MAU, no free tier (Plus plan: threat protection, i.e. compromised credentials and adaptive authentication)',
    source: 'https://aws.amazon.com/cognito/pricing/',
  },
  sesEmail: { usd: 0.1, per: 1e3, unit: 'emails sent', source: 'https://aws.amazon.com/ses/pricing/' },
  smsUnitedStates: {
    usd: 0.00883,
    per: 1,
    unit: 'SMS part to a US number (toll-free origination: $0.00581 + carrier fee ≈ $0.00302)',
    source: 'https://aws.amazon.com/end-user-messaging/pricing/ (SNS SMS is delivered and priced by it)',
    note: 'not confirmed against the page in this revision (the figure as last read: toll-free base $0.00581 + carrier pass-through ≈ $0.003, plus $2 a month for the toll-free number); SMS prices change often and differ by country and carrier, many European destinations cost several times more: check before quoting',
  },
  s3Get: {
    usd: 0.0004,
    per: 1e3,
    unit: 'GET requests (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3Put: {
    usd: 0.005,
    per: 1e3,
    unit: 'PUT requests (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  secretsManagerCall: {
    usd: 0.05,
    per: 1e4,
    unit: 'API calls',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
  secret: {
    usd: 0.4,
    per: 1,
    unit: 'secret a month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
  xrayTrace: { usd: 5, per: 1e6, unit: 'traces recorded', source: 'https://aws.amazon.com/xray/pricing/' },
  logsIngestion: {
    usd: 0.5,
    per: 1,
    unit: 'GB of CloudWatch Logs ingested (Standard class)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  sqsRequest: {
    usd: 0.4,
    per: 1e6,
    unit: 'requests (standard queues, 64 KB chunks)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  eventsPut: {
    usd: 1,
    per: 1e6,
    unit: 'custom events',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
} as const satisfies Record<string, Price>;

/** What a call costs that the prices above do not name by itself, and how the model counts units. */
export const ASSUMPTIONS = {
  /** Reads are strongly consistent and ≤ 4 KB (1 RRU); a batch reads this many items. */
  batchGetItems: 3,
  /** Writes are ≤ 1 KB (1 WRU); a transaction writes this many items (a ledgered row and its head) at 2 WRU each. */
  transactItems: 2,
  /** The share of invocations that start cold: "under 1%" (AWS Compute Blog, "AWS Lambda standardizes billing for INIT Phase", 2025). */
  coldShare: 0.01,
  /** X-Ray's default sampling rule (1 request a second, then 5%): about 5% of requests at this volume. */
  xraySampled: 0.05,
  /** CloudWatch Logs per invocation: START/END/REPORT and 2–3 structured Powertools lines. */
  logKbPerInvocation: 1.5,
  /**
   * The remote calls a function invoked synchronously makes itself (its wait is billed in the caller, which
   * waits for it, and again in the callee): the census does not split the chain by function.
   */
  nestedCalls: 2,
  /** The customer managed KMS keys, secrets, WAF rules of one deployment (lib/: data, logging, …; lib/firewall.ts). */
  kmsKeys: 9,
  secrets: 4,
  wafRules: 7,
  /** Cognito Essentials' free MAU per account. */
  cognitoFreeMau: 10_000,
} as const;

/** The cost lines of the bill, in the order the tables print them. */
export const LINES = [
  'lambda-requests',
  'lambda-duration',
  'api-gateway',
  'waf',
  'dynamodb-reads',
  'dynamodb-writes',
  'kms-asymmetric',
  'kms-symmetric',
  'step-functions',
  'ses',
  'sms',
  's3',
  'secrets-manager',
  'sqs',
  'events',
  'x-ray',
  'logs',
] as const;
export type Line = (typeof LINES)[number];

export type Quantities = Record<Line, number>;

const zero = (): Quantities => Object.fromEntries(LINES.map((l) => [l, 0])) as Quantities;

/** Units of a line per one unit of its price's `per` denominator, with the price that applies. */
export const LINE_PRICE: Readonly<Record<Line, { price: Price; unit: string }>> = {
  'lambda-requests': { price: PRICES.lambdaRequest, unit: 'invocations' },
  'lambda-duration': { price: PRICES.lambdaGbSecond, unit: 'GB-s' },
  'api-gateway': { price: PRICES.apiGatewayRest, unit: 'requests' },
  waf: { price: PRICES.wafRequest, unit: 'requests' },
  'dynamodb-reads': { price: PRICES.dynamodbRead, unit: 'RRU' },
  'dynamodb-writes': { price: PRICES.dynamodbWrite, unit: 'WRU' },
  'kms-asymmetric': { price: PRICES.kmsAsymmetric, unit: 'requests' },
  'kms-symmetric': { price: PRICES.kmsSymmetric, unit: 'requests' },
  'step-functions': { price: PRICES.stepFunctionsTransition, unit: 'transitions' },
  ses: { price: PRICES.sesEmail, unit: 'emails' },
  sms: { price: PRICES.smsUnitedStates, unit: 'SMS' },
  s3: { price: PRICES.s3Get, unit: 'GET' },
  'secrets-manager': { price: PRICES.secretsManagerCall, unit: 'calls' },
  sqs: { price: PRICES.sqsRequest, unit: 'requests' },
  events: { price: PRICES.eventsPut, unit: 'events' },
  'x-ray': { price: PRICES.xrayTrace, unit: 'traces' },
  logs: { price: PRICES.logsIngestion, unit: 'GB' },
};

const ASYMMETRIC_KMS = new Set(['Sign', 'Verify', 'GetPublicKey']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Units (and the line they bill on) of `count` calls of `operation`; S3 PUTs are priced as PUTs (in GET units). */
export function callUnits(operation: string, count: number): { line: Line; units: number } | undefined {
  const [service, op = ''] = operation.split(':');
  switch (service) {
    case 'dynamodb':
      if (op === 'BatchGetItem') return { line: 'dynamodb-reads', units: count * ASSUMPTIONS.batchGetItems };
      if (op === 'TransactWriteItems')
        return { line: 'dynamodb-writes', units: count * ASSUMPTIONS.transactItems * 2 };
      if (op === 'TransactGetItems') return { line: 'dynamodb-reads', units: count * 2 * 2 };
      return READS.has(op)
        ? { line: 'dynamodb-reads', units: count }
        : { line: 'dynamodb-writes', units: count };
    case 'kms':
      return { line: ASYMMETRIC_KMS.has(op) ? 'kms-asymmetric' : 'kms-symmetric', units: count };
    case 'ses':
      return { line: 'ses', units: count };
    case 'sns':
      return { line: 'sms', units: count };
    case 's3':
      // A PUT costs 12.5 GETs: counted in GET units so that one line holds S3.
      return {
        line: 's3',
        units: op.startsWith('Put') ? (count * PRICES.s3Put.usd) / PRICES.s3Get.usd : count,
      };
    case 'secretsmanager':
      return { line: 'secrets-manager', units: count };
    case 'events':
      return { line: 'events', units: count };
    case 'sqs':
      return { line: 'sqs', units: count };
    // Invokes are billed as the callee's invocation (functions); StartExecution and SendTaskSuccess are free
    // API calls, the workflow bills its transitions; Cognito bills per MAU.
    default:
      return undefined;
  }
}

/**
 * Milliseconds a request's functions are billed for, all together, warm: the critical path and the CPU once
 * (the authorizer and the route, or a workflow's tasks, run one after another), and again the calls of every
 * function invoked synchronously by another, during which its caller waits.
 */
export function billedMs(journey: string, request: CensusRequest, inputs: ModelInputs = {}): number {
  const latency = requestLatency(journey, request, inputs);
  // A queued invocation's CPU is billed though nobody waits for it.
  const own = latency.chainMs + latency.cpuMs + latency.queuedCpuMs;
  // A function invoked by another (lambda:Invoke) runs while its caller waits: its own calls are billed again.
  const nested = (request.calls['lambda:Invoke'] ?? 0) * ASSUMPTIONS.nestedCalls * meanCallMs(request.calls);
  return own + nested;
}

/** The billable quantities of one request (one occurrence). */
export function requestQuantities(
  journey: string,
  request: CensusRequest,
  inputs: ModelInputs = {},
): Quantities {
  const q = zero();
  const kind = requestKind(request);
  const invocations = request.functions.length;
  q['lambda-requests'] = invocations;
  const latency = requestLatency(journey, request, inputs);
  const warm = billedMs(journey, request, inputs);
  const meanMemoryGb =
    invocations === 0 ? 0 : request.functions.reduce((s, f) => s + f.memoryMb, 0) / invocations / 1024;
  // Since 1 August 2025 Lambda bills the INIT phase of on-demand functions too: a cold share of the init time.
  const initMs = ASSUMPTIONS.coldShare * latency.allColdExtraMs;
  q['lambda-duration'] = ((warm + initMs) / 1000) * meanMemoryGb;
  if (kind === 'route') {
    q['api-gateway'] = 1;
    q.waf = 1;
    q['x-ray'] = ASSUMPTIONS.xraySampled;
  }
  q['step-functions'] = request.transitions;
  q.logs = (invocations * ASSUMPTIONS.logKbPerInvocation) / (1024 * 1024);
  for (const [operation, count] of Object.entries(request.calls)) {
    const units = callUnits(operation, count);
    if (units) q[units.line] += units.units;
  }
  return q;
}

export function addQuantities(into: Quantities, from: Quantities, times = 1): Quantities {
  for (const line of LINES) into[line] += from[line] * times;
  return into;
}

export function journeyQuantities(
  id: string,
  journey: { requests: readonly CensusRequest[] },
  inputs: ModelInputs = {},
): Quantities {
  return journey.requests.reduce((q, r) => addQuantities(q, requestQuantities(id, r, inputs)), zero());
}

export function lineCost(line: Line, quantity: number): number {
  const { price } = LINE_PRICE[line];
  return (quantity * price.usd) / price.per;
}

export function totalCost(q: Quantities): number {
  return LINES.reduce((sum, line) => sum + lineCost(line, q[line]), 0);
}

/** A scenario: how many times each journey happens, and the bill's fixed and per-user parts. */
export interface Scenario {
  id: string;
  title: string;
  /** Journey id → occurrences. */
  mix: Readonly<Record<string, number>>;
  /** Monthly active users (Cognito), when the scenario is a month of users. */
  mau?: number;
  /** Whether the deployment's fixed monthly charges (keys, secrets, web ACL) belong in it. */
  fixed?: boolean;
  /** What the mix assumes, in words. */
  assumptions: readonly string[];
}

/** The behaviour of a monthly active user the per-MAU scenario assumes. */
export const BEHAVIOUR = {
  loginsPerMau: 8,
  /** Logins from a new device or network: the emailed code and the device link (A6, A7) instead of TOTP alone. */
  newDeviceShare: 0.1,
  refreshesPerMau: 40,
  meReadsPerMau: 30,
  withdrawalsPerMau: 1,
  /** Withdrawals held for an admin decision, taken through the approval plane (D2). */
  reviewedShare: 0.1,
  /** New withdrawal addresses per user and month (C1). */
  addressesPerMau: 0.2,
  /** The month's users who sign up in it; each enrols TOTP (a security change with its hold). */
  signUpsPerMau: 0.05,
} as const;

export function scenarios(mauCount = 100_000): Scenario[] {
  const b = BEHAVIOUR;
  const logins = (n: number) => ({
    'login-password-totp': n * (1 - b.newDeviceShare),
    'login-new-device': n * b.newDeviceShare,
  });
  return [
    {
      id: 'logins',
      title: 'One million logins',
      mix: logins(1e6),
      assumptions: [
        `${(1 - b.newDeviceShare) * 100}% are password + TOTP from a known device (A2); ${b.newDeviceShare * 100}% come from a new device: password, the emailed code and the device link (A6, A7)`,
        'Cognito bills per MAU, not per login: see the per-MAU table',
      ],
    },
    {
      id: 'withdrawals',
      title: 'One million withdrawals',
      mix: { withdrawal: 1e6, 'admin-approval': 1e6 * b.reviewedShare },
      assumptions: [
        `${b.reviewedShare * 100}% are held for an admin decision, taken through the approval plane: the census's admin request with its two approvals stands for it; those withdrawals are also counted with the automatic workflow, a slight overestimate`,
      ],
    },
    {
      id: 'mau',
      title: `${mauCount.toLocaleString('en-US')} monthly active users, one month`,
      mau: mauCount,
      fixed: true,
      mix: {
        signup: mauCount * b.signUpsPerMau,
        'totp-enrolment': mauCount * b.signUpsPerMau,
        ...logins(mauCount * b.loginsPerMau),
        refresh: mauCount * b.refreshesPerMau,
        me: mauCount * b.meReadsPerMau,
        address: mauCount * b.addressesPerMau,
        withdrawal: mauCount * b.withdrawalsPerMau,
        'admin-approval': mauCount * b.withdrawalsPerMau * b.reviewedShare,
      },
      assumptions: [
        `per user and month: ${b.loginsPerMau} logins (new devices as above), ${b.refreshesPerMau} token refreshes (15-minute access tokens), ${b.meReadsPerMau} reads of GET /v1/me, ${b.addressesPerMau} new withdrawal addresses, ${b.withdrawalsPerMau} withdrawal (${b.reviewedShare * 100}% reviewed); ${b.signUpsPerMau * 100}% of the month's users sign up in it and enrol TOTP`,
        'the other user routes (sessions, devices, security settings, KYC) are not in the census and not counted',
      ],
    },
  ];
}

export interface ScenarioBill {
  scenario: Scenario;
  quantities: Quantities;
  /** Cost by line. */
  lines: Record<Line, number>;
  requestCost: number;
  /** The fixed monthly charges, when the scenario carries them. */
  fixedCost: number;
  cognitoEssentials: number;
  /** Cognito Plus for the same users: the anchor a buyer compares with. */
  cognitoPlus: number;
  total: number;
}

export function fixedMonthlyCost(): number {
  return (
    ASSUMPTIONS.kmsKeys * PRICES.kmsKey.usd +
    ASSUMPTIONS.secrets * PRICES.secret.usd +
    PRICES.wafWebAcl.usd +
    ASSUMPTIONS.wafRules * PRICES.wafRule.usd
  );
}

export function cognitoEssentialsCost(mau: number): number {
  return Math.max(0, mau - ASSUMPTIONS.cognitoFreeMau) * PRICES.cognitoEssentialsMau.usd;
}

export function cognitoPlusCost(mau: number): number {
  return mau * PRICES.cognitoPlusMau.usd;
}

/**
 * Other names a census may give the journeys the scenarios count (the census bench names its own journeys):
 * the first of a journey's names that the census has is the one counted.
 */
export const JOURNEY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  signup: ['sign-up'],
  'login-password-totp': ['login', 'login-totp'],
  'login-new-device': ['login-step-up', 'login-device-link'],
  refresh: ['token-refresh', 'refresh-tokens'],
  me: ['get-me', 'get-v1-me'],
  address: ['withdrawal-address', 'address-whitelist'],
  withdrawal: ['withdrawal-request', 'request-withdrawal'],
  'admin-approval': ['withdrawal-review', 'admin-request'],
  'totp-enrolment': ['totp-enrollment', 'enrol-totp'],
};

/** The census's id of a scenario's journey, or undefined when it has none of its names. */
export function resolveJourney(census: Census, id: string): string | undefined {
  return [id, ...(JOURNEY_ALIASES[id] ?? [])].find((name) => name in census.journeys);
}

/** The journeys a scenario names that the census lacks under every name (the bill would silently miss them). */
export function missingJourneys(census: Census, scenario: Scenario): string[] {
  return Object.keys(scenario.mix).filter((id) => resolveJourney(census, id) === undefined);
}

export function scenarioBill(census: Census, scenario: Scenario, inputs: ModelInputs = {}): ScenarioBill {
  const missing = missingJourneys(census, scenario);
  if (missing.length > 0) {
    throw new Error(
      `The census has no journey ${missing.join(', ')} (scenario ${scenario.id}); it has ${Object.keys(census.journeys).join(', ')}. Name it in JOURNEY_ALIASES (bench/cost-model.ts).`,
    );
  }
  const quantities = zero();
  for (const [id, times] of Object.entries(scenario.mix)) {
    const name = resolveJourney(census, id) as string;
    addQuantities(
      quantities,
      journeyQuantities(name, census.journeys[name] as Census['journeys'][string], inputs),
      times,
    );
  }
  const lines = Object.fromEntries(LINES.map((l) => [l, lineCost(l, quantities[l])])) as Record<Line, number>;
  const requestCost = totalCost(quantities);
  const fixedCost = scenario.fixed ? fixedMonthlyCost() : 0;
  const cognitoEssentials = scenario.mau ? cognitoEssentialsCost(scenario.mau) : 0;
  const cognitoPlus = scenario.mau ? cognitoPlusCost(scenario.mau) : 0;
  return {
    scenario,
    quantities,
    lines,
    requestCost,
    fixedCost,
    cognitoEssentials,
    cognitoPlus,
    total: requestCost + fixedCost + cognitoEssentials,
  };
}
