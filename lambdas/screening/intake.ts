// F2: a customer to screen now (sign-up verification; a change of name, birth date or nationality once KYC
// brings them). Enrols them in the roster first, so that every later re-screen covers them even if the start
// below fails, then starts their screening in the screening workflow (the list index lives in the workflow's
// functions, not in the request's). Light: the calling route bundles neither the matcher nor the lists.
import type { Clock } from '../kernel/ports/clock.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import type { ScreeningTrigger } from './decision.js';
import type { RosterEntry, ScreeningStore } from './screening-store.js';
import { screeningExecutionName } from './workflow-contracts.js';

/** A username's separators are blanks to the matcher (`anton_andreev` reads as `anton andreev`). */
export const nameOfUsername = (username: string): string => username.replace(/[._-]+/g, ' ').trim();

export class ScreeningIntake {
  constructor(
    private readonly ports: {
      roster: Pick<ScreeningStore, 'enrol'>;
      workflows: Pick<Workflows, 'start'>;
      clock: Clock;
    },
  ) {}

  async customer(input: { userId: string; username: string }, trigger: ScreeningTrigger): Promise<void> {
    await this.enrolAndStart({ userId: input.userId, name: nameOfUsername(input.username) }, trigger);
  }

  /**
   * F1: the person data of KYC: the roster entry now carries the legal name, date of birth and nationality
   * (sealed), which every later re-screen uses, and the customer is screened on them (trigger `kyc`).
   */
  async person(entry: RosterEntry): Promise<void> {
    await this.enrolAndStart(entry, 'kyc');
  }

  private async enrolAndStart(entry: RosterEntry, trigger: ScreeningTrigger): Promise<void> {
    await this.ports.roster.enrol(entry);
    const at = this.ports.clock.now().toISOString();
    await this.ports.workflows.start(
      'screening',
      { userId: entry.userId, trigger },
      screeningExecutionName(entry.userId, trigger, at),
    );
  }
}
