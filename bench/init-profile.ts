// Where a bundle's import spends its time: the import alone under the V8 sampling profiler (the probe starts
// it after node's own start), its self time aggregated by source (package, or own file) through the source
// map. The profile is taken of an unminified twin of the production bundle (same options, same modules, same
// order) so that the per-line ticks of the bundle's top-level code, where ESM modules' bodies run, map back
// to their sources; a minified bundle is one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map-js';
import { bundleFunction, OUT_DIR, packageOf, REPO_ROOT } from './bundle.js';
import { CHILD_ENV } from './init-time.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ImportProfile {
  id: string;
  /** Sampled time of the import, ms. */
  totalMs: number;
  /** Self time by source: a package name, an own file, or a V8/node bucket. */
  bySource: { name: string; ms: number }[];
  /** Self time by source line of the bundle's code. */
  byLine: { name: string; ms: number }[];
}

const shortName = (source: string) => {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) return source.slice(nm + 'node_modules/'.length);
  const at = source.search(/(lambdas|lib|bench)\//);
  return at >= 0 ? source.slice(at) : source;
};

/** Bundles the unminified twin of `id`, profiles one import of it and maps the samples back. */
export async function profileImport(id: string, entry: string): Promise<ImportProfile> {
  const twin = await bundleFunction(`${id}.profile`, entry, join(OUT_DIR, 'profile'), { minify: false });
  const dir = mkdtempSync(join(tmpdir(), 'init-prof-'));
  try {
    const out = join(dir, 'import.cpuprofile');
    const child = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bench', 'import-probe.mjs'), pathToFileURL(twin.outfile).href],
      { env: { ...CHILD_ENV, PROBE_CPU_PROFILE: out }, encoding: 'utf8', timeout: 60_000 },
    );
    if (child.status !== 0) throw new Error(`profiling ${id} failed: ${child.stderr}`);
    const profile = JSON.parse(readFileSync(out, 'utf8')) as CpuProfile;
    const map = new SourceMapConsumer(JSON.parse(readFileSync(`${twin.outfile}.map`, 'utf8')));
    const bundleUrl = pathToFileURL(twin.outfile).href;

    const selfUs = new Map<number, number>();
    profile.samples.forEach((nodeId, i) => {
      selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const bySource = new Map<string, number>();
    const byLine = new Map<string, number>();
    const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
    const original = (line: number) => {
      // Column 0 of an indented line has no mapping: the first mapping on the line is its statement.
      let pos = map.originalPositionFor({ line, column: 0, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
      if (!pos.source) pos = map.originalPositionFor({ line, column: 0 });
      return pos;
    };
    let total = 0;
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      if (us === 0) continue;
      total += us;
      const { url, lineNumber, functionName } = node.callFrame;
      if (url === bundleUrl) {
        // Self time spread over the node's source lines by their ticks (the function's start line without).
        const ticks = node.positionTicks?.length ? node.positionTicks : [{ line: lineNumber + 1, ticks: 1 }];
        const sum = ticks.reduce((a, t) => a + t.ticks, 0);
        for (const t of ticks) {
          const share = (us * t.ticks) / sum;
          const pos = original(t.line);
          const source = pos.source ?? '(unmapped bundle code)';
          const pkg = packageOf(source);
          add(bySource, pkg === '(own code)' ? shortName(source) : pkg, share);
          add(byLine, `${shortName(source)}:${pos.line ?? '?'}`, share);
        }
      } else if (url.startsWith('node:') || url.startsWith('internal')) {
        add(bySource, '(node internals)', us);
        add(byLine, `${url}:${lineNumber + 1} ${functionName}`, us);
      } else if (url === '') {
        add(bySource, `(${functionName || 'anonymous'})`, us);
      } else {
        add(bySource, url.includes('import-probe') ? '(probe)' : url, us);
      }
    }
    const sorted = (m: Map<string, number>) =>
      [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
    return { id, totalMs: total / 1000, bySource: sorted(bySource), byLine: sorted(byLine) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ModuleTimes {
  id: string;
  /**
   * Inclusive time of each source's top-level code (what it calls included), ms, by package / own file; a
   * package's files follow, indented, among them.
   */
  bySource: { name: string; ms: number }[];
}

/**
 * Inclusive top-level time per source: the unminified twin's hoisted modules each start at a `// <path>`
 * comment in column 0; a clock mark before each gives the time until the next one (the module's body and
 * whatever it calls, lazily wrapped CommonJS packages it requires included). The median of `runs` imports.
 */
export async function timeModules(id: string, entry: string, runs = 5): Promise<ModuleTimes> {
  const twin = await bundleFunction(`${id}.profile`, entry, join(OUT_DIR, 'profile'), { minify: false });
  const lines = readFileSync(twin.outfile, 'utf8').split('\n');
  const mark = (name: string) =>
    `(globalThis.__initMarks ??= []).push([${JSON.stringify(name)}, performance.now()]);`;
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(line);
    if (m && i > 0) out.push(mark(m[1] as string));
    if (/^export \{/.test(line)) {
      out.push(mark('(end)'));
      out.push("process.stderr.write('MARKS' + JSON.stringify(globalThis.__initMarks) + '\\n');");
    }
    out.push(line);
  });
  const marked = twin.outfile.replace(/\.mjs$/, '.marked.mjs');
  writeFileSync(marked, out.join('\n'));
  const perRun: Map<string, number>[] = [];
  for (let r = 0; r < runs; r++) {
    const child = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bench', 'import-probe.mjs'), pathToFileURL(marked).href],
      { env: CHILD_ENV, encoding: 'utf8', timeout: 60_000 },
    );
    const line = child.stderr.split('\n').find((l) => l.startsWith('MARKS'));
    if (child.status !== 0 || !line) throw new Error(`timing ${id}'s modules failed: ${child.stderr}`);
    const marks = JSON.parse(line.slice(5)) as [string, number][];
    const times = new Map<string, number>();
    for (let i = 0; i + 1 < marks.length; i++) {
      const [name, at] = marks[i] as [string, number];
      const pkg = packageOf(name);
      const key = pkg === '(own code)' ? shortName(name) : pkg;
      const ms = (marks[i + 1] as [string, number])[1] - at;
      times.set(key, (times.get(key) ?? 0) + ms);
      if (key !== shortName(name))
        times.set(`  ${shortName(name)}`, (times.get(`  ${shortName(name)}`) ?? 0) + ms);
    }
    perRun.push(times);
  }
  const names = new Set(perRun.flatMap((m) => [...m.keys()]));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  return {
    id,
    bySource: [...names]
      .map((name) => ({ name, ms: med(perRun.map((m) => m.get(name) ?? 0)) }))
      .sort((a, b) => b.ms - a.ms),
  };
}

export function renderModuleTimes(t: ModuleTimes, top = 30): string {
  const total = t.bySource.filter((r) => !r.name.startsWith(' ')).reduce((a, r) => a + r.ms, 0);
  return `${t.id}: top-level code by source, inclusive (median; sum ${total.toFixed(1)} ms):\n${t.bySource
    .slice(0, top)
    .map((r) => `  ${r.ms.toFixed(1).padStart(7)} ms  ${r.name}`)
    .join('\n')}`;
}

export function renderProfile(p: ImportProfile, top = 25): string {
  const rows = (list: { name: string; ms: number }[]) =>
    list
      .slice(0, top)
      .map((r) => `  ${r.ms.toFixed(1).padStart(7)} ms  ${r.name}`)
      .join('\n');
  return (
    `${p.id}: ${p.totalMs.toFixed(1)} ms sampled in the import (unminified twin) — self time by source:\n` +
    `${rows(p.bySource)}\nby source line:\n${rows(p.byLine)}`
  );
}
