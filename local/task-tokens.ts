// Task tokens of the local Step Functions runner, answered with the semantics of SendTaskSuccess and
// SendTaskFailure: the same SDK exception classes, so code that handles them works against both runtimes.
import { randomBytes } from 'node:crypto';
import { InvalidOutput, InvalidToken, TaskTimedOut } from '@aws-sdk/client-sfn';

/** The error a task fails with after SendTaskFailure; Retry and Catch match its `name`, as in AWS. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

interface Entry {
  executionId: string;
  open: boolean;
  answer: Promise<unknown>;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

const MAX_TOKEN_LENGTH = 1024;
/** Step Functions caps a task's output at 256 KiB. */
const MAX_OUTPUT_BYTES = 256 * 1024;
const metadata = { $metadata: {} };

export class TaskTokenRegistry {
  private readonly entries = new Map<string, Entry>();

  /** A new token for a task of this execution (what `$$.Task.Token` yields). */
  issue(executionId: string): string {
    const token = `local-task-token-${randomBytes(48).toString('base64url')}`;
    let resolve!: Entry['resolve'];
    let reject!: Entry['reject'];
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The answer may arrive before anyone awaits it; that is not an unhandled rejection.
    promise.catch(() => undefined);
    this.entries.set(token, { executionId, open: true, answer: promise, resolve, reject });
    return token;
  }

  /** True when `value` is a token of this execution that has not been answered or closed. */
  isOpen(executionId: string, value: string): boolean {
    const entry = this.entries.get(value);
    return entry?.open === true && entry.executionId === executionId;
  }

  /** The task's answer: SendTaskSuccess's output, or a TaskFailure from SendTaskFailure. */
  answerOf(token: string): Promise<unknown> {
    const entry = this.entries.get(token);
    if (!entry) throw new InvalidToken({ message: 'Invalid Token', ...metadata });
    return entry.answer;
  }

  succeed(token: string, output: unknown): void {
    const json = output === undefined ? undefined : JSON.stringify(output);
    if (json === undefined || Buffer.byteLength(json, 'utf8') > MAX_OUTPUT_BYTES) {
      throw new InvalidOutput({
        message: 'Invalid Output: the output must be JSON of at most 256 KiB',
        ...metadata,
      });
    }
    const entry = this.claim(token);
    entry.resolve(JSON.parse(json));
  }

  fail(token: string, error: string, cause: string): void {
    this.claim(token).reject(new TaskFailure(error, cause));
  }

  /** Closes the execution's unanswered tokens (it ended or its task timed out): a late answer is refused. */
  closeExecution(executionId: string): void {
    for (const entry of this.entries.values()) if (entry.executionId === executionId) entry.open = false;
  }

  close(token: string): void {
    const entry = this.entries.get(token);
    if (entry) entry.open = false;
  }

  private claim(token: string): Entry {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new InvalidToken({ message: 'Invalid Token', ...metadata });
    }
    const entry = this.entries.get(token);
    if (!entry) throw new InvalidToken({ message: 'Invalid Token', ...metadata });
    // What AWS answers for a token already used, or whose task or execution is over.
    if (!entry.open) {
      throw new TaskTimedOut({
        message: "Task Timed Out: 'Provided task does not exist anymore'",
        ...metadata,
      });
    }
    entry.open = false;
    return entry;
  }
}
