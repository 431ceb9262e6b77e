// The kernel's Lambda Invoke as deployed: bundled with the production esbuild options and run in a fresh node
// against a local stand-in for the Lambda API. It replaces @aws-sdk/client-lambda (docs/decisions.md,
// "Bundles"): signed, to the right path, function errors and API errors kept apart, throttling retried.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/bundle.js';
import { PRODUCTION_BUNDLING } from '../../bench/bundle-options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-invoke-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Lambda invoke bundle', () => {
  it('I2 A4 A6 A7 a production-bundled signed Invoke answers, queues an asynchronous invocation (202), maps a function error to its typed refusal, retries a throttle, reports a missing function by its type, and bundles no Lambda SDK client', async () => {
    const outfile = join(dir, 'invoke.mjs');
    const result = await build({
      ...PRODUCTION_BUNDLING,
      entryPoints: ['test/support/lambda-invoke-bundle-entry.ts'],
      absWorkingDir: REPO_ROOT,
      outfile,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.filter((i) => i.includes('@aws-sdk/client-lambda'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('aws-xray-sdk'))).toEqual([]);
    const out = execFileSync(process.execPath, [outfile], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    const results = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    expect(results.echo).toEqual({ ok: { echoed: { x: 1 } } });
    expect(results.fails).toEqual({ error: 'SmsCountryNotAllowed' });
    expect(results.boom).toEqual({ error: 'Error', errorType: 'Boom' });
    expect(results.throttled).toEqual({ ok: { echoed: { y: 2 } } });
    expect(results.missing).toEqual({ error: 'ResourceNotFoundException', status: 404 });
    // A queued invocation (a login's email): InvocationType Event, done once Lambda answers 202.
    expect(results.queued).toEqual({ ok: true });
    expect(results.seen.find((s: { path: string }) => s.path.includes('palisade-mail'))).toMatchObject({
      type: 'Event',
      authorization: 'AWS4-HMAC-SHA256',
    });
    expect(results.seen[0]).toEqual({
      path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Apalisade-vault/invocations',
      authorization: 'AWS4-HMAC-SHA256',
      trace: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      type: 'RequestResponse',
    });
    // the throttled function was asked twice: once throttled, once answered
    expect(results.seen.filter((s: { path: string }) => s.path.includes('palisade-throttled'))).toHaveLength(
      2,
    );
  }, 60_000);
});
