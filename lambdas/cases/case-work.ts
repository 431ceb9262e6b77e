// F3: the work on cases, one place for every step, each written with its audit record (kernel/outbox.ts):
// - `openCase`, the seam other contexts call (screening hits, withdrawal reviews, user reports): idempotent
//   per source, optionally attaching to the subject's case still being worked;
// - the working steps an admin takes by route (investigate, escalate, reopen) and notes;
// - the closing steps (dismiss, report), which only the approval plane's executor calls, once a request is
//   approved (maker ≠ checker, the compliance tier approves), idempotent per request.
import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../kernel/audit/audit-record.js';
import { Conflict } from '../kernel/errors.js';
import type { TransactWrite } from '../kernel/integrity/signed-table.js';
import type { Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import {
  CASE_BOUNDS,
  type Case,
  CaseNotFound,
  type CaseSource,
  CaseStepNotAllowed,
  type EvidenceRef,
  type OpenCaseInput,
} from './case-record.js';
import { type CaseStep, isClosed, nextStatus } from './case-status.js';
import type { CaseStore } from './case-store.js';

export interface CaseWorkPorts {
  cases: CaseStore;
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}

export type CaseActor =
  | { kind: 'admin'; id: string; tier?: string }
  | { kind: 'system' | 'user'; id: string };

export interface Opened {
  caseId: string;
  /** A new case; false: the source had opened or joined one already, or it joined an open case. */
  created: boolean;
  attached: boolean;
}

export const newCaseId = (): string => `case_${randomBytes(12).toString('base64url')}`;

const MAX_ATTEMPTS = 4;
const sourceName = (s: CaseSource) => `${s.kind}:${s.id}`.slice(0, 256);

/** Appends, deduplicated and bounded (oldest dropped first for evidence; signals keep the first ones). */
function merged<T>(list: readonly T[], more: readonly T[], key: (t: T) => string, bound: number): T[] {
  const seen = new Set(list.map(key));
  const out = [...list];
  for (const item of more) {
    if (seen.has(key(item))) continue;
    seen.add(key(item));
    out.push(item);
  }
  return out.slice(-bound);
}

export class CaseWork {
  constructor(private readonly ports: CaseWorkPorts) {}

  private event(
    c: Pick<Case, 'caseId' | 'kind' | 'status'>,
    action: string,
    actor: CaseActor,
    at: string,
    details: Record<string, string | number | boolean> = {},
  ): AuditEvent {
    return {
      actor,
      action,
      target: { kind: 'case', id: c.caseId },
      outcome: 'success',
      at,
      details: { kind: c.kind, status: c.status, ...details },
    };
  }

  /**
   * THE seam: opens a case for a subject from a source, or finds the case that source opened or joined
   * already (idempotent per source id). `attachToOpen`: the signals join the subject's newest case that is not
   * closed, if there is one. `extra`: rows of the caller, made from the new case and written in its transaction.
   */
  async openCase(
    input: OpenCaseInput,
    actor: CaseActor = { kind: 'system', id: input.source.kind },
    extra: (c: Case) => readonly TransactWrite[] = () => [],
  ): Promise<Opened> {
    for (let attempt = 1; ; attempt += 1) {
      const claimed = await this.ports.cases.bySource(input.source);
      if (claimed) return { caseId: claimed, created: false, attached: false };
      const at = this.ports.clock.now().toISOString();
      const signals = input.signals.map((s) => ({ ...s, at, source: sourceName(input.source) }));
      const evidence = input.evidence ?? [];
      try {
        if (input.attachToOpen) {
          const open = (await this.ports.cases.ofSubject(input.subject.userId, 20)).find(
            (c) => !isClosed(c.status),
          );
          if (open) {
            const after = this.ports.outbox.pending<Case>((c) => [
              {
                kind: 'audit',
                event: this.event(c, 'case.attach', actor, at, { source: sourceName(input.source) }),
              },
            ]);
            const result = await this.ports.cases.update(
              open.caseId,
              (c) =>
                isClosed(c.status)
                  ? undefined
                  : {
                      ...c,
                      sources: merged(c.sources, [input.source], sourceName, CASE_BOUNDS.sources),
                      signals: merged(
                        c.signals,
                        signals,
                        (s) => `${s.source}/${s.code}`,
                        CASE_BOUNDS.signals,
                      ),
                      evidence: merged(
                        c.evidence,
                        evidence,
                        (e) => `${e.kind}:${e.id}`,
                        CASE_BOUNDS.evidence,
                      ),
                      history: [...c.history, { at, step: 'attach', to: c.status, by: actor }],
                      updatedAt: at,
                    },
              after,
              input.source,
            );
            if (result?.changed) {
              await after.settle();
              return { caseId: open.caseId, created: false, attached: true };
            }
            // Closed meanwhile: a new case below.
          }
        }
        const c: Case = {
          caseId: newCaseId(),
          kind: input.kind,
          subject: { userId: input.subject.userId },
          status: 'open',
          sources: [input.source],
          signals,
          evidence,
          notes: [],
          history: [{ at, step: 'open', to: 'open', by: actor }],
          openedAt: at,
          updatedAt: at,
        };
        const after = this.ports.outbox.pending<Case>((row) => [
          {
            kind: 'audit',
            event: this.event(row, 'case.open', actor, at, {
              source: sourceName(input.source),
              subject: row.subject.userId,
              signals: row.signals
                .map((s) => s.code)
                .join(',')
                .slice(0, 500),
            }),
          },
        ]);
        await this.ports.cases.create(c, extra(c), after);
        await after.settle();
        return { caseId: c.caseId, created: true, attached: false };
      } catch (err) {
        // The source was claimed (or the case changed) meanwhile: read the claim again.
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  async get(caseId: string): Promise<Case> {
    const c = await this.ports.cases.get(caseId);
    if (!c) throw new CaseNotFound('No such case');
    return c;
  }

  private async change(
    caseId: string,
    actor: CaseActor,
    action: string,
    apply: (c: Case, at: string) => Case | undefined,
    details: (c: Case) => Record<string, string | number | boolean> = () => ({}),
  ): Promise<{ case: Case; changed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      const at = this.ports.clock.now().toISOString();
      const after = this.ports.outbox.pending<Case>((c) => [
        { kind: 'audit', event: this.event(c, action, actor, at, details(c)) },
      ]);
      try {
        const result = await this.ports.cases.update(caseId, (c) => apply(c, at), after);
        if (!result) throw new CaseNotFound('No such case');
        if (result.changed) await after.settle();
        return result;
      } catch (err) {
        if (!(err instanceof Conflict) || err.code !== 'CONFLICT' || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** A working step an admin takes by route: investigate, escalate, reopen. */
  async step(
    caseId: string,
    step: Extract<CaseStep, 'investigate' | 'escalate' | 'reopen'>,
    actor: CaseActor,
    reason?: string,
  ): Promise<Case> {
    const result = await this.change(
      caseId,
      actor,
      `case.${step}`,
      (c, at) => {
        const to = nextStatus(c.status, step);
        if (!to) throw new CaseStepNotAllowed(`A case ${c.status} cannot take the step ${step}`);
        return {
          ...c,
          status: to,
          history: [...c.history, { at, step, from: c.status, to, by: actor, ...(reason ? { reason } : {}) }],
          updatedAt: at,
        };
      },
      (): Record<string, string> => (reason ? { reason: reason.slice(0, 500) } : {}),
    );
    return result.case;
  }

  /** A note (with optional evidence references) on a case in any status. */
  async note(
    caseId: string,
    actor: CaseActor & { kind: 'admin' },
    text: string,
    evidence: EvidenceRef[] = [],
  ) {
    const noteId = randomBytes(9).toString('base64url');
    const result = await this.change(
      caseId,
      actor,
      'case.note',
      (c, at) => ({
        ...c,
        notes: [...c.notes, { noteId, adminId: actor.id, at, text, evidence }].slice(-CASE_BOUNDS.notes),
        evidence: merged(c.evidence, evidence, (e) => `${e.kind}:${e.id}`, CASE_BOUNDS.evidence),
        history: [...c.history, { at, step: 'note', to: c.status, by: actor }],
        updatedAt: at,
      }),
      () => ({ noteId, evidence: evidence.length }),
    );
    return result.case;
  }

  /**
   * A closing step (dismiss, report), executed by the approval plane once the request is approved. Idempotent
   * per request: a retry finds the step taken by this request and changes nothing.
   */
  async close(
    caseId: string,
    step: Extract<CaseStep, 'dismiss' | 'report'>,
    decision: { requestId: string; requesterId: string; approvers: string[]; reason: string },
  ): Promise<Case> {
    const actor: CaseActor = { kind: 'system', id: 'admin-approval' };
    const result = await this.change(
      caseId,
      actor,
      `case.${step}`,
      (c, at) => {
        if (c.history.some((h) => h.step === step && h.requestId === decision.requestId)) return undefined;
        const to = nextStatus(c.status, step);
        if (!to) throw new CaseStepNotAllowed(`A case ${c.status} cannot take the step ${step}`);
        return {
          ...c,
          status: to,
          history: [
            ...c.history,
            {
              at,
              step,
              from: c.status,
              to,
              by: { kind: 'admin', id: decision.requesterId },
              requestId: decision.requestId,
              reason: decision.reason,
            },
          ],
          ...(step === 'report'
            ? {
                report: {
                  at,
                  requestId: decision.requestId,
                  reason: decision.reason,
                  requesterId: decision.requesterId,
                  approvers: decision.approvers,
                },
              }
            : {}),
          updatedAt: at,
        };
      },
      () => ({
        requestId: decision.requestId,
        requester: decision.requesterId,
        approvers: decision.approvers.join(',').slice(0, 256),
      }),
    );
    return result.case;
  }
}
