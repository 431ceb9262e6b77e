// F2: what a cold screening function's first request pays for the lists before it can screen: the versions
// in force of the OFAC SDN and UN lists (the real files of data/lists/) read from the local ListStore, checked
// and turned into entities, then the screening index made. Three ways, each in fresh node processes (a cold
// container's JIT), round-robin: `index` (the version's entities file and the index file the loader built,
// list-index.ts `currentIndexFromFiles`: what the screening functions do), `entities` (the entities file, the
// index then built from it: what they did before the loader stored the index, and what they still do for a
// version stored without one) and `files` (the source files digested and parsed, what they did before the
// loader wrote the entities file). `npx tsx bench/list-first-request.ts [--runs 5]` prints the medians.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalListStore } from '../local/adapters/list-store.js';

const LISTS = [
  { list: 'ofac-sdn', format: 'ofac-sdn-csv' as const, dir: 'data/lists/ofac-sdn' },
  { list: 'un-sc', format: 'un-xml' as const, dir: 'data/lists/un' },
];
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    child: { type: 'string' },
    state: { type: 'string' },
  },
});

if (values.child !== undefined) {
  // one measurement: the modules are imported first (the function's init), then timed as the first request
  const store = new LocalListStore(values.state as string);
  const { buildIndex } = await import('../lambdas/screening/screen.js');
  if (values.child === 'index') {
    const { currentIndexFromFiles } = await import('../lambdas/screening/list-index.js');
    const t = performance.now();
    const index = await currentIndexFromFiles(store, LISTS);
    const read = Math.round(performance.now() - t);
    process.stdout.write(`${JSON.stringify({ read, index: 0, entities: index.entities.length })}\n`);
    process.exit(0);
  }
  let entities: Awaited<ReturnType<typeof import('../lambdas/screening/list-entities.js').currentLists>>;
  if (values.child === 'entities') {
    const { currentLists } = await import('../lambdas/screening/list-entities.js');
    const t = performance.now();
    entities = await currentLists(store, LISTS);
    report(t);
  } else {
    const { digestOf, parseListFiles } = await import('../lambdas/screening/versions.js');
    const t = performance.now();
    const out: typeof entities = { entities: [], versions: [] };
    for (const { list, format } of LISTS) {
      const manifest = await store.current(list);
      if (manifest === undefined) throw new Error(`no ${list}`);
      const files = await store.readFiles(list, manifest.version);
      if (digestOf(files) !== manifest.sha256) throw new Error('digest');
      out.entities.push(...parseListFiles(format, list, files));
      out.versions.push({ list, version: manifest.version, sha256: manifest.sha256 });
    }
    entities = out;
    report(t);
  }
  function report(t: number) {
    const read = performance.now() - t;
    const i = performance.now();
    buildIndex(entities.entities, entities.versions);
    const index = performance.now() - i;
    process.stdout.write(
      `${JSON.stringify({ read: Math.round(read), index: Math.round(index), entities: entities.entities.length })}\n`,
    );
  }
} else {
  const { loadListVersion } = await import('../lambdas/screening/versions.js');
  const state = await mkdtemp(join(tmpdir(), 'first-request-'));
  const store = new LocalListStore(state);
  for (const { list, format, dir } of LISTS) {
    const files = new Map(
      readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]),
    );
    const out = await loadListVersion(store, { format, list, files, loadedBy: 'bench', now: new Date() });
    process.stderr.write(
      `${list}: ${out.manifest.entities} entities, entities file ${out.manifest.entitiesFile?.bytes} bytes, index file ${out.manifest.indexFile?.bytes} bytes\n`,
    );
  }
  const runs = Number(values.runs);
  const got: Record<string, { read: number; index: number }[]> = { index: [], entities: [], files: [] };
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < runs; r++) {
    for (const path of ['index', 'entities', 'files']) {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, self, '--child', path, '--state', state],
        {
          encoding: 'utf8',
        },
      );
      got[path]?.push(JSON.parse(out.trim().split('\n').at(-1) as string));
    }
    process.stderr.write(`  run ${r + 1}/${runs}\n`);
  }
  await rm(state, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [path, xs] of Object.entries(got))
    process.stdout.write(
      `${path.padEnd(9)} lists read+checked ${String(median(xs.map((x) => x.read))).padStart(5)} ms   index built ${String(median(xs.map((x) => x.index))).padStart(5)} ms   first request ${String(median(xs.map((x) => x.read + x.index))).padStart(5)} ms   (medians of ${runs})\n`,
    );
}
