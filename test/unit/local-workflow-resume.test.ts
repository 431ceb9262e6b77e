// Unit tests of the local runner's executions across a restart (local/execution-journal.ts,
// local/execution-tracker.ts): a second runner on the same journal resumes each execution at its checkpoint —
// a task on its kept token until its deadline, a Wait until its wake-up time on the clock — never runs a
// finished task again, and sets aside what it cannot resume. On a throwaway ASL file; time is injected.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskTimedOut } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowSpec } from '../../lambdas/catalogue.js';
import { type Clock, ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import { ExecutionJournal, type ExecutionRecord } from '../../local/execution-journal.js';
import { LocalStepFunctions } from '../../local/step-functions.js';

const APPROVAL = 'approval' as WorkflowName;
const HOUR = 3_600_000;
const fn = (id: string) => ({ id, entry: `lambdas/${id}.ts`, access: [] });
const spec: WorkflowSpec = {
  name: APPROVAL,
  file: 'approval.asl.json',
  tasks: { NotifyApproversFunctionArn: fn('NotifyApprovers'), ExecuteFunctionArn: fn('Execute') },
};
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
      Next: 'IsItApproved',
    },
    IsItApproved: {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.ok', BooleanEquals: true, Next: 'HoldForADay' }],
      Default: 'Refused',
    },
    HoldForADay: { Type: 'Wait', Seconds: 86_400, Next: 'ExecuteTheAction' },
    ExecuteTheAction: {
      Type: 'Task',
      Resource: substitution('ExecuteFunctionArn'),
      ResultPath: '$.executed',
      End: true,
    },
    Refused: { Type: 'Fail', Error: 'Refused', Cause: 'not approved' },
  },
};

let dir: string;
let journalDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-sfn-resume-'));
  journalDir = join(dir, 'executions');
  await writeFile(join(dir, spec.file), JSON.stringify(definition));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Runner {
  sfn: LocalStepFunctions;
  calls: string[];
  tokens: string[];
  logs: string[];
  /** Execute's answer: by default at once; `hold()` keeps it running until `release()`. */
  hold(): { running: Promise<void>; release: () => void };
}

/** A runtime on the journal: `stop` then `close`, as local/ports.ts stops it (running tasks finish between). */
function runner(clock: Clock, options: { waitTimeMs?: number } = {}): Runner {
  const calls: string[] = [];
  const tokens: string[] = [];
  const logs: string[] = [];
  let held: { started: () => void; done: Promise<void> } | undefined;
  const sfn = new LocalStepFunctions({
    workflows: [spec],
    repoRoot: dir,
    region: 'eu-west-1',
    clock,
    journal: new ExecutionJournal(journalDir),
    log: (line) => logs.push(line),
    ...(options.waitTimeMs !== undefined ? { waitTimeMs: options.waitTimeMs } : {}),
    invoke: async (functionId, event) => {
      calls.push(functionId);
      if (functionId === 'NotifyApprovers') tokens.push((event as { taskToken: string }).taskToken);
      if (functionId === 'Execute' && held) {
        held.started();
        await held.done;
      }
      return { done: functionId };
    },
  });
  return {
    sfn,
    calls,
    tokens,
    logs,
    hold() {
      let started!: () => void;
      let release!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      held = { started, done: new Promise<void>((resolve) => (release = resolve)) };
      return { running, release };
    },
  };
}

const restart = async (before: Runner, clock: Clock, options?: { waitTimeMs?: number }) => {
  await before.sfn.stop();
  await before.sfn.close();
  const after = runner(clock, options);
  await after.sfn.resume();
  return after;
};

