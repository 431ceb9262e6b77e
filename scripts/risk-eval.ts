// G1: evaluates the login-risk model on generated data (scripts/risk/generate.ts), several seeds: ROC, AUC and
// the share of attacks caught at 1 %, 5 % and 10 % of legitimate logins stepped up, per attack class, against
// today's fixed rules (a new /24 or /64 → emailed code; a new device → link) on the same data; and the
// false-positive rate the configured bands imply. Prints Markdown; writes docs/login-risk-roc.svg and .png.
// `npm run -s risk:eval -- [--seeds 1,2,3,4,5] [--users 2000] [--write FILE.jsonl-prefix] [--no-png]`
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureLoginRiskSpeed, toParsed } from '../bench/login-risk.js';
import { RISK_MODEL, type RiskModelConfig } from '../lambdas/auth/risk/config.js';
import { parseSource } from '../lambdas/kernel/shield/bot-shield.js';
import { type AttackClass, type GeneratedLogin, generate } from './risk/generate.js';
import { scoreBatch } from './risk/records.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5' },
    users: { type: 'string', default: '2000' },
    write: { type: 'string' },
    'no-png': { type: 'boolean' },
  },
});
const seeds = (values.seeds ?? '1').split(',').map(Number);
const CLASSES: AttackClass[] = ['stuffing', 'vpn', 'targeted'];
const FPRS = [0.01, 0.05, 0.1];

const FREEMAN: RiskModelConfig = {
  ...RISK_MODEL,
  weights: {
    ip: 1,
    network: 1,
    asn: 1,
    country: 1,
    ua: 1,
    browser: 1,
    os: 1,
    device: 1,
    hour: 1,
    velocity: 0,
    travel: 0,
    newDevice: 0,
  },
  rhoMin: 0,
  coldStartLogins: 0,
};
const VARIANTS: [string, RiskModelConfig][] = [
  ['production', RISK_MODEL],
  ['Freeman (equal weights, no population term)', FREEMAN],
];

