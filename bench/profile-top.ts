// Where a function's own CPU goes, from the census's profiles: `CENSUS_PROFILE_DIR=DIR npx tsx
// bench/census-run.ts --profile` keeps one .cpuprofile per invocation (named by function), then
// `npx tsx bench/profile-top.ts DIR [functionPrefix] [--inclusive]` prints, per function, the mean ms per
// invocation of the handler-side samples (bench/cpu-attribution.ts's split) by source line: self time (the
// nearest JavaScript frame; a native leaf is named after it), or with --inclusive every frame on the stack.
// TOP=N sets how many lines per function (25).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer } from 'source-map-js';
import { sideOfFrame } from './cpu-attribution.js';

const [dir = '.', prefix = '', ...rest] = process.argv.slice(2);
const inclusive = rest.includes('--inclusive');
const consumers = new Map<string, SourceMapConsumer | null>();
function where(frame: {
  url: string;
  lineNumber: number;
  columnNumber: number;
  functionName: string;
}): string {
  let c = consumers.get(frame.url);
  if (c === undefined) {
    c = null;
    if (frame.url.startsWith('file://')) {
      const map = `${fileURLToPath(frame.url)}.map`;
      if (existsSync(map)) c = new SourceMapConsumer(JSON.parse(readFileSync(map, 'utf8')));
    }
    consumers.set(frame.url, c);
  }
  if (!c) return `${frame.url.replace(/.*\//, '')}:${frame.functionName}`;
  const p = c.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
  const src = (p.source ?? '?').replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, 'nm/');
  return `${src}:${p.line}:${p.name ?? frame.functionName}`;
}
interface Node {
  id: number;
  callFrame: { url: string; lineNumber: number; columnNumber: number; functionName: string };
  children?: number[];
}
const byFn = new Map<string, { n: number; total: number; handler: number; self: Map<string, number> }>();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.startsWith(prefix))) {
  const fn = f.split('.')[0] ?? f;
  const profile = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nodes: Node[]; samples: number[] };
  const byId = new Map<number, Node>();
  const frame = (id: number) => (byId.get(id) as Node).callFrame;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const entry = byFn.get(fn) ?? { n: 0, total: 0, handler: 0, self: new Map() };
  byFn.set(fn, entry);
  entry.n++;
  const sideMemo = new Map<number, string>();
  const side = (id: number): string => {
    const k = sideMemo.get(id);
    if (k) return k;
    const node = byId.get(id);
    const own = node ? sideOfFrame(node.callFrame) : undefined;
    const up = parent.get(id);
    const s = own ?? (up === undefined ? 'shared' : side(up));
    sideMemo.set(id, s);
    return s;
  };
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node?.callFrame.functionName === '(idle)') continue;
    entry.total++;
    const s = side(id);
    if (s !== 'handler') continue;
    entry.handler++;
    if (inclusive) {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        if (!frame(cur).url) continue;
        const w = where(frame(cur));
        if (seen.has(w)) continue;
        seen.add(w);
        entry.self.set(w, (entry.self.get(w) ?? 0) + 1);
      }
    } else {
      // self: nearest frame with a url (natives take their caller)
      let cur: number | undefined = id;
      const label = frame(id).functionName;
      while (cur !== undefined && !frame(cur).url) cur = parent.get(cur);
      const w =
        cur === undefined ? `(native) ${label}` : `${where(frame(cur))}${frame(id).url ? '' : ` > ${label}`}`;
      entry.self.set(w, (entry.self.get(w) ?? 0) + 1);
    }
  }
}
for (const [fn, e] of [...byFn].sort((a, b) => b[1].handler / b[1].n - a[1].handler / a[1].n)) {
  console.log(
    `\n== ${fn}: ${e.n} profiles, ${(e.total / e.n / 10).toFixed(1)} ms sampled/inv, handler ${(e.handler / e.n / 10).toFixed(1)} ms/inv`,
  );
  for (const [w, c] of [...e.self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25)))
    console.log(`  ${(c / e.n / 10).toFixed(2).padStart(6)} ms  ${w}`);
}
