// Where one local execution stands, kept from its event log and its waiting tasks, and saved to the journal
// at every change: the state to run next with its input, a Wait's wake-up time, a waiting task's token,
// deadline and answer. A restart resumes the execution from there (local/step-functions.ts).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Clock } from '../lambdas/kernel/ports/clock.js';
import type { Checkpoint, ExecutionRecord, TaskAnswer, WaitingTask } from './execution-journal.js';

type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type States = StateMachineDefinition['States'];

export class ExecutionTracker {
  private current: ExecutionRecord;
  /** A catcher matched in the state being run: the state leads there instead of to its Next. */
  private caughtNext: string | undefined;
  /** Resumed: the first state entered is the checkpoint's own, whose wake-up time and task are kept. */
  private resuming: boolean;
  private stopped = false;
  private lastSave: Promise<void> = Promise.resolve();

  constructor(
    record: ExecutionRecord,
    private readonly states: States,
    private readonly clock: Clock,
    private readonly save: (record: ExecutionRecord | null) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    options: { resuming: boolean },
  ) {
    this.current = record;
    this.resuming = options.resuming;
  }

  /** Saves the record as it is (a new execution is durable once this resolves). */
  saved(): Promise<void> {
    return this.write(this.current);
  }

  /**
   * Follows the execution's event log, until `detach` or `end`. (The library closes the log when an execution
   * is aborted, so the runtime freezes executions at a stop and aborts them only after `detach`.)
   */
  follow(events: AsyncGenerator<EventLog>): void {
    void (async () => {
      for await (const event of events) {
        if (this.stopped) return;
        this.apply(event);
      }
    })().catch(this.onError);
  }

  /** A `.waitForTaskToken` task of `state` issued `task.token` (called before its function runs). */
  async taskWaiting(state: string, task: WaitingTask): Promise<void> {
    // The event log is read on microtasks: after this turn it has recorded that `state` was entered.
    await nextTurn();
    const at = this.checkpoint();
    if (at?.state !== state) return;
    await this.move({ ...at, task });
  }

  /** The task's function ran: its token is stored where the answer will come from. */
  async taskInvoked(state: string, token: string): Promise<void> {
    const at = this.checkpoint();
    if (at?.state !== state || at.task?.token !== token) return;
    await this.move({ ...at, task: { ...at.task, invoked: true } });
  }

  /** SendTaskSuccess/SendTaskFailure for `token`: saved before the task hears it. */
  async answered(token: string, answer: TaskAnswer): Promise<void> {
    const at = this.checkpoint();
    if (!at?.task || at.task.token !== token) return;
    await this.move({ ...at, task: { ...at.task, answer } });
  }

  /** The execution ended: the record goes. */
  end(): Promise<void> {
    this.stopped = true;
    return this.write(null);
  }

  /** The runtime stopped: the record stays as last saved, to be resumed. */
  detach(): void {
    this.stopped = true;
  }

  private apply(event: EventLog): void {
    // Execution events, and the states inside a Map or Parallel (resumed with their parent), are not tracked.
    if (!('state' in event) || event.index !== undefined || 'parentState' in event) return;
    const name = event.state.name;
    const definition = this.states[name] as Record<string, unknown> | undefined;
    if (!definition) return;
    const now = this.clock.now();
    if (event.type === 'StateEntered') {
      this.caughtNext = undefined;
      const resumed = this.resuming;
      this.resuming = false;
      if (resumed && this.checkpoint()?.state === name) return;
      const wakeAt = definition.Type === 'Wait' ? wakeUp(definition, event.state.input, now) : undefined;
      void this.move({
        state: name,
        input: event.state.input,
        since: now.toISOString(),
        ...(wakeAt ? { wakeAt } : {}),
      });
    } else if (event.type === 'StateCaught') {
      this.caughtNext = event.catch.catcher.Next;
    } else if (event.type === 'StateExited') {
      // A Choice is run again on its input at resumption: it has no effect, and its Next is the library's choice.
      if (definition.Type === 'Choice') return;
      const next = this.caughtNext ?? (typeof definition.Next === 'string' ? definition.Next : undefined);
      this.caughtNext = undefined;
      void this.move(
        next
          ? { state: next, input: event.state.output, since: now.toISOString() }
          : { ended: true, output: event.state.output },
      );
    }
  }

  private checkpoint(): Checkpoint | undefined {
    return 'state' in this.current.at ? this.current.at : undefined;
  }

  private move(at: ExecutionRecord['at']): Promise<void> {
    if (this.stopped) return this.lastSave;
    this.current = { ...this.current, at };
    return this.write(this.current);
  }

  private write(record: ExecutionRecord | null): Promise<void> {
    const saving = this.save(record).catch(this.onError);
    this.lastSave = saving;
    return saving;
  }
}

/** When a Wait entered at `now` ends, if its definition tells (Seconds, Timestamp, or a plain `$.a.b` path). */
function wakeUp(state: Record<string, unknown>, rawInput: unknown, now: Date): string | undefined {
  const input = typeof state.InputPath === 'string' ? read(state.InputPath, rawInput) : rawInput;
  const seconds =
    typeof state.Seconds === 'number'
      ? state.Seconds
      : typeof state.SecondsPath === 'string'
        ? read(state.SecondsPath, input)
        : undefined;
  if (typeof seconds === 'number' && Number.isFinite(seconds)) {
    return new Date(now.getTime() + seconds * 1000).toISOString();
  }
  const timestamp =
    typeof state.Timestamp === 'string'
      ? state.Timestamp
      : typeof state.TimestampPath === 'string'
        ? read(state.TimestampPath, input)
        : undefined;
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** `$` or `$.a.b`: the paths our ASL files use for a Wait; anything else is left to the library (undefined). */
function read(path: string, value: unknown): unknown {
  if (path === '$') return value;
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) return undefined;
  let at: unknown = value;
  for (const key of path.slice(2).split('.')) {
    at =
      at && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at;
}
