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

interface Claimed {
  executionId: string;
  settle: () => void;
}

function entry(executionId: string): Entry {
  let resolve!: Entry['resolve'];
  let reject!: Entry['reject'];
  const answer = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The answer may arrive before anyone awaits it; that is not an unhandled rejection.
  answer.catch(() => undefined);
  return { executionId, open: true, answer, resolve, reject };
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
    this.entries.set(token, entry(executionId));
    return token;
  }

  /**
   * A token kept across a restart, registered again for the resumed execution: open, or already answered
   * (the answer was recorded before the stop) and so closed with that answer.
   */
  adopt(
    executionId: string,
    token: string,
    answer?: { output: unknown } | { error: string; cause: string },
  ): void {
    const adopted = entry(executionId);
    if (answer) {
      adopted.open = false;
      if ('output' in answer) adopted.resolve(answer.output);
      else adopted.reject(new TaskFailure(answer.error, answer.cause));
    }
    this.entries.set(token, adopted);
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
    this.claimSuccess(token, output).settle();
  }

  fail(token: string, error: string, cause: string): void {
    this.claimFailure(token, error, cause).settle();
  }

  /**
   * SendTaskSuccess in two steps: refuses what AWS refuses and closes the token (a second answer is refused),
   * then `settle` tells the waiting task. Between the two, the runtime records the answer.
   */
  claimSuccess(token: string, output: unknown): Claimed & { output: unknown } {
    const json = output === undefined ? undefined : JSON.stringify(output);
    if (json === undefined || Buffer.byteLength(json, 'utf8') > MAX_OUTPUT_BYTES) {
      throw new InvalidOutput({
        message: 'Invalid Output: the output must be JSON of at most 256 KiB',
        ...metadata,
      });
    }
    const claimed = this.claim(token);
    const parsed: unknown = JSON.parse(json);
    return { executionId: claimed.executionId, output: parsed, settle: () => claimed.resolve(parsed) };
  }

  /** SendTaskFailure in two steps, as `claimSuccess`. */
  claimFailure(token: string, error: string, cause: string): Claimed {
    const claimed = this.claim(token);
    return {
      executionId: claimed.executionId,
      settle: () => claimed.reject(new TaskFailure(error, cause)),
    };
  }

  /** Closes the execution's unanswered tokens (it ended or its task timed out): a late answer is refused. */
  closeExecution(executionId: string): void {
    for (const entry of this.entries.values()) if (entry.executionId === executionId) entry.open = false;
  }

  /** The runtime stopped: every token is refused from now on. */
  closeAll(): void {
    for (const entry of this.entries.values()) entry.open = false;
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
