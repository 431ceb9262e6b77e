// The local directory's scrypt cost (docs/decisions.md): the test harness hashes new passwords at a test cost
// (test/setup.ts), and only it. `npm start`, the bench and the census run keep the real cost, and a stored hash
// verifies with the parameters it carries, so a state folder made at either cost keeps working.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  hashPassword,
  localPasswordCost,
  SCRYPT_PARAMS,
  setLocalPasswordCost,
  TEST_SCRYPT_PARAMS,
  verifyPassword,
} from '../../local/adapters/password-hash.js';
import { REPO_ROOT } from '../../local/config.js';

const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';
const prefix = ({ N, r, p }: { N: number; r: number; p: number }) => `scrypt$${N}$${r}$${p}$`;

async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

afterEach(() => setLocalPasswordCost(TEST_SCRYPT_PARAMS));

describe('the local directory’s password cost', () => {
  it('A2 the test harness hashes at the test cost (test/setup.ts)', async () => {
    if (process.env.PALISADE_TEST_SCRYPT === 'real') return;
    expect(localPasswordCost()).toEqual(TEST_SCRYPT_PARAMS);
    expect(await hashPassword(PASSWORD)).toMatch(/^scrypt\$1024\$8\$1\$/);
  });

  it('A2 outside the test harness (npm start, the bench, the census run) the local directory hashes at N=2^15, r=8, p=3', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 15, r: 8, p: 3 });
    // A fresh process without test/setup.ts, as `npm start` is (and no source of it sets the cost: the test
    // below): a user signed up in the local directory, its stored hash.
    const script = [
      "import { mkdtemp, readFile, rm } from 'node:fs/promises';",
      "import { tmpdir } from 'node:os';",
      "import { join } from 'node:path';",
      "import { LocalIdentityProvider } from './local/adapters/identity-provider.ts';",
      "import { systemClock } from './lambdas/kernel/ports/clock.ts';",
      "const dir = await mkdtemp(join(tmpdir(), 'palisade-cost-'));",
      "const idp = await LocalIdentityProvider.open(dir, { region: 'eu-west-1', userPoolId: 'eu-west-1_PalisadeLocal', clientId: 'palisadelocalclient' }, systemClock);",
      `await idp.createUser({ username: 'ana', email: 'ana@example.com', password: ${JSON.stringify(PASSWORD)} });`,
      "const users = JSON.parse(await readFile(join(dir, 'identity', 'users.json'), 'utf8'));",
      'process.stdout.write(users.users.ana.passwordHash);',
      'await rm(dir, { recursive: true, force: true });',
    ].join('\n');
    const env = { ...process.env };
    delete env.PALISADE_TEST_SCRYPT;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env,
    });
    expect(stdout.startsWith(prefix(SCRYPT_PARAMS))).toBe(true);
    expect(await verifyPassword(PASSWORD, stdout)).toBe(true);
  }, 60_000);

  it('A2 only the test harness sets the cost: no source of the runtime, the Lambdas, the bench or the scripts calls it', async () => {
    const files = (
      await Promise.all(['local', 'lambdas', 'bench', 'scripts', 'bin', 'lib'].map(sourcesUnder))
    ).flat();
    const callers: string[] = [];
    for (const file of files) {
      if (file.endsWith(join('local', 'adapters', 'password-hash.ts'))) continue;
      if ((await readFile(file, 'utf8')).includes('setLocalPasswordCost')) callers.push(file);
    }
    expect(callers).toEqual([]);
  });

  it('A2 a hash made at one cost verifies as stored at the other, and a wrong password still fails', async () => {
    setLocalPasswordCost(TEST_SCRYPT_PARAMS);
    const cheap = await hashPassword(PASSWORD);
    setLocalPasswordCost(undefined);
    expect(localPasswordCost()).toEqual(SCRYPT_PARAMS);
    const real = await hashPassword(PASSWORD);
    expect(real.startsWith(prefix(SCRYPT_PARAMS))).toBe(true);
    expect(await verifyPassword(PASSWORD, cheap)).toBe(true);
    expect(await verifyPassword('wrong horse battery staple', cheap)).toBe(false);
    setLocalPasswordCost(TEST_SCRYPT_PARAMS);
    expect(cheap.startsWith(prefix(TEST_SCRYPT_PARAMS))).toBe(true);
    expect(await verifyPassword(PASSWORD, real)).toBe(true);
    expect(await verifyPassword('wrong horse battery staple', real)).toBe(false);
  }, 30_000);
});
