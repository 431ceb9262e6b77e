// The Lambda client as deployed: bundled with the production esbuild options, whose aliases replace the AWS
// SDK's event-stream codec by a stub (lambdas/kernel/runtime/no-event-streams.ts), and run in a fresh node.
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

describe('Lambda client bundle', () => {
  it('I2 with the event-stream stub, a production-bundled Lambda client still invokes a function, and no codec is bundled', async () => {
    const outfile = join(dir, 'invoke.mjs');
    const result = await build({
      ...PRODUCTION_BUNDLING,
      entryPoints: ['test/support/lambda-invoke-bundle-entry.ts'],
      absWorkingDir: REPO_ROOT,
      outfile,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.filter((i) => i.includes('event-streams/'))).toEqual([]);
    expect(inputs.some((i) => i.endsWith('lambdas/kernel/runtime/no-event-streams.ts'))).toBe(true);
    const out = execFileSync(process.execPath, [outfile], {
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')).toEqual({
      status: 200,
      payload: { path: '/2015-03-31/functions/palisade-vault/invocations', echoed: { x: 1 } },
    });
  }, 60_000);
});
