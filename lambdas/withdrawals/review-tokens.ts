// C3: the server-side home of a review's Step Functions task token: one signed row per withdrawal
// (reviewTokenKey), never part of the record a route returns. Marking it used is version-conditional, so
// of two decisions (or a decision and a cancellation) exactly one gets to answer the token.
import { Conflict } from '../kernel/errors.js';
import type { Row, SignedTable } from '../kernel/integrity/signed-table.js';
import { reviewTokenKey } from './record.js';

export type TokenUse =
  | {
      kind: 'admin';
      adminId: string;
      outcome: 'approve' | 'reject';
      /** The deciding admin request (D2): its retry may answer the token again, nothing else may. */
      decisionId?: string;
    }
  | { kind: 'suspension' };

export type ReviewTokenRow = Row & {
  pk: string;
  sk: string;
  userId: string;
  withdrawalId: string;
  taskToken: string;
  storedAt: string;
  /** When the workflow's task times out (the review period's end). */
  reviewEndsAt: string;
  usedAt?: string;
  usedBy?: TokenUse;
};

export class ReviewTokens {
  constructor(private readonly table: Pick<SignedTable, 'get' | 'create' | 'update'>) {}

  get(userId: string, withdrawalId: string): Promise<ReviewTokenRow | undefined> {
    return this.table.get<ReviewTokenRow>(reviewTokenKey(userId, withdrawalId));
  }

  /**
   * Stores the token of the waiting task. A retried task (a new token for the same review) replaces an
   * unused one; a used one stays as it is: the review was answered already.
   */
  async store(userId: string, withdrawalId: string, taskToken: string, at: Date, reviewEndsAt: Date) {
    const key = reviewTokenKey(userId, withdrawalId);
    const fields = { taskToken, storedAt: at.toISOString(), reviewEndsAt: reviewEndsAt.toISOString() };
    try {
      await this.table.create<ReviewTokenRow>({ ...key, userId, withdrawalId, ...fields });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      const updated = await this.table.update<ReviewTokenRow>(key, (row) =>
        row.usedAt ? undefined : { ...row, ...fields },
      );
      if (updated?.row.usedAt)
        throw new Conflict('This review was already answered', 'DECISION_ALREADY_MADE');
    }
  }

  /**
   * Claims the token for one answer: conditional on the row's version and on it not being used, so a
   * second claim (sequential or concurrent) is a Conflict. Returns the token to answer.
   */
  async claim(userId: string, withdrawalId: string, use: TokenUse, at: Date): Promise<string | undefined> {
    const result = await this.table.update<ReviewTokenRow>(reviewTokenKey(userId, withdrawalId), (row) => {
      if (row.usedAt) throw new Conflict('This withdrawal was already decided', 'DECISION_ALREADY_MADE');
      return { ...row, usedAt: at.toISOString(), usedBy: use };
    });
    return result?.row.taskToken;
  }
}
