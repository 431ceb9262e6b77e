// D2/D4: admin approval requests as signed rows of the accounts table. Every change applies a pure rule of
// approval.ts inside a version-conditional update; a lost race is decided again on fresh data, so concurrent
// approvals never double-count and a request executes once.
//
// Rows (SignedTable has no delete, so index rows are flagged, never removed):
//   ADMINREQ#<id>            / REQUEST                  the request: the source of truth
//   TASKTOKEN#ADMINREQ#<id>  / TASKTOKEN                the workflow's current task token (never in a response;
//                                                       a task-token partition: only AnswerTask reaches it)
//   ADMINREQ-OPEN#<day>      / <expiresAt>#<id>         one per request, `open` while it is pending; <day> is
//                                                       the UTC day of its expiry, so listing what is pending
//                                                       reads only today's bucket and the next seven
//   ADMINREQ-BY#<adminId>    / <id>#requested|approved  what an admin requested or approved, for offboarding
// Index and link rows are written before the request changes, so a request is never missing from them; a
// flag left stale by a crash only costs a read, since every listing checks the request row itself.
import { Conflict, NotFound } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import { TASK_TOKEN_PARTITION_PREFIX } from '../kernel/tables.js';
import {
  type AdminIdentity,
  type AdminRequest,
  approvalRefusal,
  type Decision,
  decideApproval,
  expire,
  isExpired,
  markExecuted,
  markFailed,
  reject,
  type VoidEffect,
  voidBy,
} from './approval.js';

/** The longest expiry an approval policy may have (settings.ts refuses more; a unit test pins the two). */
export const MAX_EXPIRY_HOURS = 24 * 7;
const DAY_MS = 86_400_000;

type Stored<T> = T & { pk: string; sk: string; version: number } & Record<string, unknown>;
type RequestRow = Stored<AdminRequest>;
type TokenRow = Stored<{ taskToken: string; storedAt: string }>;
type OpenRow = Stored<{ requestId: string; expiresAt: string; open: boolean }>;
type LinkRow = Stored<{ requestId: string; role: 'requested' | 'approved'; at: string }>;

export const requestKey = (id: string) => ({ pk: `ADMINREQ#${id}`, sk: 'REQUEST' });
export const approvalTokenKey = (id: string) => ({
  pk: `${TASK_TOKEN_PARTITION_PREFIX}ADMINREQ#${id}`,
  sk: 'TASKTOKEN',
});
const openPartition = (day: string) => `ADMINREQ-OPEN#${day}`;
const openKey = (r: Pick<AdminRequest, 'requestId' | 'expiresAt'>) => ({
  pk: openPartition(r.expiresAt.slice(0, 10)),
  sk: `${r.expiresAt}#${r.requestId}`,
});
const linkPartition = (adminId: string) => `ADMINREQ-BY#${adminId}`;
const linkKey = (adminId: string, id: string, role: LinkRow['role']) => ({
  pk: linkPartition(adminId),
  sk: `${id}#${role}`,
});

/** The request without its storage attributes (keys, version, signature). */
function requestOf(row: RequestRow): AdminRequest {
  const { pk: _pk, sk: _sk, version: _v, sig: _sig, sigKeyId: _kid, ...request } = row;
  return request as unknown as AdminRequest;
}

export interface VoidOutcome {
  requestId: string;
  effect: Exclude<VoidEffect, 'none'>;
  request: AdminRequest;
}

export class AdminRequestStore {
  constructor(
    private readonly table: SignedTable,
    private readonly maxAttempts = 25,
  ) {}

  /** Stores a new request (from approval.ts `createRequest`); an existing id is a Conflict. */
  /** The request, its index rows and what follows (its audit record, its workflow): all or none. */
  async create(request: AdminRequest, after?: PendingEffects<AdminRequest>): Promise<AdminRequest> {
    const [row] = await this.table.transact([
      { create: { ...requestKey(request.requestId), ...request } },
      {
        create: {
          ...linkKey(request.requesterId, request.requestId, 'requested'),
          requestId: request.requestId,
          role: 'requested',
          at: request.createdAt,
        },
      },
      {
        create: {
          ...openKey(request),
          requestId: request.requestId,
          expiresAt: request.expiresAt,
          open: request.status === 'pending',
        },
      },
      ...(after ? after.writes(request) : []),
    ]);
    return requestOf(row as RequestRow);
  }

