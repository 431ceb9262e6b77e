// The local ListStore (F2): the state folder's `lists/<list>/<version>/` holds a version's files, the files
// derived from them (`derived/`: the parsed entities) and its manifest.json; `lists/<list>/current.json` names the version in force (written atomically, after the
// version's files). Same contract as the S3 store (lambdas/kernel/aws/list-store.ts).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListStore, ListVersionManifest } from '../../lambdas/kernel/ports/list-store.js';
import { JsonFile } from './json-file.js';

const SAFE = /^[a-z0-9][a-z0-9._-]{0,99}$/i;
const safe = (part: string) => {
  if (!SAFE.test(part) || part.includes('..')) throw new Error(`not a safe name for the list store: ${part}`);
  return part;
};

export class LocalListStore implements ListStore {
  constructor(private readonly root: string) {}

  private dir(list: string, version?: string): string {
    return version === undefined
      ? join(this.root, 'lists', safe(list))
      : join(this.root, 'lists', safe(list), safe(version));
  }

  async putVersion(manifest: ListVersionManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const dir = this.dir(manifest.list, manifest.version);
    await mkdir(join(dir, 'files'), { recursive: true, mode: 0o700 });
    for (const [name, bytes] of files)
      await writeFile(join(dir, 'files', safe(name)), bytes, { mode: 0o600 });
    await this.putManifest(manifest);
  }

  async putManifest(manifest: ListVersionManifest): Promise<void> {
    const dir = this.dir(manifest.list, manifest.version);
    await new JsonFile<ListVersionManifest>(join(dir, 'manifest.json')).write(manifest);
  }

  async putDerived(list: string, version: string, name: string, bytes: Uint8Array): Promise<void> {
    const dir = join(this.dir(list, version), 'derived');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, safe(name)), bytes, { mode: 0o600 });
  }

  async readDerived(list: string, version: string, name: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.dir(list, version), 'derived', safe(name))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async setCurrent(list: string, version: string): Promise<void> {
    await new JsonFile<{ version: string }>(join(this.dir(list), 'current.json')).write({
      version: safe(version),
    });
  }

  async current(list: string): Promise<ListVersionManifest | undefined> {
    const pointer = await new JsonFile<{ version: string }>(join(this.dir(list), 'current.json')).read();
    if (pointer === undefined) return undefined;
    return new JsonFile<ListVersionManifest>(join(this.dir(list, pointer.version), 'manifest.json')).read();
  }

  async readFiles(list: string, version: string): Promise<Map<string, Uint8Array>> {
    const dir = join(this.dir(list, version), 'files');
    const out = new Map<string, Uint8Array>();
    for (const name of (await readdir(dir)).sort())
      out.set(name, new Uint8Array(await readFile(join(dir, name))));
    return out;
  }
}