/** AUC by Mann–Whitney, ties half. */
function auc(neg: number[], pos: number[]): number {
  const all = [...neg.map((s) => [s, 0] as const), ...pos.map((s) => [s, 1] as const)].sort(
    (a, b) => a[0] - b[0],
  );
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i + 1;
    while (j < all.length && all[j]?.[0] === all[i]?.[0]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.[1] === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}
/** The lowest threshold at which at most `fpr` of legitimate logins score at or above it. */
function thresholdAt(negSorted: number[], fpr: number): number {
  const k = Math.floor(fpr * negSorted.length);
  // negSorted descending; scores ≥ t stepped up; t just above the (k+1)-th highest.
  const t = negSorted[k] ?? Number.NEGATIVE_INFINITY;
  return t + 1e-9;
}
const share = (xs: number[], t: number) => xs.filter((x) => x >= t).length / xs.length;
function roc(neg: number[], pos: number[]): [number, number][] {
  const ts = [...new Set([...neg, ...pos])].sort((a, b) => b - a);
  const ns = [...neg].sort((a, b) => b - a);
  const ps = [...pos].sort((a, b) => b - a);
  const out: [number, number][] = [[0, 0]];
  let i = 0;
  let j = 0;
  for (const t of ts) {
    while (i < ns.length && (ns[i] as number) >= t) i++;
    while (j < ps.length && (ps[j] as number) >= t) j++;
    out.push([i / ns.length, j / ps.length]);
  }
  return out;
}

interface SeedResult {
  seed: number;
  counts: Record<string, number>;
  variant: Record<string, Record<AttackClass, { auc: number; at: number[]; atRule: number }>>;
  coldAuc: Record<AttackClass, number>;
  rules: {
    net: { fpr: number; tpr: Record<AttackClass, number> };
    both: { fpr: number; tpr: Record<AttackClass, number> };
  };
  thresholds: number[];
  bands: {
    stepUpFpr: number;
    blockFpr: number;
    stepUp: Record<AttackClass, number>;
    block: Record<AttackClass, number>;
  };
  curves?: Record<AttackClass, [number, number][]>;
  ms: number;
}

function evaluate(seed: number): SeedResult {
  const set = generate({ seed, users: Number(values.users) });
  if (values.write) {
    const line = (g: GeneratedLogin) =>
      JSON.stringify({
        id: g.id,
        userId: g.userId,
        time: g.time,
        ip: g.ip,
        country: g.country,
        asn: g.asn,
        userAgent: g.userAgent,
      });
    writeFileSync(`${values.write}-${seed}-history.jsonl`, `${set.history.map(line).join('\n')}\n`);
    writeFileSync(`${values.write}-${seed}-attempts.jsonl`, `${set.attempts.map(line).join('\n')}\n`);
    writeFileSync(
      `${values.write}-${seed}-labels.jsonl`,
      `${set.attempts.map((g) => JSON.stringify({ id: g.id, label: g.label })).join('\n')}\n`,
    );
  }
  const history = set.history.map(toParsed);
  const attempts = set.attempts.map(toParsed);
  const labels = set.attempts.map((a) => a.label);

  // Today's fixed rules on the same data.
  const nets = new Map<string, Set<string>>();
  const devices = new Map<string, Set<string>>();
  for (const h of set.history) {
    if (!nets.has(h.userId)) nets.set(h.userId, new Set());
    if (!devices.has(h.userId)) devices.set(h.userId, new Set());
    nets.get(h.userId)?.add(parseSource(h.ip).network);
    devices.get(h.userId)?.add(h.deviceId);
  }
  const newNet = set.attempts.map((a) => !nets.get(a.userId)?.has(parseSource(a.ip).network));
  const newDev = set.attempts.map((a) => !devices.get(a.userId)?.has(a.deviceId));
  const ruleRate = (flags: boolean[], label: string) => {
    const idx = labels.map((l, i) => (l === label ? i : -1)).filter((i) => i >= 0);
    return idx.filter((i) => flags[i]).length / idx.length;
  };
  const both = newNet.map((n, i) => n || (newDev[i] as boolean));
  const rules = {
    net: {
      fpr: ruleRate(newNet, 'legit'),
      tpr: Object.fromEntries(CLASSES.map((c) => [c, ruleRate(newNet, c)])) as Record<AttackClass, number>,
    },
    both: {
      fpr: ruleRate(both, 'legit'),
      tpr: Object.fromEntries(CLASSES.map((c) => [c, ruleRate(both, c)])) as Record<AttackClass, number>,
    },
  };

  const result: SeedResult = {
    seed,
    counts: {
      history: history.length,
      legit: labels.filter((l) => l === 'legit').length,
      ...Object.fromEntries(CLASSES.map((c) => [c, labels.filter((l) => l === c).length])),
    },
    variant: {},
    coldAuc: {} as Record<AttackClass, number>,
    rules,
    thresholds: [],
    bands: {
      stepUpFpr: 0,
      blockFpr: 0,
      stepUp: {} as Record<AttackClass, number>,
      block: {} as Record<AttackClass, number>,
    },
    ms: 0,
  };
  for (const [name, config] of VARIANTS) {
    const t0 = performance.now();
    const scored = scoreBatch(history, attempts, config);
    if (name === 'production') result.ms = (performance.now() - t0) / attempts.length;
    const neg = scored.filter((_, i) => labels[i] === 'legit').map((s) => s.score);
    const negSorted = [...neg].sort((a, b) => b - a);
    result.variant[name] = {} as Record<AttackClass, { auc: number; at: number[]; atRule: number }>;
    for (const c of CLASSES) {
      const pos = scored.filter((_, i) => labels[i] === c).map((s) => s.score);
      (result.variant[name] as Record<AttackClass, unknown>)[c] = {
        auc: auc(neg, pos),
        at: FPRS.map((f) => share(pos, thresholdAt(negSorted, f))),
        atRule: share(pos, thresholdAt(negSorted, rules.both.fpr)),
      };
      if (name === 'production') {
        result.bands.stepUp[c] = share(pos, config.bands.stepUp);
        result.bands.block[c] = share(pos, config.bands.block);
        const coldNeg = scored
          .filter((s, i) => labels[i] === 'legit' && s.historySize < 3)
          .map((s) => s.score);
        const coldPos = scored.filter((s, i) => labels[i] === c && s.historySize < 3).map((s) => s.score);
        result.coldAuc[c] = coldNeg.length && coldPos.length ? auc(coldNeg, coldPos) : Number.NaN;
        result.curves ??= {} as Record<AttackClass, [number, number][]>;
        result.curves[c] = roc(neg, pos);
      }
    }
    if (name === 'production') {
      result.thresholds = [0.001, ...FPRS].map((f) => thresholdAt(negSorted, f));
      result.bands.stepUpFpr = share(neg, config.bands.stepUp);
      result.bands.blockFpr = share(neg, config.bands.block);
    }
  }
  return result;
}

const results = seeds.map(evaluate);

const { riskUs, ecdsaUs } = measureLoginRiskSpeed(seeds[0] ?? 1);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const spread = (xs: number[], f: (x: number) => string) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.length > 1 ? `${f(mean)} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : f(mean);
};
const a3 = (x: number) => x.toFixed(3);

const out: string[] = [];
out.push(
  `Seeds ${seeds.join(', ')}; per seed ${Number(values.users)} users, 120 days (90 history, 30 attempts).`,
);
const c0 = results[0]?.counts ?? {};
out.push(
  `Per seed (first): ${c0.history} history logins, ${c0.legit} legitimate attempts, ${CLASSES.map((c) => `${c0[c]} ${c}`).join(', ')}.`,
);
out.push('Figures: mean over seeds (min–max).', '');
for (const [name] of VARIANTS) {
  out.push(
    `**${name}**`,
    '',
    "| attack class | AUC | caught at 1 % FPR | at 5 % | at 10 % | at the fixed rules' FPR |",
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const c of CLASSES) {
    const v = results.map((r) => r.variant[name]?.[c] as { auc: number; at: number[]; atRule: number });
    out.push(
      `| ${c} | ${spread(
        v.map((x) => x.auc),
        a3,
      )} | ${FPRS.map((_, i) =>
        spread(
          v.map((x) => x.at[i] as number),
          pct,
        ),
      ).join(' | ')} | ${spread(
        v.map((x) => x.atRule),
        pct,
      )} |`,
    );
  }
  out.push('');
}
out.push(
  '**Cold start** (attempts whose user has fewer than 3 logins in the history), production model AUC: ',
);
out.push(
  CLASSES.map(
    (c) =>
      `${c} ${spread(
        results.map((r) => r.coldAuc[c]).filter((x) => !Number.isNaN(x)),
        a3,
      )}`,
  ).join('; '),
  '',
);
out.push(
  '**Fixed rules of today** (binary, one operating point each):',
  '',
  '| rule | legitimate logins stepped up (FPR) | stuffing caught | vpn | targeted |',
  '| --- | --- | --- | --- | --- |',
);
for (const [label, key] of [
  ['new /24 or /64 → emailed code', 'net'],
  ["new network or new device (today's login)", 'both'],
] as const) {
  out.push(
    `| ${label} | ${spread(
      results.map((r) => r.rules[key].fpr),
      pct,
    )} | ${CLASSES.map((c) =>
      spread(
        results.map((r) => r.rules[key].tpr[c]),
        pct,
      ),
    ).join(' | ')} |`,
  );
}
out.push(
  '',
  `**Configured bands** (step up from ${RISK_MODEL.bands.stepUp}, block from ${RISK_MODEL.bands.block}):`,
  '',
  '| band | legitimate logins affected | stuffing | vpn | targeted |',
  '| --- | --- | --- | --- | --- |',
);
out.push(
  `| step up or block (score ≥ ${RISK_MODEL.bands.stepUp}) | ${spread(
    results.map((r) => r.bands.stepUpFpr),
    pct,
  )} | ${CLASSES.map((c) =>
    spread(
      results.map((r) => r.bands.stepUp[c]),
      pct,
    ),
  ).join(' | ')} |`,
);
out.push(
  `| block (score ≥ ${RISK_MODEL.bands.block}) | ${spread(
    results.map((r) => r.bands.blockFpr),
    pct,
  )} | ${CLASSES.map((c) =>
    spread(
      results.map((r) => r.bands.block[c]),
      pct,
    ),
  ).join(' | ')} |`,
);
out.push(
  '',
  `Score at which 0.1 %, 1 %, 5 %, 10 % of legitimate logins are stepped up: ${[0, 1, 2, 3]
    .map((i) =>
      spread(
        results.map((r) => r.thresholds[i] as number),
        (x) => x.toFixed(2),
      ),
    )
    .join('; ')}.`,
);
out.push(
  '',
  `Batch scoring: ${spread(
    results.map((r) => r.ms * 1000),
    (x) => x.toFixed(0),
  )} µs per attempt (wall clock, including profile building).`,
);
out.push(
  '',
  `CPU per login (profile from the bounded history + score, one core): ${riskUs.toFixed(0)} µs; one ECDSA P-256 verify: ${ecdsaUs.toFixed(0)} µs; ratio ${(riskUs / ecdsaUs).toFixed(2)}.`,
);
process.stdout.write(`${out.join('\n')}\n`);

// ROC curves of the first seed, production model, with the fixed rules as points.
const first = results[0] as SeedResult;
const colours: Record<AttackClass, string> = { stuffing: '#1b9e77', vpn: '#d95f02', targeted: '#7570b3' };
function panel(x0: number, maxFpr: number, title: string): string {
  const W = 420;
  const H = 420;
  const px = (f: number) => x0 + 50 + (Math.min(f, maxFpr) / maxFpr) * (W - 70);
  const py = (t: number) => 30 + (1 - t) * (H - 80);
  const parts = [`<text x="${x0 + 50}" y="20" font-size="14" font-family="sans-serif">${title}</text>`];
  parts.push(
    `<rect x="${px(0)}" y="${py(1)}" width="${px(maxFpr) - px(0)}" height="${py(0) - py(1)}" fill="none" stroke="#999"/>`,
  );
  for (let k = 0; k <= 5; k++) {
    const f = (k / 5) * maxFpr;
    parts.push(
      `<text x="${px(f)}" y="${py(0) + 16}" font-size="11" text-anchor="middle" font-family="sans-serif">${(f * 100).toFixed(0)}%</text>`,
    );
    parts.push(
      `<text x="${px(0) - 6}" y="${py(k / 5) + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${(k * 20).toFixed(0)}%</text>`,
    );
  }
  parts.push(
    `<text x="${px(maxFpr / 2)}" y="${py(0) + 34}" font-size="12" text-anchor="middle" font-family="sans-serif">legitimate logins stepped up (FPR)</text>`,
  );
  for (const c of CLASSES) {
    // Thinned to steps of 0.1 % of the panel, so the picture stays small.
    let lastKept: [number, number] = [-1, -1];
    const pts = (first.curves?.[c] ?? []).filter(([f, t]) => {
      if (f > maxFpr * 1.0001) return false;
      if (Math.abs(f - lastKept[0]) < maxFpr / 1000 && Math.abs(t - lastKept[1]) < 0.001) return false;
      lastKept = [f, t];
      return true;
    });
    const last = (first.curves?.[c] ?? []).find(([f]) => f > maxFpr);
    if (last) pts.push([maxFpr, last[1]]);
    parts.push(
      `<polyline fill="none" stroke="${colours[c]}" stroke-width="2" points="${pts.map(([f, t]) => `${px(f).toFixed(1)},${py(t).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [key, shape] of [
      ['net', 'circle'],
      ['both', 'rect'],
    ] as const) {
      const f = first.rules[key].fpr;
      if (f > maxFpr) continue;
      const x = px(f);
      const y = py(first.rules[key].tpr[c]);
      parts.push(
        shape === 'circle'
          ? `<circle cx="${x}" cy="${y}" r="5" fill="${colours[c]}"/>`
          : `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="${colours[c]}"/>`,
      );
    }
  }
  return parts.join('\n');
}
const legend = CLASSES.map(
  (c, i) =>
    `<rect x="${60 + i * 150}" y="445" width="14" height="4" fill="${colours[c]}"/><text x="${80 + i * 150}" y="451" font-size="12" font-family="sans-serif">${c} (AUC ${a3(first.variant.production?.[c]?.auc ?? 0)})</text>`,
).join('\n');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="500" viewBox="0 0 860 500"><title>ROC curves of the login-risk model against the fixed rules</title><rect width="860" height="500" fill="white"/>
${panel(0, 1, `ROC, production model, seed ${first.seed}`)}
${panel(430, 0.2, 'the same, FPR up to 20 %')}
${legend}
<text x="60" y="475" font-size="11" font-family="sans-serif">● new /24 or /64 rule   ■ new network or new device rule (today's login); lines: the model</text>
</svg>`;
writeFileSync('docs/login-risk-roc.svg', svg);
if (!values['no-png']) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const page = await browser.newPage({ viewport: { width: 860, height: 500 } });
  await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
  await page.screenshot({ path: 'docs/login-risk-roc.png', clip: { x: 0, y: 0, width: 860, height: 500 } });
  await browser.close();
}
void ({} as RiskModelConfig);
