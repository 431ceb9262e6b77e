// F2: `npm run screening:load -- --format ofac-sdn-csv|un-xml|ftm-jsonl [--dataset NAME] PATH…` loads a new
// version of a screening list into the local state folder (PALISADE_STATE_DIR, as `npm start` uses).
// PATH is a file or a folder (a folder's files of the format are taken). Progress goes to stderr, a summary
// to stdout. A bad or truncated file is refused whole (exit 1), and the version in force stays in force.
// A new version starts the re-screen of the roster in the backend that runs on the state folder (`npm start`,
// its local route /_local/screening/rescreen), as the loader does in AWS.
//   npm run screening:load -- --format ofac-sdn-csv data/lists/ofac-sdn
//   npm run screening:load -- --format un-xml data/lists/un/consolidated.xml
//   npm run screening:load -- --format ftm-jsonl --dataset sample_peps test/fixtures/screening/pep-sample.ftm.jsonl
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ListFormatError } from '../lambdas/screening/model.js';
import { FORMAT_FILES, type ListFormat, listIdOf, loadListVersion } from '../lambdas/screening/versions.js';
import { LocalListStore } from '../local/adapters/list-store.js';
import { type LocalConfig, localConfig } from '../local/config.js';
import { urlOf } from '../local/listen.js';
import { SCREENING_RESCREEN_PATH } from '../local/local-routes.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from '../local/local-token.js';

/**
 * F2: asks the backend that owns the state folder (`npm start`) to re-screen the roster against the list's
 * version in force; undefined when no backend listens (the next re-screen, or the next load while it runs,
 * covers the roster).
 */
async function rescreenViaServer(config: LocalConfig, list: string): Promise<unknown> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let response: Response;
  try {
    response = await fetch(`${urlOf(host, config.port)}${SCREENING_RESCREEN_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [LOCAL_TOKEN_HEADER]: (await readLocalToken(config.stateDir)) ?? '',
      },
      body: JSON.stringify({ list }),
    });
  } catch {
    return undefined; // nothing listens
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok)
    throw new Error(`The backend on port ${config.port} refused the re-screen: ${response.status}`);
  return body;
}

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
  const config = localConfig();
  const stateDir = values.state ?? config.stateDir;
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
    // a new version re-screens the roster, as loadListAndRescreen does in AWS: through the running backend
    const rescreen =
      result.outcome === 'loaded' && stateDir === config.stateDir
        ? await rescreenViaServer(config, m.list)
        : undefined;
    if (result.outcome === 'loaded' && rescreen === undefined)
      process.stderr.write(
        'no backend runs on this state folder: the re-screen starts with the next load while it runs\n',
      );
    const summary = {
      outcome: result.outcome,
      list: m.list,
      version: m.version,
      sha256: m.sha256,
      ...(result.outcome === 'loaded' && result.previous ? { previous: result.previous } : {}),
      counts: m.counts,
      ...(rescreen ? { rescreen } : {}),
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