/** Polls for work the runner does on its own (a task run, a checkpoint written): never a wait for a clock. */
const until = async <T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> => {
  for (let i = 0; i < 250; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never happened');
};

const recordOf = async (name: string): Promise<ExecutionRecord | undefined> =>
  JSON.parse(await readFile(join(journalDir, `approval.${name}.json`), 'utf8').catch(() => 'null')) ??
  undefined;
const stateOf = async (name: string) => {
  const at = (await recordOf(name))?.at;
  return at && 'state' in at ? at : undefined;
};
const files = async () => (await readdir(journalDir).catch(() => [])).filter((f) => f.endsWith('.json'));
const executionId = (name: string) => `arn:aws:states:eu-west-1:000000000000:execution:approval:${name}`;

describe('local executions across a restart', () => {
  it('D2 a task waiting for its token survives a restart: the kept token answers it, its function is not run again', async () => {
    const clock = new ManualClock();
    const first = runner(clock, { waitTimeMs: 0 });
    await first.sfn.start(APPROVAL, { request: 'r-1' }, 'req-1');
    const token = await until(() => first.tokens[0]);
    await until(async () => ((await stateOf('req-1'))?.task?.invoked ? true : undefined));
    expect((await stateOf('req-1'))?.task).toEqual({
      token,
      deadline: new Date(clock.now().getTime() + HOUR).toISOString(),
      invoked: true,
    });

    const second = await restart(first, clock, { waitTimeMs: 0 });
    expect(second.logs.join('\n')).toMatch(
      /Resumed 1 .*req-1 at WaitForApproval \(waiting for its task token until/s,
    );
    expect(second.logs.join('\n')).not.toContain(token);
    await second.sfn.sendTaskSuccess(token, { ok: true });
    expect(await second.sfn.waitFor(executionId('req-1'))).toEqual({
      status: 'SUCCEEDED',
      output: { request: 'r-1', decision: { ok: true }, executed: { done: 'Execute' } },
    });
    expect(second.calls).toEqual(['Execute']);
    expect(await files()).toEqual([]);
    await expect(second.sfn.sendTaskSuccess(token, { ok: true })).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('D2 an answer that arrives while the runtime stops is not lost: the next start goes on from it', async () => {
    const clock = new ManualClock();
    const first = runner(clock, { waitTimeMs: 0 });
    await first.sfn.start(APPROVAL, { request: 'r-2' }, 'req-2');
    const token = await until(() => first.tokens[0]);
    await until(async () => ((await stateOf('req-2'))?.task?.invoked ? true : undefined));
    await first.sfn.stop();
    // A request still being served during the stop answers the token (the runtime drains before it closes).
    await first.sfn.sendTaskSuccess(token, { ok: true });
    // The execution goes on until the next task, which does not start: it is resumed there.
    await until(async () => ((await stateOf('req-2'))?.state === 'ExecuteTheAction' ? true : undefined));
    await first.sfn.close();
    await expect(first.sfn.sendTaskSuccess(token, { ok: true })).rejects.toBeInstanceOf(TaskTimedOut);

    const second = runner(clock, { waitTimeMs: 0 });
    await second.sfn.resume();
    expect(await second.sfn.waitFor(executionId('req-2'))).toMatchObject({
      status: 'SUCCEEDED',
      output: { decision: { ok: true }, executed: { done: 'Execute' } },
    });
    expect(second.calls).toEqual(['Execute']);
  });

  it('D2 an answer recorded just before the process died is replayed to the resumed task', async () => {
    const clock = new ManualClock();
    const now = clock.now().toISOString();
    const record: ExecutionRecord = {
      workflow: APPROVAL,
      name: 'req-3',
      executionId: executionId('req-3'),
      input: { request: 'r-3' },
      startedAt: now,
      at: {
        state: 'WaitForApproval',
        input: { request: 'r-3' },
        since: now,
        task: { token: 'local-task-token-kept', invoked: true, answer: { output: { ok: false } } },
      },
    };
    await mkdir(journalDir, { recursive: true });
    await writeFile(join(journalDir, 'approval.req-3.json'), JSON.stringify(record));
    const resumed = runner(clock, { waitTimeMs: 0 });
    await resumed.sfn.resume();
    expect(await resumed.sfn.waitFor(executionId('req-3'))).toEqual({
      status: 'FAILED',
      error: 'Refused',
      cause: 'not approved',
    });
    expect(resumed.calls).toEqual([]);
    expect(resumed.logs.join('\n')).toMatch(/req-3 at WaitForApproval \(answered before the stop\)/);
    expect(await files()).toEqual([]);
  });

  it('D2 a task whose deadline passed while the runtime was down times out at once; its token is refused', async () => {
    const clock = new ManualClock();
    const first = runner(clock, { waitTimeMs: 0 });
    await first.sfn.start(APPROVAL, { request: 'r-4' }, 'req-4');
    const token = await until(() => first.tokens[0]);
    await until(async () => ((await stateOf('req-4'))?.task?.invoked ? true : undefined));
    await first.sfn.stop();
    await first.sfn.close();
    clock.advance(HOUR + 1);
    const second = runner(clock, { waitTimeMs: 0 });
    await second.sfn.resume();
    expect(await second.sfn.waitFor(executionId('req-4'))).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
    await expect(second.sfn.sendTaskSuccess(token, { ok: true })).rejects.toBeInstanceOf(TaskTimedOut);
    expect(second.calls).toEqual([]);
  });

  it('B2 a Wait resumes with what is left of it on the clock, not its whole time again', async () => {
    const clock = new ManualClock();
    // No Wait override: HoldForADay waits its 86 400 s.
    const first = runner(clock);
    await first.sfn.start(APPROVAL, { request: 'r-5' }, 'req-5');
    const token = await until(() => first.tokens[0]);
    await first.sfn.sendTaskSuccess(token, { ok: true });
    const waiting = await until(async () => {
      const at = await stateOf('req-5');
      return at?.state === 'HoldForADay' && at.wakeAt ? at : undefined;
    });
    expect(Date.parse(waiting.wakeAt as string)).toBe(clock.now().getTime() + 86_400_000);
    await first.sfn.stop();
    await first.sfn.close();
    expect((await stateOf('req-5'))?.state).toBe('HoldForADay');

    clock.advance(86_400_000);
    const second = runner(clock);
    await second.sfn.resume();
    expect(second.logs.join('\n')).toContain(`req-5 at HoldForADay (waiting until ${waiting.wakeAt})`);
    expect(await second.sfn.waitFor(executionId('req-5'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(second.calls).toEqual(['Execute']);
  });

  it('E4 a task running when the stop comes finishes, and so does its execution; nothing runs again at the next start', async () => {
    const clock = new ManualClock();
    const first = runner(clock, { waitTimeMs: 0 });
    const { running, release } = first.hold();
    await first.sfn.start(APPROVAL, { request: 'r-6' }, 'req-6');
    await first.sfn.sendTaskSuccess(await until(() => first.tokens[0]), { ok: true });
    await running;
    await first.sfn.stop();
    release();
    expect(await first.sfn.waitFor(executionId('req-6'))).toMatchObject({ status: 'SUCCEEDED' });
    await first.sfn.close();
    expect(await files()).toEqual([]);

    const second = runner(clock, { waitTimeMs: 0 });
    await second.sfn.resume();
    expect(second.calls).toEqual([]);
    expect(second.logs).toEqual([]);
  });

  it('E4 what cannot be resumed is logged and set aside; a checkpoint the ASL file lost restarts the execution', async () => {
    const clock = new ManualClock();
    const now = clock.now().toISOString();
    const base = { input: { request: 'r-7' }, startedAt: now };
    await mkdir(journalDir, { recursive: true });
    await writeFile(join(journalDir, 'approval.broken.json'), '{ not json');
    await writeFile(
      join(journalDir, 'gone.req-8.json'),
      JSON.stringify({
        ...base,
        workflow: 'gone',
        name: 'req-8',
        executionId: 'arn:gone',
        at: { state: 'X', input: {}, since: now },
      }),
    );
    await writeFile(
      join(journalDir, 'approval.req-7.json'),
      JSON.stringify({
        ...base,
        workflow: APPROVAL,
        name: 'req-7',
        executionId: executionId('req-7'),
        at: { state: 'RenamedSince', input: {}, since: now },
      }),
    );
    // Its last state had run, but the process died before the file went.
    await writeFile(
      join(journalDir, 'approval.req-9.json'),
      JSON.stringify({
        ...base,
        workflow: APPROVAL,
        name: 'req-9',
        executionId: executionId('req-9'),
        at: { ended: true, output: { executed: true } },
      }),
    );
    const resumed = runner(clock, { waitTimeMs: 0 });
    await resumed.sfn.resume();
    const log = resumed.logs.join('\n');
    expect(log).toContain('req-9 had ended');
    expect(log).toMatch(/approval\.broken\.json cannot be resumed: not JSON/);
    expect(log).toMatch(/arn:gone cannot be resumed: no workflow gone in the catalogue/);
    expect(log).toMatch(/req-7 stood at RenamedSince, which approval's ASL file no longer has: restarted/);
    const aside = await readdir(join(journalDir, 'unresumable'));
    expect(aside).toHaveLength(2);
    expect(aside).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/approval\.broken\.json$/),
        expect.stringMatching(/gone\.req-8\.json$/),
      ]),
    );
    // Restarted from its first state with its own input: it asks for approval again.
    const token = await until(() => resumed.tokens[0]);
    await resumed.sfn.sendTaskSuccess(token, { ok: true });
    expect(await resumed.sfn.waitFor(executionId('req-7'))).toMatchObject({
      status: 'SUCCEEDED',
      output: { request: 'r-7' },
    });
    expect(await files()).toEqual([]);
  });
});
