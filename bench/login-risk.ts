// G1 login-risk scoring speed (`npm run bench`; the evaluation `npm run -s risk:eval` prints the same figure).
// CPU per login as production spends it: the user's bounded history turned into a profile and the attempt
// scored, the population already in memory; as a ratio to one ECDSA P-256 verify in the same run, one core.
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { featuresOf } from '../lambdas/auth/risk/features.js';
import { boundHistory, Population, scoreLogin, UserProfile } from '../lambdas/auth/risk/model.js';
import { localGeoTable } from '../local/adapters/geo-ip.js';
import { type GeneratedLogin, generate } from '../scripts/risk/generate.js';
import type { ParsedLogin } from '../scripts/risk/records.js';

export const toParsed = (g: GeneratedLogin): ParsedLogin => ({ ...g, at: Date.parse(g.time) });

export interface LoginRiskSpeed {
  readonly attempts: number;
  /** CPU microseconds per scored login. */
  readonly riskUs: number;
  /** CPU microseconds per ECDSA P-256 verify, the same run. */
  readonly ecdsaUs: number;
  /** Of riskUs: CPU microseconds of the geo lookup (country and ASN of the attempt's IP). */
  readonly geoUs: number;
}

/** CPU time per call of `f`, over `n` calls made by it. */
function cpuPer(f: () => void, n: number): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

export function measureLoginRiskSpeed(seed = 1, users = 500): LoginRiskSpeed {
  const set = generate({ seed, users });
  const population = new Population();
  // The geo table as the Lambdas read it (built from the npm packages if missing; its load is not timed).
  const geo = localGeoTable();
  const byUser = new Map<string, ParsedLogin[]>();
  for (const h of set.history.map(toParsed)) {
    population.add(featuresOf(h));
    const own = byUser.get(h.userId);
    if (own) own.push(h);
    else byUser.set(h.userId, [h]);
  }
  const attempts = set.attempts.map(toParsed).slice(0, 3000);
  let placed = 0;
  const geoUs = cpuPer(() => {
    for (const a of attempts)
      if (geo.countryOf(a.ip ?? '') === 'XX' || geo.asnOf(a.ip ?? '') === '0') placed++;
  }, attempts.length);
  const riskUs = cpuPer(() => {
    for (const a of attempts) {
      // As the login does: country and ASN from the geo table, then the model. The generated addresses are
      // not real ones, so the score uses the generated country and ASN; the lookup is made for its cost.
      if (geo.countryOf(a.ip ?? '') === 'XX' || geo.asnOf(a.ip ?? '') === '0') placed++;
      const profile = new UserProfile(boundHistory(byUser.get(a.userId) ?? [], a.at).map(featuresOf));
      scoreLogin(featuresOf(a), profile, population.at(a.at));
    }
  }, attempts.length);
  if (placed < 0) throw new Error('unreachable');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signature = createSign('SHA256').update('login').sign(privateKey);
  const verifies = 2000;
  const ecdsaUs = cpuPer(() => {
    for (let i = 0; i < verifies; i++) createVerify('SHA256').update('login').verify(publicKey, signature);
  }, verifies);
  return { attempts: attempts.length, riskUs, ecdsaUs, geoUs };
}

export function loginRiskSection(speed: LoginRiskSpeed): { text: string; markdown: string } {
  const ratio = (speed.riskUs / speed.ecdsaUs).toFixed(2);
  const line = `${speed.attempts} generated attempts: ${speed.riskUs.toFixed(0)} µs of CPU per scored login (of which ${speed.geoUs.toFixed(1)} µs the geo lookup of country and ASN), one ECDSA P-256 verify ${speed.ecdsaUs.toFixed(0)} µs (ratio ${ratio}).`;
  return {
    text: `G1 login-risk scoring: ${line}`,
    markdown: [
      '## G1 login-risk scoring',
      '',
      'CPU per login as production spends it (country and ASN from the geo table, the bounded history turned',
      'into a profile, the attempt scored against the decayed population in memory), one core, as a ratio to',
      'one ECDSA P-256 verify in the same run.',
      'Goal: under 1 ms per login. The model and its evaluation: [login-risk.md](login-risk.md).',
      '',
      line,
      '',
    ].join('\n'),
  };
}
