// F2: what loading one real list version costs (LoadScreeningList's sizing, lambdas/admin/routes.ts): the
// files read, parsed, checked, digested and written as loadListVersion does, against the local ListStore in a
// temporary folder. One list per process (`--list ofac-sdn|un-sc`), so the peak resident set (maxRSS) is that
// list's alone. `npx tsx bench/list-load-sizing.ts --list ofac-sdn` prints one JSON line.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadListVersion } from '../lambdas/screening/versions.js';
import { LocalListStore } from '../local/adapters/list-store.js';

const { values } = parseArgs({ options: { list: { type: 'string', default: 'ofac-sdn' } } });
const source =
  values.list === 'un-sc'
    ? { format: 'un-xml' as const, dir: 'data/lists/un' }
    : { format: 'ofac-sdn-csv' as const, dir: 'data/lists/ofac-sdn' };
const files = new Map(
  readdirSync(source.dir).map((name) => [name, new Uint8Array(readFileSync(join(source.dir, name)))]),
);
const bytes = [...files.values()].reduce((sum, f) => sum + f.byteLength, 0);
const dir = await mkdtemp(join(tmpdir(), 'list-sizing-'));
const rssBefore = process.resourceUsage().maxRSS;
const cpu = process.cpuUsage();
const started = performance.now();
const out = await loadListVersion(new LocalListStore(dir), {
  format: source.format,
  list: values.list ?? 'ofac-sdn',
  files,
  loadedBy: 'sizing',
  now: new Date(),
});
const wallMs = Math.round(performance.now() - started);
const cpuMs = Math.round((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000);
await rm(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    list: values.list,
    outcome: out.outcome,
    inputMB: +(bytes / 1e6).toFixed(2),
    wallMs,
    cpuMs,
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssBeforeMB: Math.round(rssBefore / 1024),
  })}\n`,
);
