// F2: the AWS side of the roster backfill that needs no deployment: the payload contract of BackfillRoster,
// the operator script's Lambda step (a function error is a failure, not an answer), the driver's page loop
// with the cursor handed back, and the roster's keys under the partition prefix its grant names.
import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { SCREENING_ROSTER_PARTITION_PREFIX } from '../../lambdas/kernel/tables.js';
import { type BackfillRequest, backfillRequest } from '../../lambdas/screening/backfill.js';
import { ScreeningStore } from '../../lambdas/screening/screening-store.js';
import { awsStep, driveBackfill, type Step } from '../../scripts/screening-backfill-driver.js';

describe('F2 the roster backfill in AWS (contract, script, driver)', () => {
  it('F2 the payload: a page with an opaque base64url cursor and a bounded limit, or the re-screen; nothing else', () => {
    const ok = (v: unknown) => z.safeParse(backfillRequest, v).success;
    expect(ok({ step: 'page' })).toBe(true);
    expect(ok({ step: 'page', cursor: Buffer.from('{"pk":"x","sk":"ACCOUNT"}').toString('base64url') })).toBe(
      true,
    );
    expect(ok({ step: 'page', limit: 1000 })).toBe(true);
    expect(ok({ step: 'rescreen' })).toBe(true);
    expect(ok({ step: 'page', cursor: 'not base64url!' })).toBe(false);
    expect(ok({ step: 'page', cursor: 'a'.repeat(2049) })).toBe(false);
    expect(ok({ step: 'page', cursor: '' })).toBe(false);
    expect(ok({ step: 'page', limit: 0 })).toBe(false);
    expect(ok({ step: 'page', limit: 1001 })).toBe(false);
    expect(ok({ step: 'everything' })).toBe(false);
    expect(ok(undefined)).toBe(false);
  });

  it('F2 the script invokes the function synchronously with the step as payload; a function error fails the run', async () => {
    const sent: InvokeCommand[] = [];
    const answer = (payload: unknown, functionError?: string) => ({
      send: async (command: InvokeCommand) => {
        sent.push(command);
        return {
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
          ...(functionError ? { FunctionError: functionError } : {}),
        };
      },
    });
    const page = await awsStep(answer({ seen: 1 }) as never, 'fn-name')({ step: 'page' });
    expect(page).toEqual({ seen: 1 });
    expect(sent[0]?.input).toMatchObject({ FunctionName: 'fn-name', InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(sent[0]?.input.Payload as Uint8Array))).toEqual({
      step: 'page',
    });
    await expect(
      awsStep(
        answer({ errorMessage: 'Invalid workflow payload' }, 'Unhandled') as never,
        'fn-name',
      )({
        step: 'rescreen',
      }),
    ).rejects.toThrow(/fn-name failed \(Unhandled\): .*Invalid workflow payload/);
  });

  it('F2 the driver hands each page its cursor back, sums the pages and starts the re-screen once', async () => {
    const asked: BackfillRequest[] = [];
    const pages = [
      { seen: 2, alreadyEnrolled: 1, enrolledNow: 1, next: 'c1' },
      { seen: 0, alreadyEnrolled: 0, enrolledNow: 0, next: 'c2' },
      { seen: 1, alreadyEnrolled: 0, enrolledNow: 1 },
    ];
    const step: Step = async <T>(request: BackfillRequest) => {
      asked.push(request);
      if (request.step === 'rescreen')
        return {
          started: true,
          rescreen: 'arn:…:rescreen-backfill-20261205000000',
          lists: ['un-sc@v1'],
        } as T;
      return pages.shift() as T;
    };
    const lines: string[] = [];
    const summary = await driveBackfill(step, { limit: 2, log: (l) => lines.push(l) });
    expect(asked).toEqual([
      { step: 'page', limit: 2 },
      { step: 'page', cursor: 'c1', limit: 2 },
      { step: 'page', cursor: 'c2', limit: 2 },
      { step: 'rescreen' },
    ]);
    expect(summary).toMatchObject({
      accountsSeen: 3,
      alreadyEnrolled: 1,
      enrolledNow: 2,
      pages: 3,
      rescreen: 'arn:…:rescreen-backfill-20261205000000',
    });
    expect(lines).toHaveLength(4);
  });

  it("F2 the roster's rows are under the partition prefix the backfill's grant names (SCREENROSTER#)", async () => {
    const keys: string[] = [];
    const table = {
      get: async (key: { pk: string }) => {
        keys.push(key.pk);
        return undefined;
      },
      create: async (row: { pk: string }) => {
        keys.push(row.pk);
        return row;
      },
    };
    // the roster's facts are sealed (E2): a stand-in cipher, the keys are what this test reads
    const vault = {
      encrypt: async () => 'sealed',
      decrypt: async () => ({ name: 'someone' }),
    };
    const store = new ScreeningStore(table as never, { pending: () => undefined } as never, vault as never);
    await store.enrolled('u_1');
    await store.enrol({ userId: 'u_2', name: 'someone' });
    expect(keys).toHaveLength(3);
    for (const pk of keys) expect(pk.startsWith(SCREENING_ROSTER_PARTITION_PREFIX)).toBe(true);
  });
});
