// Unit tests of the local Step Functions runner and its task-token registry: SendTaskSuccess/SendTaskFailure
// semantics as in AWS (D2 approvals, C3 investigations wait on task tokens), on a throwaway ASL file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExecutionDoesNotExist,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowSpec } from '../../lambdas/catalogue.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import { LocalStepFunctions } from '../../local/step-functions.js';
import { TaskFailure, TaskTokenRegistry } from '../../local/task-tokens.js';

const APPROVAL = 'approval' as WorkflowName;
const fn = (id: string) => ({ id, entry: `lambdas/${id}.ts`, access: [] });
const spec: WorkflowSpec = {
  name: APPROVAL,
  file: 'approval.asl.json',
  tasks: { NotifyApproversFunctionArn: fn('NotifyApprovers'), ExecuteFunctionArn: fn('Execute') },
};

/** A `${Key}` definition substitution, as CDK's DefinitionBody.fromFile takes them. */
const substitution = (key: string) => `\${${key}}`;

const definition = {
  StartAt: 'WaitForApproval',
  States: {
    WaitForApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: substitution('NotifyApproversFunctionArn'),
        Payload: { 'taskToken.$': '$$.Task.Token', 'request.$': '$.request' },
      },
      ResultPath: '$.decision',
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'RecordTheRejection' }],
      Next: 'HoldForADay',
    },
    HoldForADay: { Type: 'Wait', Seconds: 86_400, Next: 'ExecuteTheAction' },
    ExecuteTheAction: {
      Type: 'Task',
      Resource: substitution('ExecuteFunctionArn'),
      ResultPath: '$.executed',
      End: true,
    },
    RecordTheRejection: { Type: 'Pass', Result: 'rejected', ResultPath: '$.outcome', End: true },
  },
};

