// docs/cost.md from the census: the latency tables (per request and per journey, warm and cold), the bill per
// scenario with its formulas, the prices and figures with their sources. Pure: the script reads the files.
import type { Census } from './census-input.js';
import {
  ASSUMPTIONS,
  BEHAVIOUR,
  fixedMonthlyCost,
  LINE_PRICE,
  LINES,
  PRICES,
  PRICES_CHECKED,
  resolveJourney,
  type ScenarioBill,
  scenarioBill,
  scenarios,
} from './cost-model.js';
import {
  CALL_P50,
  coldStartTable,
  DEFAULT_BUNDLE_KB,
  DEFAULT_CPU_MS,
  type Figure,
  IMPORT_FIT,
  journeyLatency,
  KNOWN_CPU_MS,
  type ModelInputs,
  PLATFORM,
  REGION,
} from './latency-model.js';

/** Issue 18's goal for the depth of a login's critical path. */
export const LOGIN_CRITICAL_PATH_GOAL = 6;

export interface ReportSource {
  /** The census file, as the reader should find it (relative to the repository). */
  censusPath: string;
  /** Whether the census is the fixture (estimated) or the bench's own. */
  fixture: boolean;
  measuredPath?: string;
  bundleSource?: string;
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const usd = (n: number) =>
  n >= 100 ? `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}` : `$${n.toFixed(n >= 1 ? 2 : 4)}`;
const qty = (n: number) =>
  n >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : n.toFixed(n >= 10 ? 1 : 3);
const cell = (text: string) => text.replaceAll('|', '\\|');

function figureRow(name: string, figure: Figure, unit = 'ms'): string {
  return `| ${name} | ${figure.ms} ${unit} | ${cell(figure.source)} | ${figure.estimate ? `estimate: ${cell(figure.estimate)}` : 'published'} |`;
}

function billTable(bill: ScenarioBill): string[] {
  const rows = ['| line | quantity | unit price | formula | cost |', '| --- | ---: | --- | --- | ---: |'];
  for (const line of LINES) {
    const quantity = bill.quantities[line];
    if (quantity === 0) continue;
    const { price, unit } = LINE_PRICE[line];
    rows.push(
      `| ${line} | ${qty(quantity)} ${unit} | $${price.usd} per ${price.per.toLocaleString('en-US')} | ${qty(quantity)} × ${price.usd} / ${price.per.toLocaleString('en-US')} | ${usd(bill.lines[line])} |`,
    );
  }
  rows.push(`| **requests** | | | Σ above | **${usd(bill.requestCost)}** |`);
  if (bill.scenario.fixed) {
    rows.push(
      `| fixed | ${ASSUMPTIONS.kmsKeys} KMS keys, ${ASSUMPTIONS.secrets} secrets, 1 web ACL + ${ASSUMPTIONS.wafRules} rules | | ${ASSUMPTIONS.kmsKeys} × 1 + ${ASSUMPTIONS.secrets} × 0.40 + 5 + ${ASSUMPTIONS.wafRules} × 1 | ${usd(bill.fixedCost)} |`,
    );
  }
  if (bill.scenario.mau) {
    rows.push(
      `| Cognito Essentials | ${qty(bill.scenario.mau)} MAU | $${PRICES.cognitoEssentialsMau.usd} per MAU | (${qty(bill.scenario.mau)} − ${qty(ASSUMPTIONS.cognitoFreeMau)} free) × ${PRICES.cognitoEssentialsMau.usd} | ${usd(bill.cognitoEssentials)} |`,
    );
  }
  rows.push(`| **total** | | | | **${usd(bill.total)}** |`);
  return rows;
}

export function renderCostReport(census: Census, inputs: ModelInputs, source: ReportSource): string {
  const journeys = Object.entries(census.journeys).map(([id, j]) => ({
    id,
    title: j.title,
    latency: journeyLatency(id, j, inputs),
  }));
  const bills = scenarios().map((s) => scenarioBill(census, s, inputs));
  const mau = bills.find((b) => b.scenario.mau);
  const cpuMeasured = journeys.every((j) => j.latency.requests.every((r) => r.cpuMeasured));
  const out: string[] = [];
  out.push('# What a request costs in AWS');
  out.push('');
  out.push(
    source.fixture
      ? `> **Computed from \`${source.censusPath}\`, a fixture whose call counts were estimated by reading the handlers, not counted by the bench.** Recompute from the bench's census with \`npm run -s cost\` (reads \`bench/census.json\`).`
      : `> Computed from the census \`${source.censusPath}\` by \`npm run -s cost\`; recompute after every change to the census.`,
  );
  out.push('');
  out.push(
    `Region: ${REGION}. Prices checked ${PRICES_CHECKED} (list prices, no free tier but Cognito's, no savings plan). ` +
      `Handler CPU: ${cpuMeasured ? `measured (\`${source.measuredPath}\`)` : `${source.measuredPath ? `measured where \`${source.measuredPath}\` has it, else ` : ''}the default of ${DEFAULT_CPU_MS.ms} ms per invocation (${DEFAULT_CPU_MS.estimate})`}. ` +
      `Bundle sizes: ${source.bundleSource ?? `${DEFAULT_BUNDLE_KB} KB each (default)`}.`,
  );
  out.push('');
  out.push('## The bill');
  out.push('');
  out.push('| scenario | requests | fixed | Cognito Essentials | total | per unit |');
  out.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const bill of bills) {
    const per = bill.scenario.mau
      ? `${usd(bill.total / bill.scenario.mau)} per MAU (${usd((bill.requestCost + bill.fixedCost) / bill.scenario.mau)} without Cognito)`
      : `${usd(bill.requestCost / 1000)} per 1,000`;
    out.push(
      `| ${bill.scenario.title} | ${usd(bill.requestCost)} | ${bill.fixedCost ? usd(bill.fixedCost) : '—'} | ${bill.cognitoEssentials ? usd(bill.cognitoEssentials) : '—'} | **${usd(bill.total)}** | ${per} |`,
    );
  }
  if (mau?.scenario.mau) {
    const perMau = (mau.requestCost + mau.fixedCost) / mau.scenario.mau;
    out.push('');
    out.push(
      `**The anchor.** Cognito Plus, the plan with threat protection (compromised-credential checks, adaptive ` +
        `authentication) that a buyer would otherwise turn on, costs $${PRICES.cognitoPlusMau.usd} per MAU against ` +
        `$${PRICES.cognitoEssentialsMau.usd} for Essentials: ${usd(mau.cognitoPlus)} a month for ${mau.scenario.mau.toLocaleString('en-US')} users. ` +
        `Palisade's whole request path (login shield, risk model, duress check, signed rows, withdrawals and their ` +
        `workflow) costs ${usd(perMau)} per MAU with the behaviour below (${((perMau / PRICES.cognitoPlusMau.usd) * 100).toFixed(0)}% of the Plus price), ` +
        `on Cognito Essentials (${usd(mau.cognitoEssentials)}).`,
    );
  }
  for (const bill of bills) {
    out.push('');
    out.push(`### ${bill.scenario.title}`);
    out.push('');
    out.push(
      `Mix: ${Object.entries(bill.scenario.mix)
        .map(([id, n]) => {
          const name = resolveJourney(census, id) ?? id;
          return `${qty(n)} × \`${name}\`${name === id ? '' : ` (as ${id})`}`;
        })
        .join(', ')}.`,
    );
    for (const a of bill.scenario.assumptions) out.push(`- ${a}`);
    out.push('');
    out.push(...billTable(bill));
  }
  out.push('');
  out.push('### How quantities are counted');
  out.push('');
  out.push(
    [
      `- **Lambda requests**: one per function entry of a request in the census (API Gateway's invoke of the route, the authorizer, every synchronous invoke, every task state).`,
      `- **Lambda GB-seconds**: memory × billed time. A route or authorizer is billed for its critical path (below) and its CPU; each function it invokes synchronously is billed again for its own CPU and ${ASSUMPTIONS.nestedCalls} remote calls of the request's mean (the caller waits while it runs); a workflow's tasks run one after another, billed once. Plus the INIT phase, billed since 1 August 2025 (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/), on ${ASSUMPTIONS.coldShare * 100}% of invocations.`,
      `- **API Gateway, WAF**: one request per route (an authorizer or a workflow is not a gateway request); X-Ray records ${ASSUMPTIONS.xraySampled * 100}% of them (the default sampling rule).`,
      `- **DynamoDB**: GetItem and Query 1 RRU (strongly consistent, ≤ 4 KB), BatchGetItem ${ASSUMPTIONS.batchGetItems} RRU, PutItem/UpdateItem/DeleteItem 1 WRU (≤ 1 KB), TransactWriteItems ${ASSUMPTIONS.transactItems} items × 2 WRU. Rows over 1 KB and the audit table's two indexes cost more writes: a floor, not a ceiling. Storage, backups and point-in-time recovery are not in it.`,
      '- **KMS**: Sign, Verify and GetPublicKey on the ECC row-signing key at the asymmetric rate; everything else at the symmetric rate. The data-key cache of the vault keeps GenerateDataKey/Decrypt off the per-request path.',
      '- **SMS**: every sns:Publish is one SMS part to a US number. **SES**: one email per SendEmail.',
      `- **Logs**: ${ASSUMPTIONS.logKbPerInvocation} KB per invocation.`,
      `- **Fixed** (per-MAU scenario only): ${usd(fixedMonthlyCost())} a month.`,
      '- **Not in the bill**: DynamoDB storage and backups, S3 storage, CloudWatch custom metrics ($0.30 each a month: about a dozen security metrics) and alarms ($0.10 each), CloudTrail, data transfer out, the vault\u2019s data-key refreshes (one GenerateDataKey/Decrypt per container, key context and 5 minutes: a few dollars a month at this scale), and the free tiers of Lambda, KMS and Step Functions.',
    ].join('\n'),
  );
  out.push('');
  out.push('## Latency');
  out.push('');
  out.push(
    'Expected p50 in AWS: the critical path (its depth from the census × the mean p50 of the request\u2019s mix of calls, ' +
      'never more than all its calls in a row) + handler CPU (bench-machine ms × ' +
      `${PLATFORM.armVsBenchCore.ms} for arm64 ÷ the function's share of a vCPU, memory / ${PLATFORM.fullVcpuMb.ms} MB) + API Gateway ` +
      `(${PLATFORM.apiGatewayRest.ms} ms for a route) + its invoke of each function it starts, the authorizer and the route (${PLATFORM.gatewayToLambda.ms} ms each). ` +
      'Cold: the functions each request starts (authorizer and route, or a workflow\u2019s first task) start cold: sandbox + Node.js runtime + bundle import + a TLS connection per service; \u201call cold\u201d: every function they invoke and every later task too, the worst case. A journey adds up its requests. ' +
      'The public internet between the user and the region is not in it.',
  );
  out.push('');
  out.push('| journey | user waits, warm | cold | all cold | deepest critical path | async after (warm) |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const j of journeys) {
    out.push(
      `| ${cell(j.title)} (\`${j.id}\`) | ${ms(j.latency.userWarmMs)} ms | ${ms(j.latency.userColdMs)} ms | ${ms(j.latency.userAllColdMs)} ms | ${j.latency.maxCriticalPath} | ${j.latency.asyncWarmMs > 0 ? `${ms(j.latency.asyncWarmMs)} ms` : '—'} |`,
    );
  }
  const logins = journeys.filter((j) => j.id.startsWith('login'));
  if (logins.length > 0) {
    out.push('');
    out.push(
      `Goal (issue 18): a login's critical path at most ${LOGIN_CRITICAL_PATH_GOAL} sequential remote calls. ` +
        logins
          .map(
            (j) =>
              `\`${j.id}\`: ${j.latency.maxCriticalPath} ${j.latency.maxCriticalPath <= LOGIN_CRITICAL_PATH_GOAL ? '(met)' : '(not met)'}`,
          )
          .join('; ') +
        '.',
    );
  }
  out.push('');
  out.push(
    '| journey | request | functions | calls | critical path | chain ms | CPU ms | gateway/transitions ms | warm ms | cold ms |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const j of journeys) {
    census.journeys[j.id]?.requests.forEach((request, index) => {
      const r = j.latency.requests[index];
      if (!r) return;
      const calls = Object.values(request.calls).reduce((a, b) => a + b, 0);
      out.push(
        `| \`${j.id}\` | ${cell(request.request)} | ${request.functions.length} | ${calls} | ${request.criticalPath} | ${ms(r.chainMs)} | ${ms(r.cpuMs)}${r.cpuMeasured ? '' : '*'} | ${ms(r.platformMs)} | ${ms(r.warmMs)} | ${ms(r.coldMs)} |`,
      );
    });
  }
  out.push('');
  out.push(
    `\\* CPU not measured for every function: ${DEFAULT_CPU_MS.ms} ms per invocation stands in; ${Object.entries(
      KNOWN_CPU_MS,
    )
      .map(([id, f]) => `${id} ${f.ms} ms (${f.source})`)
      .join(
        '; ',
      )}. CPU is added up across a request\u2019s functions, though a function invoked beside a remote call overlaps it: an overestimate where that happens (the duress check beside the password check). A queued invocation (a login\u2019s email, and the vault it calls) runs after the answer: its CPU is billed, not added to what the user waits.`,
  );
  out.push('');
  out.push('### Lambda overhead by bundle size and memory');
  out.push('');
  out.push(
    `Cold: sandbox + Node.js runtime + the bundle's import + one TLS connection, at a full vCPU during INIT (the model) and, pessimistically, at the invocation's share of one. Warm: what ${DEFAULT_CPU_MS.ms} ms of bench-machine handler CPU takes in the function; the invoke itself adds ${PLATFORM.gatewayToLambda.ms} ms from API Gateway, ${CALL_P50['lambda:Invoke']?.ms} ms from another function.`,
  );
  out.push('');
  out.push('| bundle | memory | cold start (model) | cold start, INIT throttled | warm: 5 ms of CPU |');
  out.push('| ---: | ---: | ---: | ---: | ---: |');
  for (const c of coldStartTable()) {
    out.push(
      `| ${c.bundleKb} KB | ${c.memoryMb} MB | ${ms(c.coldMs)} ms | ${ms(c.throttledMs)} ms | ${ms(c.warmCpuMs)} ms |`,
    );
  }
  out.push('');
  out.push('### Per-call p50 figures');
  out.push('');
  out.push(
    'From a warm Lambda in the same region, SDK v3 with keep-alive. AWS publishes latency for almost none of these APIs: an estimate says so and why.',
  );
  out.push('');
  out.push('| call | p50 | source | kind |');
  out.push('| --- | ---: | --- | --- |');
  for (const [name, figure] of Object.entries(CALL_P50)) out.push(figureRow(`\`${name}\``, figure));
  out.push('');
  out.push('| platform | figure | source | kind |');
  out.push('| --- | ---: | --- | --- |');
  out.push(figureRow('API Gateway REST, its own share', PLATFORM.apiGatewayRest));
  out.push(figureRow('API Gateway → Lambda invoke', PLATFORM.gatewayToLambda));
  out.push(figureRow('Step Functions state transition', PLATFORM.stateTransition));
  out.push(figureRow('cold: sandbox', PLATFORM.sandbox));
  out.push(figureRow('cold: Node.js runtime init', PLATFORM.runtimeInit));
  out.push(figureRow('cold: TLS connection per service', PLATFORM.tlsConnection));
  out.push(figureRow('one vCPU at', PLATFORM.fullVcpuMb, 'MB'));
  out.push(figureRow('arm64 ÷ bench core', PLATFORM.armVsBenchCore, '×'));
  out.push(
    `| cold: bundle import | (${IMPORT_FIT.baseMs} + ${IMPORT_FIT.msPerKb} ms/KB) × ${PLATFORM.armVsBenchCore.ms} | docs/benchmarks.md (2026-12-04), a line through the measured init times | estimate: the INIT phase is assumed to run at a full vCPU (AWS documents no share for it; published cold starts do not grow as memory shrinks); at the invocation's share it would take 3.5× longer at 512 MB |`,
  );
  out.push('');
  out.push('## Prices');
  out.push('');
  out.push(`${REGION}, checked ${PRICES_CHECKED}.`);
  out.push('');
  out.push('| price | unit | source | note |');
  out.push('| ---: | --- | --- | --- |');
  for (const price of Object.values(PRICES)) {
    out.push(
      `| $${price.usd} per ${price.per.toLocaleString('en-US')} | ${cell(price.unit)} | ${price.source} | ${'note' in price ? cell(price.note) : ''} |`,
    );
  }
  out.push('');
  out.push('## Assumed behaviour (per monthly active user)');
  out.push('');
  out.push('| assumption | value |');
  out.push('| --- | ---: |');
  for (const [name, value] of Object.entries(BEHAVIOUR)) out.push(`| ${name} | ${value} |`);
  out.push('');
  return out.join('\n');
}