  async get(requestId: string): Promise<AdminRequest | undefined> {
    const row = await this.table.get<RequestRow>(requestKey(requestId));
    return row && requestOf(row);
  }

  /** An approval, decided on the request as it is when the conditional write lands. */
  async approve(
    requestId: string,
    approver: AdminIdentity,
    hash: string,
    now: Date,
    /** The request as the caller read it in this request, if it did: the early check needs no read of its own. */
    read?: AdminRequest,
  ): Promise<Decision> {
    const current = read?.requestId === requestId ? read : await this.require(requestId);
    const early = decideApproval(current, approver, hash, now);
    if (!early.ok) return early;
    // The link first: an approval that lands is always found by offboarding.
    await this.link(approver.adminId, requestId, 'approved', now);
    return this.change(requestId, (r) => decideApproval(r, approver, hash, now));
  }

  async reject(requestId: string, rejecter: AdminIdentity, reason: string, now: Date): Promise<Decision> {
    return this.change(requestId, (r) => reject(r, rejecter, reason, now));
  }

  async expire(requestId: string, now: Date): Promise<Decision> {
    return this.change(requestId, (r) => expire(r, now));
  }

  /**
   * Claims the execution: approved → executed, once. `currentPayloadHash` is the hash of what the caller is
   * about to execute; a payload that differs from the approved one is refused.
   */
  async markExecuted(requestId: string, currentPayloadHash: string, now: Date): Promise<Decision> {
    return this.change(requestId, (r) => markExecuted(r, currentPayloadHash, now));
  }

  /**
   * Records the failure of a claimed execution: executed → failed with `code`, once (a second call is
   * refused with REQUEST_FAILED and leaves the first failure as it is).
   */
  /** `after`: what follows (the failure's audit record), written with it (kernel/outbox.ts). */
  async markFailed(
    requestId: string,
    code: string,
    now: Date,
    after?: PendingEffects<AdminRequest>,
  ): Promise<Decision> {
    return this.change(requestId, (r) => markFailed(r, code, now), after);
  }

