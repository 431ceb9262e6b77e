// Powertools singletons: one logger and one metrics namespace per function, configured by env. Traces are not
// here: Lambda's active tracing and runtime/tracing.ts (docs/decisions.md, "Tracing").
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

export const SERVICE_NAME = 'palisade';
export const METRICS_NAMESPACE = 'Palisade';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
  // Most requests emit no security metric; Powertools' "no metrics to publish" notice is debug noise here.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => logger.debug(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});
/**
 * Publishes the request's metrics when it ends, as Powertools' `logMetrics` middleware does (with no options),
 * without that middleware's work on a request that recorded none, which is most: `publishStoredMetrics` then
 * serialises an empty EMF document it does not print and logs a debug notice, on every request. A request with
 * metrics is published by the same call; one without has its dimensions and metadata cleared as that call would.
 */
export const publishMetrics = (): MiddlewareObj => {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else {
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  };
  return { after: publish, onError: publish };
};

/** Named security metrics; alarms in lib/monitoring.ts refer to these names. */
export const SecurityMetric = {
  AuthorizerRefusal: 'AuthorizerRefusal',
  AccountSuspended: 'AccountSuspended',
  IntegrityFailure: 'IntegrityFailure',
  LoginLockout: 'LoginLockout',
  DuressLogin: 'DuressLogin',
  /** C3: the withdrawal workflow's screening rejected a withdrawal (blocked band, sanctions, account). */
  WithdrawalBlocked: 'WithdrawalBlocked',
  /** F6: a breach report's deadline is near (its alarm instant passed) and the report is not filed. */
  BreachDeadlineNear: 'BreachDeadlineNear',
  /** F6: a breach report's deadline passed unfiled (again every day until it is filed). */
  BreachDeadlineMissed: 'BreachDeadlineMissed',
  /** F2: a customer was not screened because no version of any screened list is loaded (a fresh deployment). */
  ScreeningWithoutLists: 'ScreeningWithoutLists',
  /** G1: a login with the right password was blocked by the login-risk model (its owner is emailed). */
  LoginRiskBlocked: 'LoginRiskBlocked',
  /** G1: the login-risk rows could not be read or written; the login fell back to the fixed rules. */
  LoginRiskUnavailable: 'LoginRiskUnavailable',
  /** X3: the breached-password source did not answer in time; the password was accepted without it. */
  BreachedPasswordCheckUnavailable: 'BreachedPasswordCheckUnavailable',
} as const;

/** Metric units, so domain code emits metrics through this module alone. */
export { MetricUnit } from '@aws-lambda-powertools/metrics';
