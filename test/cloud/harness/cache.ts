// The two expensive inputs of the harness, made once per source state and shared by every test file of a run
// (and later runs while the sources stay the same): the synthesised template (stub code: only environments
// and roles are read from it) and the production bundles of every function, built with exactly the esbuild
// options CDK uses (bench/bundle-options.ts). Both live under bench/.out/cloud/, keyed by a hash of the
// sources; a directory lock keeps two test processes from building the same thing at once. The bundles are
// the whole catalogue's, whichever subset a caller asks for, so the cloud tests and the size budgets
// (test/unit/bench-budget.test.ts reads each bundle's esbuild metafile) share one build per run.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { PRODUCTION_BUNDLING } from '../../../bench/bundle-options.js';
import { allFunctions, DEPLOY_FUNCTIONS, type FunctionSpec } from '../../../lambdas/catalogue.js';
import { copyBesideBundle } from '../../../lib/geo-data.js';
import type { CfnTemplate } from './cfn.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const CACHE_ROOT = join(REPO_ROOT, 'bench', '.out', 'cloud');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** A hash of everything a template or a bundle is made from (the lock file stands for node_modules). */
export function sourceHash(extra = ''): string {
  const hash = createHash('sha256').update(extra);
  const roots = ['lambdas', 'lib', 'bin', 'statemachines'].map((d) => join(REPO_ROOT, d));
  const files = [
    ...roots.flatMap(filesUnder),
    ...['cdk.json', 'package-lock.json', 'bench/bundle-options.ts'].map((f) => join(REPO_ROOT, f)),
  ].sort();
  for (const file of files) hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Runs `make` once across processes: the first takes the lock, the others wait for `done` to exist. */
async function once(name: string, done: string, make: () => Promise<void>): Promise<void> {
  if (existsSync(done)) return;
  const lock = join(CACHE_ROOT, `${name}.lock`);
  await mkdir(CACHE_ROOT, { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (existsSync(done)) return;
      // A lock older than ten minutes belongs to a process that died.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 600_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (!existsSync(done)) await make();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Keeps the newest `keep` entries of a kind (bundles weigh ~200 MB with their source maps). */
async function prune(prefix: string, keep: number): Promise<void> {
  const entries = readdirSync(CACHE_ROOT)
    .filter((n) => n.startsWith(prefix) && !n.endsWith('.lock') && !n.includes('.tmp-'))
    .map((n) => ({ n, at: statSync(join(CACHE_ROOT, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { n } of entries.slice(keep)) await rm(join(CACHE_ROOT, n), { recursive: true, force: true });
}

export interface Bundles {
  dir: string;
  /** Function id → its `index.mjs`. */
  files: Map<string, string>;
  /** Function id → its `index.meta.json`: the build's esbuild metafile cut to that bundle's own outputs. */
  metafiles: Map<string, string>;
  /** Seconds spent building (0 when the cache had them). */
  builtInSeconds: number;
}

/** Bumped when what is stored of a build changes (1: the per-bundle metafiles), so older builds are not read. */
const BUNDLES_FORMAT = 1;

/**
 * What to build for `requested`: the whole catalogue when every requested spec is one of its functions (the
 * same id and entry), so whoever asks first builds for everyone; otherwise exactly the requested specs.
 */
function buildSet(requested: readonly FunctionSpec[]): { id: string; entry: string }[] {
  const catalogue = new Map([...allFunctions(), ...DEPLOY_FUNCTIONS].map((s) => [s.id, s.entry]));
  const within = requested.every((s) => catalogue.get(s.id) === s.entry);
  const specs = within ? [...catalogue].map(([id, entry]) => ({ id, entry })) : requested;
  return [...new Map(specs.map((s) => [s.id, { id: s.id, entry: s.entry }])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

/**
 * Every spec's production bundle (`<id>/index.mjs`, its source map and `index.meta.json`), built in one
 * esbuild call: without code splitting each entry's output is the same as a build of that entry alone, as
 * NodejsFunction runs it (and as bench/bundle.ts builds it, one entry at a time).
 */
export async function productionBundles(specs: readonly FunctionSpec[]): Promise<Bundles> {
  const unique = buildSet(specs);
  const key = sourceHash(
    JSON.stringify([BUNDLES_FORMAT, PRODUCTION_BUNDLING, unique.map((s) => [s.id, s.entry])]),
  );
  const dir = join(CACHE_ROOT, `bundles-${key}`);
  const done = join(dir, 'done');
  let builtInSeconds = 0;
  await once(`bundles-${key}`, done, async () => {
    const started = Date.now();
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    const { metafile } = await build({
      ...PRODUCTION_BUNDLING,
      mainFields: [...PRODUCTION_BUNDLING.mainFields],
      external: [...PRODUCTION_BUNDLING.external],
      metafile: true,
      absWorkingDir: REPO_ROOT,
      entryPoints: Object.fromEntries(unique.map((s) => [`${s.id}/index`, s.entry])),
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      logLevel: 'error',
    });
    // Each bundle's metafile holds its own outputs (the bundle and its map), as a build of it alone would;
    // output paths are relative to the bundle's directory.
    const outputs = Object.entries(metafile.outputs);
    for (const s of unique) {
      const prefix = `${relative(REPO_ROOT, join(tmp, s.id))}/`;
      const own = outputs
        .filter(([path]) => path.startsWith(prefix))
        .map(([path, output]) => [path.slice(prefix.length), output] as const);
      await writeFile(
        join(tmp, s.id, 'index.meta.json'),
        JSON.stringify({ inputs: {}, outputs: Object.fromEntries(own) }),
      );
    }
    // As CDK's afterBundling hook does (lib/functions.ts): the data files a bundle names go beside it.
    for (const s of unique) copyBesideBundle(join(tmp, s.id));
    await writeFile(join(tmp, 'done'), new Date().toISOString());
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    builtInSeconds = (Date.now() - started) / 1000;
    await prune('bundles-', 2);
  });
  return {
    dir,
    files: new Map(unique.map((s) => [s.id, join(dir, s.id, 'index.mjs')])),
    metafiles: new Map(unique.map((s) => [s.id, join(dir, s.id, 'index.meta.json')])),
    builtInSeconds,
  };
}

/** Bumped when what is stored of a synthesis changes, so older cached templates are not read. */
const TEMPLATE_FORMAT = 3;

export interface SynthesisedTemplate {
  template: CfnTemplate;
  stackName: string;
  region: string;
  /** The nested stacks' templates (the REST API's, the functions'), by their logical id in their parent. */
  nested: Record<string, CfnTemplate>;
}

export interface TemplateVariant {
  /** Names the cached template: one per variant and source state. */
  name: string;
  /** CDK context on top of cdk.json's, as `-c` would give it. */
  context?: Record<string, unknown>;
  /** Changes made before synthesis (a fixture's defect); returns the undo. */
  mutate?: () => () => void;
}

/** The primary stack's template, synthesised with stub code (environments and roles are what is read). */
export async function synthesisedTemplate(variant: TemplateVariant): Promise<SynthesisedTemplate> {
  const key = sourceHash(
    JSON.stringify([TEMPLATE_FORMAT, variant.name, variant.context ?? {}, variant.mutate?.toString() ?? '']),
  );
  const file = join(CACHE_ROOT, `template-${variant.name}-${key}.json`);
  await once(`template-${variant.name}-${key}`, file, async () => {
    // Imported here: aws-cdk-lib is only loaded when the cache has no template.
    const { synthPalisade } = await import('../../infra/palisade-app.js');
    const undo = variant.mutate?.();
    try {
      const s = synthPalisade(variant.context ?? {});
      try {
        const out: SynthesisedTemplate = {
          template: s.template.toJSON() as CfnTemplate,
          stackName: s.primary.stackName,
          region: s.primary.region,
          nested: Object.fromEntries(
            [...s.nestedTemplates].map(([logicalId, t]) => [logicalId, t.toJSON() as CfnTemplate]),
          ),
        };
        await writeFile(`${file}.tmp-${process.pid}`, JSON.stringify(out));
        await rename(`${file}.tmp-${process.pid}`, file);
      } finally {
        s.cleanup();
      }
    } finally {
      undo?.();
    }
    await prune(`template-${variant.name}-`, 2);
  });
  return JSON.parse(await readFile(file, 'utf8')) as SynthesisedTemplate;
}
