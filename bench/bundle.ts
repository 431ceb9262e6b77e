// Bundles one Lambda entry with the production options and reads its size facts from the esbuild metafile.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { PRODUCTION_BUNDLING } from './bundle-options.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(REPO_ROOT, 'bench', '.out');
export const EMPTY_ID = '(empty handler)';
export const EMPTY_ENTRY = 'bench/empty-handler.ts';

export interface InputShare {
  /** A metafile input path, or a package name for package totals. */
  name: string;
  /** Minified bytes this input contributes to the bundle (metafile `bytesInOutput`). */
  bytes: number;
}

export interface BundleFacts {
  id: string;
  entry: string;
  /** Absolute path of the bundle (`index.mjs`), as NodejsFunction names it for ESM. */
  outfile: string;
  /** Minified bytes of the bundle, source map excluded. */
  bytes: number;
  /** Every package with bytes in the bundle (a tree-shaken import leaves none), sorted. */
  packages: string[];
  topInputs: InputShare[];
  topPackages: InputShare[];
}

/** `node_modules/@aws-sdk/client-kms/dist-es/x.js` → `@aws-sdk/client-kms`; own sources → `(own code)`. */
export function packageOf(inputPath: string): string {
  const marker = 'node_modules/';
  const at = inputPath.lastIndexOf(marker);
  if (at < 0) return '(own code)';
  const parts = inputPath.slice(at + marker.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? inputPath);
}

const top = (shares: InputShare[], n: number) => [...shares].sort((a, b) => b.bytes - a.bytes).slice(0, n);

export function factsFromMetafile(id: string, entry: string, outfile: string, meta: Metafile): BundleFacts {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`${id}: the metafile has no output for entry ${entry}`);
  const inputs = Object.entries(output.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([name, i]) => ({ name, bytes: i.bytesInOutput }));
  const perPackage = new Map<string, number>();
  for (const input of inputs) {
    const pkg = packageOf(input.name);
    perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + input.bytes);
  }
  return {
    id,
    entry,
    outfile,
    bytes: output.bytes,
    packages: [...perPackage.keys()].sort(),
    topInputs: top(inputs, 5),
    topPackages: top(
      [...perPackage].map(([name, bytes]) => ({ name, bytes })),
      5,
    ),
  };
}

/** Writes `<outRoot>/<id>/index.mjs`, its `.map` and `index.meta.json`, as NodejsFunction's asset holds. */
export async function bundleFunction(
  id: string,
  entry: string,
  outRoot = OUT_DIR,
  /** Analysis only (bench/init-profile.ts builds an unminified twin): never for a measured bundle. */
  overrides: Pick<BuildOptions, 'minify'> = {},
): Promise<BundleFacts> {
  const dir = join(outRoot, id.replace(/[^\w-]+/g, '_'));
  const outfile = join(dir, 'index.mjs');
  const result = await build({
    ...PRODUCTION_BUNDLING,
    mainFields: [...PRODUCTION_BUNDLING.mainFields],
    external: [...PRODUCTION_BUNDLING.external],
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    outfile,
    logLevel: 'error',
    ...overrides,
  });
  await writeFile(join(dir, 'index.meta.json'), JSON.stringify(result.metafile));
  return factsFromMetafile(id, entry, outfile, result.metafile);
}
