// The local workflows' executions in the state folder (`executions/`): one JSON file per execution that has not
// ended, holding where it stands (its checkpoint), so the next start of the local runtime resumes it. Step
// Functions keeps its executions itself; aws-local-stepfunctions keeps them in memory only.
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { JsonFile } from './adapters/json-file.js';

/** Step Functions' rule for execution names (also what keeps a journal file name a plain name). */
export const EXECUTION_NAME = /^[0-9A-Za-z_-]{1,80}$/;
const WORKFLOW = /^[a-z][a-z0-9-]{0,79}$/;

const answer = z.union([
  z.object({ output: z.unknown() }),
  z.object({ error: z.string(), cause: z.string() }),
]);

/** A `.waitForTaskToken` task of the checkpoint's state: its token is kept, so the answer still finds it. */
const waitingTask = z.object({
  token: z.string().check(z.minLength(1)),
  /** When the task times out, on the runtime's clock (none: it waits until answered). */
  deadline: z.optional(z.iso.datetime()),
  /** The task's function has run: the token is stored where its answer comes from; it is not run again. */
  invoked: z.boolean(),
  /** The answer, recorded before the task is told: an answer given just before a stop is not lost. */
  answer: z.optional(answer),
});

const atState = z.object({
  /** The next state to run: entered and not left, or the one a left state leads to. */
  state: z.string().check(z.minLength(1)),
  /** That state's input. */
  input: z.unknown(),
  since: z.iso.datetime(),
  /** A Wait state entered: when it ends, on the runtime's clock, when its definition tells. */
  wakeAt: z.optional(z.iso.datetime()),
  task: z.optional(waitingTask),
});

/** The last state left and ended the execution (a stop came before the execution was told). */
const atEnd = z.object({ ended: z.literal(true), output: z.unknown() });

export const executionRecord = z.object({
  workflow: z.string().check(z.regex(WORKFLOW)),
  name: z.string().check(z.regex(EXECUTION_NAME)),
  executionId: z.string().check(z.minLength(1)),
  /** The execution's own input (a checkpoint whose state left the ASL file restarts from it). */
  input: z.unknown(),
  startedAt: z.iso.datetime(),
  at: z.union([atState, atEnd]),
});

export type ExecutionRecord = z.infer<typeof executionRecord>;
export type Checkpoint = z.infer<typeof atState>;
export type WaitingTask = z.infer<typeof waitingTask>;
export type TaskAnswer = z.infer<typeof answer>;

export interface StoredExecution {
  path: string;
  record: ExecutionRecord;
}

export interface UnreadableExecution {
  path: string;
  reason: string;
}

/** Set aside here, never resumed and never deleted: what the start-up log names. */
const ASIDE = 'unresumable';

export class ExecutionJournal {
  private readonly files = new Map<string, RecordFile>();
  private closed = false;

  constructor(readonly dir: string) {}

  static inStateFolder(stateDir: string): ExecutionJournal {
    return new ExecutionJournal(join(stateDir, 'executions'));
  }

  /** Every execution the folder holds: those to resume, and the files that cannot be read as one. */
  async load(): Promise<{ stored: StoredExecution[]; unreadable: UnreadableExecution[] }> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const stored: StoredExecution[] = [];
    const unreadable: UnreadableExecution[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(this.dir, name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path, 'utf8'));
      } catch (err) {
        unreadable.push({ path, reason: `not JSON (${(err as Error).message})` });
        continue;
      }
      const result = z.safeParse(executionRecord, parsed);
      if (!result.success) {
        const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        unreadable.push({ path, reason: `not an execution record (${detail})` });
      } else if (this.pathOf(result.data) !== path) {
        unreadable.push({ path, reason: 'its name does not match its workflow and execution name' });
      } else stored.push({ path, record: result.data });
    }
    return { stored, unreadable };
  }

  /** Writes the record (coalesced: a newer record of the same execution replaces one not yet written). */
  save(record: ExecutionRecord): Promise<void> {
    return this.fileOf(record).set(record);
  }

  /** The execution ended: its file goes, after any write still queued. */
  remove(record: Pick<ExecutionRecord, 'workflow' | 'name'>): Promise<void> {
    return this.fileOf(record).set(null);
  }

  /** Moves a file that cannot be resumed to `executions/unresumable/`, where a developer can read it. */
  async setAside(path: string): Promise<string> {
    const aside = join(this.dir, ASIDE);
    await mkdir(aside, { recursive: true, mode: 0o700 });
    const to = join(aside, `${Date.now()}-${path.slice(this.dir.length + 1)}`);
    await rename(path, to);
    return to;
  }

  /** Waits for every queued write; later saves are dropped (the runtime has stopped). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.files.values()].map((file) => file.settled()));
  }

  private pathOf(record: Pick<ExecutionRecord, 'workflow' | 'name'>): string {
    return join(this.dir, `${record.workflow}.${record.name}.json`);
  }

  private fileOf(record: Pick<ExecutionRecord, 'workflow' | 'name'>): RecordFile {
    const path = this.pathOf(record);
    let file = this.files.get(path);
    if (!file) {
      file = new RecordFile(path, () => this.closed);
      this.files.set(path, file);
    }
    return file;
  }
}

/** One execution's file: one write at a time, and only the newest value waiting (states change fast). */
class RecordFile {
  private readonly file: JsonFile<ExecutionRecord>;
  private tail: Promise<void> = Promise.resolve();
  /** The write queued behind the running one, not started yet: a newer value simply replaces `next`. */
  private queued: Promise<void> | undefined;
  private next: ExecutionRecord | null = null;

  constructor(
    private readonly path: string,
    private readonly closed: () => boolean,
  ) {
    this.file = new JsonFile(path);
  }

  /** A record to write, or null to delete the file. */
  set(value: ExecutionRecord | null): Promise<void> {
    if (this.closed()) return Promise.resolve();
    this.next = value;
    if (!this.queued) {
      const write = this.tail.then(() => {
        this.queued = undefined;
        const value = this.next;
        return value === null ? rm(this.path, { force: true }) : this.file.write(value);
      });
      this.queued = write;
      this.tail = write.catch(() => undefined);
    }
    return this.queued;
  }

  settled(): Promise<void> {
    return this.tail;
  }
}
