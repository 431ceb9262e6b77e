// G1: the login-risk model as the login uses it. `assess` reads the user's history and the population's counts
// of the attempt's values (one remote call), scores the attempt now (the injected clock) and gives its band;
// `record` adds a successful login to both after the login has succeeded. The login flow
// (lambdas/auth/login-flow.ts) turns the band into allow / step up / block.
//
// The rows hold no IP address or User-Agent in clear: the IP, its network and the User-Agent string are kept as
// truncated SHA-256 digests (the model only compares them for equality); the browser family, OS and device type
// derived from the User-Agent, the country and the ASN are kept as they are. Digests of IPv4 addresses can be
// reversed by enumeration: this is data minimisation, not encryption.
import { createHash } from 'node:crypto';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RiskRead, RiskStorePort } from './aws-risk-store.js';
import { RISK_MODEL, type RiskModelConfig } from './config.js';
import { featuresOf, type LoginEvent, type LoginFeatures } from './features.js';
import { bandOf, boundHistory, type Contribution, type RiskBand, scoreLogin, UserProfile } from './model.js';

/** What the login history and the audit log keep of a decision: the score and its top reasons. */
export interface RiskSummary {
  score: number;
  band: RiskBand;
  /** The largest positive contributions: feature, its share of the score, whether the user had the value. */
  reasons: { feature: string; value: number; seen?: boolean }[];
}

export interface RiskAttempt {
  userId: string;
  ip: string;
  country?: string | undefined;
  asn?: string | number | undefined;
  userAgent?: string | undefined;
  /** Whether the device is on the user's whitelist (A7); a promise, so it is looked up beside the read. */
  deviceKnown: boolean | Promise<boolean>;
}

export interface RiskCheck {
  summary: RiskSummary;
  /** The attempt's features (pseudonymised) and what was read, for `record` in the same request. */
  features: LoginFeatures;
  read: RiskRead;
  /**
   * Whether the user's risk history has a successful login from the attempt's /24 or /64: such a network is
   * also in the user's NETWORK# rows (both are written by the same finished login), so the login need not read
   * them (login-flow.ts). False says nothing: the history is bounded, NETWORK# is not.
   */
  networkSeen?: boolean;
}

/** The port the login flow holds. */
export interface LoginRiskPort {
  assess(attempt: RiskAttempt): Promise<RiskCheck>;
  /**
   * Adds a successful login; `prior` is what the same request read, if any (saves a read): its assessment, or
   * `read` started earlier (beside the identity provider's answer).
   */
  record(
    attempt: Omit<RiskAttempt, 'deviceKnown'>,
    prior?: { read: RiskRead | Promise<RiskRead> },
  ): Promise<void>;
  /** What `record` reads, started ahead of it (a login finished in a later request than its assessment). */
  read?(attempt: Omit<RiskAttempt, 'deviceKnown'>): Promise<RiskRead>;
}

const PSEUDONYMISED = ['ip', 'network', 'ua'] as const;
const digest = (feature: string, value: string) =>
  createHash('sha256').update(`palisade-login-risk\n${feature}\n${value}`).digest('base64url').slice(0, 16);

/** The features of an attempt at `at`, with IP, network and User-Agent string replaced by their digests. */
export function storedFeaturesOf(event: LoginEvent, deviceKnown?: boolean): LoginFeatures {
  const features = featuresOf(event);
  for (const f of PSEUDONYMISED) {
    const v = features.values[f];
    if (v !== undefined) features.values[f] = digest(f, v);
  }
  return deviceKnown === undefined ? features : { ...features, deviceKnown };
}

const round = (x: number) => Math.round(x * 100) / 100;
export const summaryOf = (score: number, band: RiskBand, reasons: readonly Contribution[]): RiskSummary => ({
  score: round(score),
  band,
  reasons: reasons.map((r) => ({
    feature: r.feature,
    value: round(r.value),
    ...(r.seen !== undefined ? { seen: r.seen } : {}),
  })),
});

export class LoginRisk implements LoginRiskPort {
  constructor(
    private readonly store: RiskStorePort,
    private readonly clock: Clock,
    private readonly config: RiskModelConfig = RISK_MODEL,
  ) {}

  async assess(attempt: RiskAttempt): Promise<RiskCheck> {
    const now = this.clock.now().getTime();
    const attemptFeatures = storedFeaturesOf({ ...attempt, at: now });
    const [read, deviceKnown] = await Promise.all([
      this.store.read(attempt.userId, attemptFeatures),
      attempt.deviceKnown,
    ]);
    const features = { ...attemptFeatures, deviceKnown };
    const profile = new UserProfile(boundHistory(read.history, now, this.config));
    const assessment = scoreLogin(features, profile, read.population, this.config);
    const network = features.values.network;
    return {
      summary: summaryOf(assessment.score, bandOf(assessment.score, this.config), assessment.reasons),
      features,
      read,
      networkSeen: network !== undefined && read.history.some((h) => h.values.network === network),
    };
  }

  async record(
    attempt: Omit<RiskAttempt, 'deviceKnown'>,
    prior?: { read: RiskRead | Promise<RiskRead> },
  ): Promise<void> {
    const now = this.clock.now().getTime();
    const features = storedFeaturesOf({ ...attempt, at: now });
    // A login finished in a later request than its assessment reads again: the history may have moved.
    const read = prior ? await prior.read : await this.store.read(attempt.userId, features);
    await this.store.record(attempt.userId, features, read);
  }

  async read(attempt: Omit<RiskAttempt, 'deviceKnown'>): Promise<RiskRead> {
    // The values read (network, country, ASN, browser) do not depend on the time; `record` takes its own.
    return this.store.read(attempt.userId, storedFeaturesOf({ ...attempt, at: this.clock.now().getTime() }));
  }
}
