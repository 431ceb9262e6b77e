// The vault as deployed: bundled with the production esbuild options, including the module aliases that keep
// it within budget (Node's streams for readable-stream, one bn.js), and run in a fresh node process.
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
  dir = await mkdtemp(join(tmpdir(), 'palisade-vault-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vault bundle', () => {
  it('E2 the production bundle seals and opens a field group and refuses one moved to another row', async () => {
    const outfile = join(dir, 'vault.mjs');
    await build({
      ...PRODUCTION_BUNDLING,
      entryPoints: ['test/support/vault-bundle-entry.ts'],
      absWorkingDir: REPO_ROOT,
      outfile,
      metafile: false,
      logLevel: 'error',
    });
    const out = execFileSync(process.execPath, [outfile, join(dir, 'state')], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    expect(result).toEqual({
      opened: { fields: { email: 'ann@example.com', note: 'x'.repeat(3000) } },
      moved: 'IntegrityError',
      leaked: false,
    });
  }, 60_000);
});
