// G1: `npm run -s risk:score -- --history H.jsonl --attempts A.jsonl [--reasons]`: scores each attempt of A
// against the successful logins of H with the production model (lambdas/auth/risk/) and prints one JSON line
// per attempt, {"id":…,"score":…}, higher = riskier, in the order of A. Bad input exits 2 with the file, line
// and field on stderr. Both files may also be given as "-" for standard input (one of them).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BadLine, type ParsedLogin, parseLogin, scoreBatch } from './risk/records.js';

/** Reads a JSONL file line by line (no size limit of one string), validating each line. */
async function readLogins(file: string): Promise<ParsedLogin[]> {
  const out: ParsedLogin[] = [];
  const lines = createInterface({
    input: file === '-' ? process.stdin : createReadStream(file),
    crlfDelay: Infinity,
  });
  let n = 0;
  for await (const line of lines) {
    const login = parseLogin(line, file, ++n);
    if (login) out.push(login);
  }
  return out;
}

async function main(): Promise<number> {
  let values: { history?: string; attempts?: string; reasons?: boolean };
  try {
    ({ values } = parseArgs({
      options: { history: { type: 'string' }, attempts: { type: 'string' }, reasons: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`risk:score: ${(err as Error).message}\n`);
    return 2;
  }
  if (!values.history || !values.attempts) {
    process.stderr.write(
      'usage: npm run -s risk:score -- --history H.jsonl --attempts A.jsonl [--reasons]\n',
    );
    return 2;
  }
  try {
    const history = await readLogins(values.history);
    const attempts = await readLogins(values.attempts);
    const out: string[] = [];
    for (const r of scoreBatch(history, attempts)) {
      const score = Math.round(r.score * 1e4) / 1e4;
      out.push(
        JSON.stringify(
          values.reasons
            ? {
                id: r.id,
                score,
                reasons: r.reasons.map((c) => ({
                  feature: c.feature,
                  value: Math.round(c.value * 100) / 100,
                })),
              }
            : { id: r.id, score },
        ),
      );
    }
    process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
    return 0;
  } catch (err) {
    if (err instanceof BadLine || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`risk:score: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main();
