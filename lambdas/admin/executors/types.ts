// D2: an executor performs one approved admin action. Each is idempotent (the execute task may retry after a
// crash: the request is already marked executed and the action runs again to completion) and returns the
// non-personal facts of what it did, which the execute task writes into the action's audit record (D3).
import type { AdminRequest } from '../approval.js';

export interface Execution {
  request: AdminRequest;
  /** The approved parameters (the sealed ones opened), whose hash matched the approved payload hash. */
  parameters: Record<string, unknown>;
  /** When the request was marked executed: a retry reuses it, so every effect names the same instant. */
  at: Date;
}

export type ExecutionFacts = Record<string, string | number | boolean>;

/** A failure the task reports and the workflow ends with (the action could not be applied). */
export class ActionFailed extends Error {
  override readonly name = 'AdminActionFailed';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One executor per action of a task function's group (total: an action of the group without one does not compile). */
export type Executors<A extends string, P> = Readonly<
  Record<A, (ports: P, run: Execution) => Promise<ExecutionFacts>>
>;
