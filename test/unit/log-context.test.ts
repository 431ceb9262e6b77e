// I1: every log line of an invocation carries its Lambda context (and, for an API function, the request id as
// correlation id); keys appended during an invocation end with it. Without a debug-log sample rate the
// middleware skips Powertools' per-request sampling refresh; with one, it is Powertools' own middleware.
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logContext, samplesDebugLogs } from '../../lambdas/kernel/runtime/log-context.js';

const contextOf = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'Fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Fn',
    memoryLimitInMB: '512',
  }) as Context;

let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n'))
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('I1 the log context of an invocation', () => {
  it('I1 without a sample rate: each line names the invocation and its correlation id, appended keys end with the invocation (also after an error), and the sampling refresh does not run', async () => {
    const logger = new Logger({ serviceName: 'palisade', logLevel: 'INFO' });
    const refresh = vi.spyOn(logger, 'refreshSampleRateCalculation');
    const handler = middy<{ id: string; fail?: boolean }, string, Error, Context>(
      async (event: { id: string; fail?: boolean }) => {
        logger.appendKeys({ during: event.id });
        logger.info('inside');
        if (event.fail) throw new Error('boom');
        return 'ok';
      },
    ).use(logContext(logger, (event: { id: string }) => `corr-${event.id}`, {}));

    await handler({ id: 'a' }, contextOf('inv-a'));
    await expect(handler({ id: 'b', fail: true }, contextOf('inv-b'))).rejects.toThrow('boom');
    logger.info('between invocations');

    expect(lines).toMatchObject([
      {
        message: 'inside',
        function_request_id: 'inv-a',
        correlation_id: 'corr-a',
        during: 'a',
      },
      {
        message: 'inside',
        function_request_id: 'inv-b',
        correlation_id: 'corr-b',
        during: 'b',
      },
      { message: 'between invocations' },
    ]);
    expect(lines[0]).toMatchObject({ function_name: 'Fn', function_memory_size: '512' });
    expect(lines[2]).not.toHaveProperty('during');
    expect(lines[2]).not.toHaveProperty('correlation_id');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('I1 with a debug-log sample rate (POWERTOOLS_LOGGER_SAMPLE_RATE above 0) it is Powertools’ own middleware, which refreshes the sampling at each invocation', async () => {
    expect(samplesDebugLogs({})).toBe(false);
    expect(samplesDebugLogs({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0' })).toBe(false);
    expect(samplesDebugLogs({ POWERTOOLS_LOGGER_SAMPLE_RATE: 'x' })).toBe(false);
    expect(samplesDebugLogs({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0.1' })).toBe(true);

    const logger = new Logger({ serviceName: 'palisade', logLevel: 'INFO' });
    const refresh = vi.spyOn(logger, 'refreshSampleRateCalculation');
    const handler = middy<{ id: string }, string, Error, Context>(async () => {
      logger.info('inside');
      return 'ok';
    }).use(
      logContext(logger, (event: { id: string }) => `corr-${event.id}`, {
        POWERTOOLS_LOGGER_SAMPLE_RATE: '0.1',
      }),
    );
    await handler({ id: 'a' }, contextOf('inv-a'));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { message: 'inside', function_request_id: 'inv-a', correlation_id: 'corr-a' },
    ]);
  });
});
