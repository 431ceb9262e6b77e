// The operators' one-off functions under the template (F2): the roster backfill in AWS. An account whose
// roster row is missing (a customer from before screening) is enrolled by the deployed BackfillRoster function,
// invoked page by page as `npm run screening:backfill -- --aws` invokes it (the same driver), under its own
// environment and role (a Scan of the accounts table, the roster rows, the list bucket, the screening
// workflow's start), and the re-screen it starts runs; a second run enrols and starts nothing.
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackfillRequest } from '../../lambdas/screening/backfill.js';
import { driveBackfill, type Step } from '../../scripts/screening-backfill-driver.js';
import { person, signUp } from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';
import { loadUnList } from './harness/lists.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CloudHarness;
let raw: DynamoDBClient;
let accounts = '';

beforeAll(async () => {
  h = await CloudHarness.start({ variant: { name: 'journeys', context: { addressCoolingHours: 0 } } });
  raw = new DynamoDBClient({
    region: h.model.deployment.region,
    endpoint: h.dynamoUrl,
    credentials: { accessKeyId: 'harness', secretAccessKey: 'harness' },
  });
  const table = h.model.tables.find((t) => t.id === 'accounts');
  if (!table) throw new Error('no accounts table in the template');
  accounts = table.name;
}, 600_000);
afterAll(async () => {
  raw?.destroy();
  await h?.stop();
});

/** The roster rows as they are in the table (outside IAM). */
async function rosterRows(): Promise<{ pk: string; sk: string }[]> {
  const out = await raw.send(
    new ScanCommand({
      TableName: accounts,
      FilterExpression: 'begins_with(pk, :roster)',
      ExpressionAttributeValues: { ':roster': { S: 'SCREENROSTER#' } },
    }),
  );
  return (out.Items ?? []).map((item) => ({ pk: item.pk?.S ?? '', sk: item.sk?.S ?? '' }));
}

/** The deployed function, one invocation per step, as the operator script invokes it. */
const deployed: Step = async <T>(request: BackfillRequest) =>
  (await h.invokeFunction('BackfillRoster', request)) as T;

describe('I2 F2 the roster backfill in AWS (BackfillRoster under the template)', () => {
  it('I2 F2 an account with no roster row is enrolled by the deployed function page by page, and one re-screen starts and runs', async () => {
    await loadUnList(h);
    const users = [person('old'), person('older')];
    // SignUp's cold start on a loaded machine may outlast its 10 s: a sign-up cut short is tried again under a
    // fresh name (the counts below hold whatever a cut-short attempt left)
    for (const user of users) {
      let done = false;
      for (let attempt = 0; !done && attempt < 4; attempt++) {
        done = await signUp(h, attempt === 0 ? user : person(`${user.username.split('_')[0]}${attempt}`))
          .then(() => true)
          .catch(() => false);
      }
      expect(done).toBe(true);
    }
    await Promise.all(h.states.executions.map((e) => e.outcome));
    // as if they had signed up before screening existed: their roster rows are gone
    const before = await rosterRows();
    expect(before.length).toBeGreaterThanOrEqual(2);
    for (const row of before)
      await raw.send(
        new DeleteItemCommand({ TableName: accounts, Key: { pk: { S: row.pk }, sk: { S: row.sk } } }),
      );
    expect(await rosterRows()).toEqual([]);
    h.reset();

    const lines: string[] = [];
    // a small page, so the cursor is handed from one invocation to the next
    const summary = await driveBackfill(deployed, { limit: 3, log: (line) => lines.push(line) });
    // every account lost its roster row above (a warm-up sign-up cut short may have left an account only)
    expect(summary.enrolledNow).toBeGreaterThanOrEqual(before.length);
    expect(summary.accountsSeen).toBe(summary.enrolledNow);
    expect(summary.alreadyEnrolled).toBe(0);
    expect(summary.pages).toBeGreaterThan(1);
    expect(lines.filter((l) => l.startsWith('page '))).toHaveLength(summary.pages);
    expect(summary.rescreen).toMatch(/:rescreen-backfill-\d{14}$/);
    expect((await rosterRows()).map((r) => r.sk)).toEqual(expect.arrayContaining(before.map((r) => r.sk)));

    // the re-screen it started: the standard one, run by the template's state machine and tasks
    const rescreens = h.states.executions.filter((e) => e.workflow === 'screening');
    expect(rescreens.map((e) => e.executionArn)).toEqual([summary.rescreen]);
    expect(rescreens[0]?.input).toMatchObject({ trigger: 'rescreen', list: 'un-sc', backfill: true });
    expect((await rescreens[0]?.outcome)?.status).toBe('SUCCEEDED');
    h.assertClean();

    // what the role was asked for, and allowed: the Scan, the roster's get and put, the start
    const asked = h.calls
      .filter((c) => c.caller === 'BackfillRoster')
      .flatMap((c) => c.checks.map((k) => k.request.action));
    expect(asked).toEqual(
      expect.arrayContaining([
        'dynamodb:Scan',
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'kms:Sign',
        's3:GetObject',
        'states:StartExecution',
      ]),
    );
  });

  it('I2 F2 a second run finds everyone enrolled: nothing enrolled, no re-screen started', async () => {
    h.reset();
    const summary = await driveBackfill(deployed, { log: () => undefined });
    expect(summary).toMatchObject({ enrolledNow: 0, rescreen: null });
    expect(summary.alreadyEnrolled).toBe(summary.accountsSeen);
    expect(h.states.executions).toEqual([]);
    h.assertClean();
  });

  it('I2 F2 a forged cursor or an unknown step is refused by the payload contract, nothing read', async () => {
    h.reset();
    await expect(
      h.invokeFunction('BackfillRoster', { step: 'page', cursor: 'not a cursor!' }),
    ).rejects.toThrow(/Invalid workflow payload/);
    await expect(h.invokeFunction('BackfillRoster', { step: 'everything' })).rejects.toThrow();
    // base64url, but not a key of the listing: the listing refuses it
    const forged = Buffer.from('{"pk":1}').toString('base64url');
    await expect(h.invokeFunction('BackfillRoster', { step: 'page', cursor: forged })).rejects.toThrow(
      /cursor/i,
    );
    expect(h.calls.filter((c) => c.caller === 'BackfillRoster' && c.service === 'dynamodb')).toEqual([]);
  });
});
