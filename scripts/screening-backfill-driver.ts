// F2: the operator's side of the roster backfill, whatever runs the steps (the local backend's route, the
// deployed BackfillRoster function): page after page with the cursor handed back, progress lines, then the
// re-screen once if someone was enrolled, and the JSON summary `npm run screening:backfill` prints.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { BackfillPage, BackfillRequest, BackfillRescreen } from '../lambdas/screening/backfill.js';

/** One step of the backfill, answered by whoever runs it. */
export type Step = <T>(request: BackfillRequest) => Promise<T>;

export interface BackfillRunSummary {
  readonly accountsSeen: number;
  readonly alreadyEnrolled: number;
  readonly enrolledNow: number;
  readonly pages: number;
  /** The re-screen's execution id, or null (nobody enrolled now, or no list version in force). */
  readonly rescreen: string | null;
  readonly rescreenSkipped?: 'no-list-version';
  readonly ms: number;
}

/** The deployed BackfillRoster function, one synchronous invocation per step. */
export function awsStep(client: Pick<LambdaClient, 'send'>, functionName: string): Step {
  return async <T>(body: BackfillRequest): Promise<T> => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(body)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) throw new Error(`${functionName} failed (${out.FunctionError}): ${text}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${functionName} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  };
}

/** Every page, then the re-screen once if someone was enrolled now; `log` gets one line per page. */
export async function driveBackfill(
  call: Step,
  options: { limit?: number | undefined; log: (line: string) => void },
): Promise<BackfillRunSummary> {
  const { limit, log } = options;
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
    log(
      `page ${totals.pages}: ${page.seen} account(s), ${page.enrolledNow} enrolled now ` +
        `(so far ${totals.accountsSeen} seen, ${totals.alreadyEnrolled} already enrolled, ${totals.enrolledNow} enrolled)`,
    );
    cursor = page.next;
  } while (cursor !== undefined);

  let rescreen: BackfillRescreen | undefined;
  if (totals.enrolledNow === 0) log('nobody was missing from the roster: no re-screen');
  else {
    rescreen = await call<BackfillRescreen>({ step: 'rescreen' });
    log(
      rescreen.started
        ? `re-screen started: ${rescreen.rescreen} against ${rescreen.lists.join(', ')}`
        : 'no list version in force: enrolled only; the first list load re-screens the roster',
    );
  }
  const summary = {
    ...totals,
    rescreen: rescreen?.started ? rescreen.rescreen : null,
    ...(rescreen && !rescreen.started ? { rescreenSkipped: rescreen.reason } : {}),
    ms: Date.now() - started,
  };
  return summary;
}
