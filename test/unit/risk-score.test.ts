// G1: the evaluation command `npm run -s risk:score -- --history H.jsonl --attempts A.jsonl` on a generated set
// (scripts/risk/generate.ts), on data it was not built for (unknown users, missing country and ASN, the RBA
// data set's own time format), and on bad input.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/risk/generate.js';
import { parseLogins, timeOf } from '../../scripts/risk/records.js';

const dir = mkdtempSync(join(tmpdir(), 'risk-score-'));
const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const run = (history: string, attempts: string) =>
  spawnSync('npx', ['tsx', 'scripts/risk-score.ts', '--history', history, '--attempts', attempts], {
    encoding: 'utf8',
  });

describe('G1 risk:score', () => {
  it('G1 scores a generated set: one line per attempt in order, attacks above legitimate logins', () => {
    const set = generate({ seed: 7, users: 80, attacksPerClass: 30 });
    const cols = ({ id, userId, time, ip, country, asn, userAgent }: (typeof set.history)[number]) => ({
      id,
      userId,
      time,
      ip,
      country,
      asn,
      userAgent,
    });
    const h = join(dir, 'h.jsonl');
    const a = join(dir, 'a.jsonl');
    writeFileSync(h, jsonl(set.history.map(cols)));
    writeFileSync(a, jsonl(set.attempts.map(cols)));
    const out = execFileSync('npm', ['run', '-s', 'risk:score', '--', '--history', h, '--attempts', a], {
      encoding: 'utf8',
    });
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; score: number });
    expect(lines.map((l) => l.id)).toEqual(set.attempts.map((x) => x.id));
    for (const l of lines) expect(Object.keys(l)).toEqual(['id', 'score']);
    const label = new Map(set.attempts.map((x) => [x.id, x.label]));
    const mean = (pred: (l: string | undefined) => boolean) => {
      const xs = lines.filter((l) => pred(label.get(l.id))).map((l) => l.score);
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    const legit = mean((l) => l === 'legit');
    expect(mean((l) => l === 'stuffing')).toBeGreaterThan(legit + 4);
    expect(mean((l) => l === 'vpn')).toBeGreaterThan(legit + 2);
    expect(mean((l) => l === 'targeted')).toBeGreaterThan(legit);
  }, 120_000);

  it('G1 unknown users get the population model; missing country, ASN, IP or User-Agent are tolerated', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    const history = Array.from({ length: 20 }, (_, i) => ({
      id: `h${i}`,
      userId: i % 2 ? 'alice' : 7,
      time: `2026-02-${String(1 + i).padStart(2, '0')}T09:00:00Z`,
      ip: `192.0.2.${i}`,
      country: 'DE',
      asn: 'AS3320',
      userAgent: ua,
    }));
    const attempts = [
      {
        id: 'a1',
        userId: 'nobody',
        time: '2026-03-01T09:00:00Z',
        ip: '192.0.2.1',
        country: 'DE',
        asn: 3320,
        userAgent: ua,
      },
      {
        id: 'a2',
        userId: 'nobody',
        time: '2026-03-01T09:00:00Z',
        ip: '203.0.113.9',
        country: 'BR',
        asn: 'AS28573',
        userAgent: ua,
      },
      {
        id: 'a3',
        userId: 'alice',
        time: '2026-03-01 09:00:00.123',
        ip: '192.0.2.3',
        country: null,
        asn: null,
      },
      { id: 4, userId: 'alice', time: Date.parse('2026-03-01T10:00:00Z'), ip: null, country: '-', asn: '' },
    ];
    const h = join(dir, 'h2.jsonl');
    const a = join(dir, 'a2.jsonl');
    writeFileSync(h, jsonl(history));
    writeFileSync(a, jsonl(attempts));
    const r = run(h, a);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [familiar, foreign, partial, empty] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(foreign.score).toBeGreaterThan(familiar.score);
    expect(Number.isFinite(partial.score)).toBe(true);
    // Only the hour of day is left to score: an hour near alice's usual one.
    expect(empty.id).toBe('4');
    expect(empty.score).toBeLessThan(0);
  });

  it('G1 a bad line exits 2 naming the file, the line and the field; nothing is printed', () => {
    const h = join(dir, 'h3.jsonl');
    const a = join(dir, 'a3.jsonl');
    writeFileSync(h, jsonl([{ id: 'h1', userId: 'u', time: '2026-01-01T00:00:00Z', ip: '192.0.2.1' }]));
    writeFileSync(
      a,
      `${JSON.stringify({ id: 'a1', userId: 'u', time: '2026-01-02T00:00:00Z' })}\n{"id":"a2","userId":"u","time":"yesterday"}\n`,
    );
    const r = run(h, a);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${a}:2: time`);
    writeFileSync(a, '{"id":"a1","time":"2026-01-02T00:00:00Z"}\n');
    expect(run(h, a).stderr).toContain(`${a}:1: userId`);
    writeFileSync(a, 'not json\n');
    expect(run(h, a).stderr).toContain(`${a}:1: not JSON`);
    const missing = spawnSync('npx', ['tsx', 'scripts/risk-score.ts', '--history', h], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('usage');
    const absent = run(h, join(dir, 'absent.jsonl'));
    expect(absent.status).toBe(2);
    expect(absent.stderr).toContain('no such file');
  });

  it('G1 times: ISO 8601 with or without zone (UTC), the RBA form with a space, epoch milliseconds', () => {
    expect(timeOf('2026-03-01T09:00:00Z')).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(timeOf('2026-03-01T10:00:00+01:00')).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(timeOf('2026-03-01 09:00:00.500')).toBe(Date.parse('2026-03-01T09:00:00.500Z'));
    expect(timeOf('2026-03-01T09:00')).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(timeOf(1_772_355_600_000)).toBe(1_772_355_600_000);
    expect(timeOf('soon')).toBeUndefined();
    expect(parseLogins('\n\n', 'x')).toEqual([]);
  });
});