let repoRoot: string;
beforeAll(async () => {
  repoRoot = await mkdtemp(join(tmpdir(), 'palisade-sfn-'));
  await writeFile(join(repoRoot, spec.file), JSON.stringify(definition));
});
afterAll(() => rm(repoRoot, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** A runner whose NotifyApprovers hands the task token to the test, as an approval request would. */
function runner() {
  const calls: { functionId: string; event: Record<string, unknown> }[] = [];
  let tokenArrived: (token: string) => void = () => undefined;
  const sfn = new LocalStepFunctions({
    workflows: [spec],
    repoRoot,
    region: 'eu-west-1',
    waitTimeMs: 0,
    invoke: async (functionId, event) => {
      calls.push({ functionId, event: event as Record<string, unknown> });
      if (functionId === 'NotifyApprovers') tokenArrived((event as { taskToken: string }).taskToken);
      return { done: functionId };
    },
  });
  const nextToken = () => new Promise<string>((resolve) => (tokenArrived = resolve));
  return { sfn, calls, nextToken };
}

describe('LocalStepFunctions', () => {
  it('D2 SendTaskSuccess resumes the waiting task with its output; Wait states are overridden', async () => {
    const { sfn, calls, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-1' }, 'req-1');
    expect(executionId).toBe('arn:aws:states:eu-west-1:000000000000:execution:approval:req-1');
    await sfn.sendTaskSuccess(await token, { approvedBy: ['a', 'b'] });
    expect(await sfn.waitFor(executionId)).toEqual({
      status: 'SUCCEEDED',
      output: { request: 'r-1', decision: { approvedBy: ['a', 'b'] }, executed: { done: 'Execute' } },
    });
    expect(calls.map((c) => c.functionId)).toEqual(['NotifyApprovers', 'Execute']);
    expect(calls[0]?.event).toEqual({ taskToken: await token, request: 'r-1' });
  });

  it('D2 a used or unknown token is refused as Step Functions refuses it', async () => {
    const { sfn, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-2' }, 'req-2');
    await expect(sfn.sendTaskSuccess('not-a-token', {})).rejects.toBeInstanceOf(InvalidToken);
    await expect(sfn.sendTaskSuccess(await token, undefined)).rejects.toBeInstanceOf(InvalidOutput);
    await sfn.sendTaskSuccess(await token, { ok: true });
    await expect(sfn.sendTaskSuccess(await token, { ok: true })).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(sfn.sendTaskFailure(await token, 'Rejected', 'late')).rejects.toBeInstanceOf(TaskTimedOut);
    expect((await sfn.waitFor(executionId)).status).toBe('SUCCEEDED');
  });

  it('D2 SendTaskFailure fails the task with its error and cause, which Catch matches by name', async () => {
    const { sfn, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-3' }, 'req-3');
    await sfn.sendTaskFailure(await token, 'Rejected', 'two approvers said no');
    expect(await sfn.waitFor(executionId)).toEqual({
      status: 'SUCCEEDED',
      output: {
        request: 'r-3',
        rejection: { Error: 'Rejected', Cause: 'two approvers said no' },
        outcome: 'rejected',
      },
    });
  });

  it('D2 an uncaught task failure fails the execution with that error and cause', async () => {
    const { sfn, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-4' }, 'req-4');
    await sfn.sendTaskFailure(await token, 'Expired', 'nobody approved in time');
    expect(await sfn.waitFor(executionId)).toEqual({
      status: 'FAILED',
      error: 'Expired',
      cause: 'nobody approved in time',
    });
  });

  it('D2 a task that waits past its TimeoutSeconds fails with States.Timeout and its token dies', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sfn, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-5' }, 'req-5');
    const late = await token;
    await vi.advanceTimersByTimeAsync(3600 * 1000);
    expect(await sfn.waitFor(executionId)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await expect(sfn.sendTaskSuccess(late, {})).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('the same execution name is not started twice; bad names and unknown executions are refused', async () => {
    const { sfn, calls, nextToken } = runner();
    const token = nextToken();
    const first = await sfn.start(APPROVAL, { request: 'r-6' }, 'req-6');
    const second = await sfn.start(APPROVAL, { request: 'other' }, 'req-6');
    expect(second.executionId).toBe(first.executionId);
    await sfn.sendTaskSuccess(await token, {});
    await sfn.waitFor(first.executionId);
    expect(calls.filter((c) => c.functionId === 'NotifyApprovers')).toHaveLength(1);
    await expect(sfn.start(APPROVAL, {}, 'has spaces')).rejects.toBeInstanceOf(InvalidName);
    await expect(sfn.waitFor('arn:nope')).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('stop() aborts executions still waiting for a token, whose token then dies', async () => {
    const { sfn, nextToken } = runner();
    const token = nextToken();
    const { executionId } = await sfn.start(APPROVAL, { request: 'r-7' }, 'req-7');
    const pending = await token;
    await sfn.stop();
    expect(await sfn.waitFor(executionId)).toEqual({ status: 'ABORTED' });
    await expect(sfn.sendTaskSuccess(pending, {})).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('refuses at start-up an ASL file with an unbound substitution', async () => {
    await writeFile(
      join(repoRoot, 'broken.asl.json'),
      JSON.stringify({ ...definition, Comment: substitution('Nope') }),
    );
    expect(
      () =>
        new LocalStepFunctions({
          workflows: [{ ...spec, file: 'broken.asl.json' }],
          repoRoot,
          region: 'eu-west-1',
          invoke: async () => ({}),
        }),
    ).toThrow(/\$\{Nope\}/);
  });
});

describe('TaskTokenRegistry', () => {
  it('keeps an answer that arrives before the task awaits it', async () => {
    const registry = new TaskTokenRegistry();
    const token = registry.issue('exec-1');
    registry.succeed(token, { early: true });
    await expect(registry.answerOf(token)).resolves.toEqual({ early: true });
  });

  it('turns SendTaskFailure into an error named after the error code', async () => {
    const registry = new TaskTokenRegistry();
    const token = registry.issue('exec-1');
    registry.fail(token, 'Rejected', 'no');
    const failure = await registry.answerOf(token).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect(failure).toMatchObject({ name: 'Rejected', message: 'no' });
  });

  it('closes the tokens of an execution that ended, and only those', () => {
    const registry = new TaskTokenRegistry();
    const mine = registry.issue('exec-1');
    const other = registry.issue('exec-2');
    registry.closeExecution('exec-1');
    expect(registry.isOpen('exec-1', mine)).toBe(false);
    expect(registry.isOpen('exec-2', other)).toBe(true);
    expect(registry.isOpen('exec-1', other)).toBe(false);
    expect(() => registry.succeed(mine, {})).toThrow(TaskTimedOut);
    expect(() => registry.succeed('x'.repeat(2000), {})).toThrow(InvalidToken);
  });

  it('refuses an output that is not JSON or exceeds 256 KiB, leaving the token usable', () => {
    const registry = new TaskTokenRegistry();
    const token = registry.issue('exec-1');
    expect(() => registry.succeed(token, 'x'.repeat(256 * 1024))).toThrow(InvalidOutput);
    expect(() => registry.succeed(token, { ok: true })).not.toThrow();
  });
});