  /**
   * Pending requests not yet expired at `now`, soonest expiry first. With `approver`, only those they may
   * approve (not theirs, not approved by them yet, their tier allowed).
   */
  async listPending(now: Date, approver?: AdminIdentity): Promise<AdminRequest[]> {
    const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const days = Math.ceil(MAX_EXPIRY_HOURS / 24);
    const buckets = Array.from({ length: days + 1 }, (_, i) =>
      new Date(first + i * DAY_MS).toISOString().slice(0, 10),
    );
    const open = (await Promise.all(buckets.map((day) => this.allOf<OpenRow>(openPartition(day))))).flat();
    const candidates = open.filter((row) => row.open && Date.parse(row.expiresAt) > now.getTime());
    const requests = await Promise.all(candidates.map((row) => this.get(row.requestId)));
    return requests
      .filter((r): r is AdminRequest => r !== undefined && r.status === 'pending' && !isExpired(r, now))
      .filter((r) => !approver || approvalRefusal(r, approver, now) === undefined)
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.requestId.localeCompare(b.requestId));
  }

  /**
   * D4: voids every request `adminId` made and withdraws every approval they gave that is not executed yet.
   * Returns what changed, so the caller can audit each step and end the workflows of voided requests.
   */
  async voidAllBy(adminId: string, now: Date): Promise<VoidOutcome[]> {
    const links = await this.allOf<LinkRow>(linkPartition(adminId));
    const ids = [...new Set(links.map((l) => l.requestId))];
    const outcomes: VoidOutcome[] = [];
    for (const id of ids) {
      let effect: VoidEffect = 'none';
      const decision = await this.change(id, (r) => {
        const voided = voidBy(r, adminId, now);
        effect = voided.effect;
        return voided.effect === 'none'
          ? { ok: false, code: 'REQUEST_NOT_PENDING', message: 'nothing to void' }
          : { ok: true, request: voided.request };
      });
      if (decision.ok && effect !== 'none')
        outcomes.push({ requestId: id, effect, request: decision.request });
    }
    return outcomes;
  }

  /**
   * Keeps the workflow's current task token with the request and returns the request as it is after the
   * write: if it already left pending (an approval raced the new token), the caller answers the token now.
   */
  async storeTaskToken(requestId: string, taskToken: string, now: Date): Promise<AdminRequest> {
    await this.require(requestId);
    await this.retrying(async () => {
      const storedAt = now.toISOString();
      const updated = await this.table.update<TokenRow>(approvalTokenKey(requestId), (row) => ({
        ...row,
        taskToken,
        storedAt,
      }));
      if (!updated)
        await this.table.create<TokenRow>({ ...approvalTokenKey(requestId), taskToken, storedAt });
    });
    return this.require(requestId);
  }

  /** The workflow's task token, for the backend only (to answer the workflow); never part of a response. */
  async taskTokenOf(requestId: string): Promise<string | undefined> {
    return (await this.table.get<TokenRow>(approvalTokenKey(requestId)))?.taskToken;
  }

  private async require(requestId: string): Promise<AdminRequest> {
    const request = await this.get(requestId);
    if (!request) throw new NotFound('No such admin request');
    return request;
  }

  /** Applies `rule` under a version-conditional write, retried on fresh data; keeps the index in step. */
  private async change(
    requestId: string,
    rule: (request: AdminRequest) => Decision,
    after?: PendingEffects<AdminRequest>,
  ): Promise<Decision> {
    const decision = await this.retrying(async () => {
      let outcome: Decision | undefined;
      const updated = await this.table.update<RequestRow>(
        requestKey(requestId),
        (row) => {
          outcome = rule(requestOf(row));
          return outcome.ok
            ? { ...requestKey(requestId), version: row.version, ...outcome.request }
            : undefined;
        },
        (next) => after?.writes(requestOf(next)) ?? [],
      );
      if (!updated || !outcome) throw new NotFound('No such admin request');
      return outcome.ok ? ({ ok: true, request: requestOf(updated.row) } as const) : outcome;
    });
    if (decision.ok) await this.syncOpen(decision.request);
    return decision;
  }

  /**
   * Sets the index flag to what the request row says now. The index row is read before the request row and
   * written only if unchanged since, so a slower sync of an older change cannot overwrite a newer one.
   */
  private async syncOpen(request: AdminRequest): Promise<void> {
    await this.retrying(async () => {
      const index = await this.table.get<OpenRow>(openKey(request));
      if (!index) return;
      const fresh = await this.require(request.requestId);
      const open = fresh.status === 'pending';
      if (index.open === open) return;
      await this.table.update<OpenRow>(openKey(request), (row) => {
        if (row.version !== index.version) throw new Conflict('Index changed meanwhile', 'CONCURRENT_UPDATE');
        return { ...row, open };
      });
    });
  }

  private async link(adminId: string, requestId: string, role: LinkRow['role'], now: Date): Promise<void> {
    try {
      await this.table.create<LinkRow>({
        ...linkKey(adminId, requestId, role),
        requestId,
        role,
        at: now.toISOString(),
      });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      // Linked by an earlier attempt: one link is enough.
    }
  }

  private async allOf<T extends Stored<object>>(partition: string): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<T>(partition, startKey ? { startKey } : {});
      items.push(...page.items);
      startKey = page.next;
    } while (startKey);
    return items;
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        // Each round of a race has one winner, so `maxAttempts` contenders all finish within as many rounds.
        if (!(err instanceof Conflict) || i >= this.maxAttempts - 1) throw err;
      }
    }
  }
}
