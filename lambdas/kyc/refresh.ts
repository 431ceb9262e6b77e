// F1: the periodic KYC refresh, one page of the refresh workflow (statemachines/kyc-refresh.asl.json). From the
// refresh index (kyc-store.ts: rows sorted by time, never a scan of the table): the customers whose deadline is
// within DUE_SOON_DAYS are asked for their refresh (a mail, an audit record), and those whose deadline passed are
// marked overdue (a mail, an audit record). Nothing has to happen at the deadline for the limits: levels.ts
// `levelInForce` caps the level at `lapsedLevel` from the deadline on, wherever the limits are read. A new clean
// screening of the person data (a completed review) starts a new period and restores the limits.
import type { Effect } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { KycConfig } from './config.js';
import type { KycRecord, KycStore, RefreshStage } from './kyc-store.js';

/** The index rows one run works through, per stage: the workflow runs again while a page was full. */
export const REFRESH_PAGE = 50;

export interface RefreshRun {
  asked: number;
  overdue: number;
  stale: number;
  /** A page was full: the workflow runs the task again. */
  more: boolean;
}

const notices =
  (stage: RefreshStage, at: string, config: Pick<KycConfig, 'lapsedLevel'>) =>
  (record: KycRecord): Effect[] => {
    const dueAt = record.refreshDueAt as string;
    return [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'system', id: 'kyc-refresh' },
          action: stage === 'ASK' ? 'kyc.refresh-requested' : 'kyc.refresh-overdue',
          target: { kind: 'user', id: record.userId },
          outcome: 'success',
          at,
          details:
            stage === 'ASK'
              ? { dueAt, rating: record.risk?.rating ?? 'unrated' }
              : { dueAt, level: record.level, cappedAt: config.lapsedLevel },
        },
      },
      {
        kind: 'mail',
        userId: record.userId,
        message: { template: 'kyc-refresh', dueAt, overdue: stage === 'DUE' },
      },
    ];
  };

export async function sweepRefresh(
  ports: { kyc: Pick<KycStore, 'refreshesDue' | 'markRefresh'>; clock: Clock },
  config: Pick<KycConfig, 'lapsedLevel'>,
): Promise<RefreshRun> {
  const now = ports.clock.now();
  const at = now.toISOString();
  const run: RefreshRun = { asked: 0, overdue: 0, stale: 0, more: false };
  for (const stage of ['ASK', 'DUE'] as const) {
    const rows = await ports.kyc.refreshesDue(stage, now, REFRESH_PAGE);
    if (rows.length >= REFRESH_PAGE) run.more = true;
    for (const row of rows) {
      const done = await ports.kyc.markRefresh(row, stage, at, notices(stage, at, config));
      if (done === 'asked') run.asked += 1;
      else if (done === 'overdue') run.overdue += 1;
      else run.stale += 1;
    }
  }
  return run;
}
