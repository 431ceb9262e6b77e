// G1: the model as a login would use it: the attempt happens now (the injected clock), the user's history is
// bounded at now (the last N logins, none older than the bound), the population is read decayed to now, and
// the score becomes a band.
import type { Clock } from '../../kernel/ports/clock.js';
import { RISK_MODEL, type RiskModelConfig } from './config.js';
import { featuresOf, type LoginEvent } from './features.js';
import {
  bandOf,
  boundHistory,
  type Population,
  type RiskAssessment,
  type RiskBand,
  scoreLogin,
  UserProfile,
} from './model.js';

export interface RiskDecision extends RiskAssessment {
  band: RiskBand;
}

export class LoginRiskScorer {
  constructor(
    private readonly clock: Clock,
    private readonly population: Population,
    private readonly config: RiskModelConfig = RISK_MODEL,
  ) {}

  /** Scores an attempt made now against the user's past successful logins. */
  assess(attempt: Omit<LoginEvent, 'at'>, history: readonly LoginEvent[]): RiskDecision {
    const now = this.clock.now().getTime();
    const kept = boundHistory(history, now, this.config).filter((h) => h.userId === attempt.userId);
    const profile = new UserProfile(kept.map(featuresOf));
    const assessment = scoreLogin(
      featuresOf({ ...attempt, at: now }),
      profile,
      this.population.at(now),
      this.config,
    );
    return { ...assessment, band: bandOf(assessment.score, this.config) };
  }
}
