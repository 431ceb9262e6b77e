// A JSON file the local adapters keep their state in: read once, rewritten atomically (temp file, fsync,
// rename) so a crash or Ctrl-C never leaves half a file, one write at a time, readable by the owner only.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JsonFile<T> {
  private writes: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async read(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Reads the file, or creates it with `make()` when it does not exist yet. */
  async readOrCreate(make: () => T | Promise<T>): Promise<T> {
    const existing = await this.read();
    if (existing !== undefined) return existing;
    const created = await make();
    await this.write(created);
    return created;
  }

  /** Writes are queued, so the last call's value is what ends up on disk. */
  write(value: T): Promise<void> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const next = this.writes.then(() => writeAtomically(this.path, text));
    this.writes = next.catch(() => undefined);
    return next;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
