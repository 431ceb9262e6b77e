// F2: `npm run screening:load -- --format ofac-sdn-csv|un-xml|ftm-jsonl [--dataset NAME] PATH…` loads a new
// version of a screening list into the local state folder (PALISADE_STATE_DIR, as `npm start` uses).
// PATH is a file or a folder (a folder's files of the format are taken). Progress goes to stderr, a summary
// to stdout. A bad or truncated file is refused whole (exit 1), and the version in force stays in force.
//   npm run screening:load -- --format ofac-sdn-csv data/lists/ofac-sdn
//   npm run screening:load -- --format un-xml data/lists/un/consolidated.xml
//   npm run screening:load -- --format ftm-jsonl --dataset sample_peps test/fixtures/screening/pep-sample.ftm.jsonl
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ListFormatError } from '../lambdas/screening/model.js';
import { FORMAT_FILES, type ListFormat, listIdOf, loadListVersion } from '../lambdas/screening/versions.js';
import { LocalListStore } from '../local/adapters/list-store.js';
import { localConfig } from '../local/config.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { format: { type: 'string' }, dataset: { type: 'string' }, state: { type: 'string' } },
    allowPositionals: true,
  });
  const format = values.format as ListFormat | undefined;
  if (format === undefined || !(format in FORMAT_FILES) || positionals.length === 0) {
    process.stderr.write(
      'usage: npm run screening:load -- --format ofac-sdn-csv|un-xml|ftm-jsonl [--dataset NAME] PATH…\n',
    );
    return 2;
  }
  const spec = FORMAT_FILES[format];
  const wanted = new Set([...spec.required, ...spec.optional]);
  const files = new Map<string, Uint8Array>();
  for (const path of positionals) {
    const paths = statSync(path).isDirectory() ? readdirSync(path).map((n) => join(path, n)) : [path];
    for (const p of paths) {
      // a FollowTheMoney file is stored under the format's one name, whatever it was called
      const name = format === 'ftm-jsonl' ? 'entities.ftm.json' : basename(p);
      if (!wanted.has(name)) continue;
      files.set(name, new Uint8Array(readFileSync(p)));
      process.stderr.write(`read ${p} (${statSync(p).size.toLocaleString('en-GB')} bytes)\n`);
    }
  }
  const list = listIdOf(format, values.dataset);
  const stateDir = values.state ?? localConfig().stateDir;
  const store = new LocalListStore(stateDir);
  process.stderr.write(`parsing and validating ${files.size} file(s) as ${format} …\n`);
  const started = Date.now();
  try {
    const result = await loadListVersion(store, {
      format,
      list,
      files,
      loadedBy: `cli:${process.env.USER ?? 'unknown'}`,
      now: new Date(),
    });
    const m = result.manifest;
    const summary = {
      outcome: result.outcome,
      list: m.list,
      version: m.version,
      sha256: m.sha256,
      ...(result.outcome === 'loaded' && result.previous ? { previous: result.previous } : {}),
      counts: m.counts,
      stateDir,
      ms: Date.now() - started,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ListFormatError) {
      process.stderr.write(`refused: ${error.message}\nthe version in force is unchanged\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
