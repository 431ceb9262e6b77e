// F2: `npm run screening:backfill [-- --page N]` enrols in the screening roster every account that is not in it
// (customers who signed up before screening existed, or whose enrolment never happened), with the facts
// sign-up enrols, then starts one re-screen of the roster against the list versions in force. It drives the
// running local backend (`npm start`: it owns the state folder's tables and workflows) through its local
// route, page by page: progress to stderr, a JSON summary to stdout. A second run enrols nothing.
// lambdas/screening/backfill.ts holds the logic; docs/screening.md says how it runs in AWS.
import { parseArgs } from 'node:util';
import type { BackfillPage, BackfillRescreen } from '../lambdas/screening/backfill.js';
import { localConfig } from '../local/config.js';
import { urlOf } from '../local/listen.js';
import { SCREENING_BACKFILL_PATH } from '../local/local-routes.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from '../local/local-token.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { page: { type: 'string' } } });
  const limit = values.page === undefined ? undefined : Number(values.page);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    process.stderr.write('usage: npm run screening:backfill [-- --page 1..1000]\n');
    return 2;
  }
  const config = localConfig();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const token = (await readLocalToken(config.stateDir)) ?? '';
  const call = async <T>(body: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${urlOf(host, config.port)}${SCREENING_BACKFILL_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LOCAL_TOKEN_HEADER]: token },
        body: JSON.stringify(body),
      });
    } catch {
      throw new Error(`No backend listens on port ${config.port}: start it with npm start`);
    }
    const answer = (await response.json().catch(() => undefined)) as T | undefined;
    if (!response.ok || answer === undefined)
      throw new Error(`The backend refused the backfill: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  const started = Date.now();
  const totals = { accountsSeen: 0, alreadyEnrolled: 0, enrolledNow: 0, pages: 0 };
  let cursor: string | undefined;
  do {
    const page = await call<BackfillPage>({
      step: 'page',
      ...(cursor ? { cursor } : {}),
      ...(limit ? { limit } : {}),
    });
    totals.pages += 1;
    totals.accountsSeen += page.seen;
    totals.alreadyEnrolled += page.alreadyEnrolled;
    totals.enrolledNow += page.enrolledNow;
    process.stderr.write(
      `page ${totals.pages}: ${page.seen} account(s), ${page.enrolledNow} enrolled now ` +
        `(so far ${totals.accountsSeen} seen, ${totals.alreadyEnrolled} already enrolled, ${totals.enrolledNow} enrolled)\n`,
    );
    cursor = page.next;
  } while (cursor !== undefined);

  let rescreen: BackfillRescreen | undefined;
  if (totals.enrolledNow === 0) process.stderr.write('nobody was missing from the roster: no re-screen\n');
  else {
    rescreen = await call<BackfillRescreen>({ step: 'rescreen' });
    process.stderr.write(
      rescreen.started
        ? `re-screen started: ${rescreen.rescreen} against ${rescreen.lists.join(', ')}\n`
        : 'no list version in force: enrolled only; the first list load re-screens the roster\n',
    );
  }
  const summary = {
    ...totals,
    rescreen: rescreen?.started ? rescreen.rescreen : null,
    ...(rescreen && !rescreen.started ? { rescreenSkipped: rescreen.reason } : {}),
    ms: Date.now() - started,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
