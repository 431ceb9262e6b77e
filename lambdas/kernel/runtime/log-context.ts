// The Lambda context on every log line of an invocation, and the invocation's own keys dropped when it ends:
// what Powertools' `injectLambdaContext(logger, { resetKeys: true })` does, without the per-request work that
// does nothing for a logger that samples no debug logs. That middleware refreshes the debug-log sampling on each
// request (`refreshSampleRateCalculation`): with no sample rate it sets the log level back to the level the
// logger already has (nothing here changes it), through an env read and a scan of the level names, and it
// clears a log buffer the logger does not keep. In the census profiles the refresh was two thirds of the
// middleware's per-request CPU. A function given a sample rate (POWERTOOLS_LOGGER_SAMPLE_RATE) gets
// Powertools' own middleware, sampling and all.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/** Whether the logger samples debug logs: a sample rate above 0 (Powertools ignores one outside 0..1). */
export const samplesDebugLogs = (env: Readonly<Record<string, string | undefined>> = process.env): boolean =>
  Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0) > 0;

/**
 * Before the handler: the invocation's Lambda context on the logger (and the event logged when
 * POWERTOOLS_LOGGER_LOG_EVENT asks for it); after it, or after an error: the keys appended during the
 * invocation dropped. `correlationId`, when given, is appended right after the context (http.ts: the request id).
 */
export function logContext<E, R>(
  logger: Logger,
  correlationId?: (event: E, context: Context) => string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): MiddlewareObj<E, R, Error, Context> {
  const reset = () => {
    logger.resetKeys();
  };
  if (samplesDebugLogs(env)) {
    const powertools = injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<
      E,
      R,
      Error,
      Context
    >;
    if (!correlationId) return powertools;
    return {
      ...powertools,
      before: async (request) => {
        await powertools.before?.(request);
        logger.setCorrelationId(correlationId(request.event, request.context));
      },
    };
  }
  return {
    before: (request) => {
      logger.addContext(request.context);
      logger.logEventIfEnabled(request.event);
      if (correlationId) logger.setCorrelationId(correlationId(request.event, request.context));
    },
    after: reset,
    onError: reset,
  };
}
