// F2: `npm run screening:backfill [-- --page N]` enrols in the screening roster every account that is not in it
// (customers who signed up before screening existed, or whose enrolment never happened), with the facts
// sign-up enrols, then starts one re-screen of the roster against the list versions in force. Locally it drives
// the running backend (`npm start`: it owns the state folder's tables and workflows) through its local route;
// with `--aws --function-name <BackfillRoster's name>` (the stack output ScreeningBackfillFunctionName) it
// invokes the deployed operator function with the operator's AWS credentials (lambda:InvokeFunction on it),
// page by page, handing back the cursor. Either way: progress to stderr, the same JSON summary to stdout. A
// second run enrols nothing. lambdas/screening/backfill.ts holds the logic.
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { BackfillRequest } from '../lambdas/screening/backfill.js';
import { localConfig } from '../local/config.js';
import { urlOf } from '../local/listen.js';
import { SCREENING_BACKFILL_PATH } from '../local/local-routes.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from '../local/local-token.js';
import { awsStep, driveBackfill, type Step } from './screening-backfill-driver.js';

const USAGE =
  'usage: npm run screening:backfill [-- --page 1..1000]\n' +
  '       npm run screening:backfill -- --aws --function-name NAME [--region REGION] [--page 1..1000]\n' +
  '       (NAME: the stack output ScreeningBackfillFunctionName)\n';

/** The local backend's route, behind the per-start local token. */
async function localStep(): Promise<Step> {
  const config = localConfig();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const token = (await readLocalToken(config.stateDir)) ?? '';
  return async <T>(body: BackfillRequest): Promise<T> => {
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
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      page: { type: 'string' },
      aws: { type: 'boolean' },
      'function-name': { type: 'string' },
      region: { type: 'string' },
    },
  });
  const limit = values.page === undefined ? undefined : Number(values.page);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const functionName = values['function-name'];
  if (values.aws && !functionName) {
    process.stderr.write(USAGE);
    return 2;
  }
  const call: Step =
    values.aws && functionName
      ? awsStep(new LambdaClient(values.region ? { region: values.region } : {}), functionName)
      : await localStep();

  const summary = await driveBackfill(call, { limit, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
