// Wiring for workflow task Lambdas: Powertools middlewares and a zod-validated payload.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { parseWith } from './http.js';
import { logger, publishMetrics, SERVICE_NAME } from './observability.js';
import { logContext } from './runtime/log-context.js';
import { captureLambdaHandler } from './runtime/tracing.js';

/** A task whose payload fails validation fails the state, with the reason in the execution history. */
export function taskHandler<I, O>(schema: z.ZodMiniType<I>, logic: (input: I) => Promise<O>) {
  return middy<unknown, O, Error, Context>(async (event: unknown) =>
    logic(parseWith(schema, event, 'workflow payload')),
  )
    .use(logContext<unknown, O>(logger))
    .use(publishMetrics())
    .use(captureLambdaHandler(SERVICE_NAME));
}
