// A "fresh step-up" of a session: the caller re-authenticated (the password, and a TOTP code when enrolled,
// behind the re-authentication lockout) a short while ago in this very session. Recorded on the session row
// (signed, E1), so it dies with the session; a read that needs it, such as `GET /v1/me?reveal=contact`, checks
// it is fresh. The clock is the caller's: nothing here reads the time.
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import { type SessionRow, sessionKey } from './dynamo-account-store.js';

/** How long a step-up counts as fresh. */
export const STEP_UP = Object.freeze({ freshMinutes: 5 });

/** Until when a step-up made at `at` counts. */
export const stepUpFreshUntil = (at: Date): Date => new Date(at.getTime() + STEP_UP.freshMinutes * 60_000);

/** True when `steppedUpAt` is at most STEP_UP.freshMinutes old at `now` (a time in the future is not fresh). */
export function isFreshStepUp(steppedUpAt: string | undefined, now: Date): boolean {
  if (!steppedUpAt) return false;
  const at = Date.parse(steppedUpAt);
  return (
    Number.isFinite(at) && at <= now.getTime() && now.getTime() < stepUpFreshUntil(new Date(at)).getTime()
  );
}

export interface StepUps {
  /** Marks the session as stepped up at `at`; false when the session is gone or revoked. */
  record(userId: string, sessionId: string, at: Date): Promise<boolean>;
}

export class SessionStepUps implements StepUps {
  constructor(private readonly table: SignedTable) {}

  async record(userId: string, sessionId: string, at: Date): Promise<boolean> {
    const result = await this.table.update<SessionRow>(sessionKey(userId, sessionId), (session) =>
      session.revokedAt ? undefined : { ...session, steppedUpAt: at.toISOString() },
    );
    return result?.changed === true;
  }
}
