// One process at a time owns a state folder: dynalite's LevelDB cannot be opened twice and the directory's
// JSON files have one writer. A second owner gets a clear error instead of a crash or lost writes.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class StateFolderBusy extends Error {
  override readonly name = 'StateFolderBusy';
}

export interface StateLock {
  release(): Promise<void>;
}

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockStateFolder(stateDir: string): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, 'palisade.lock');
  if (held.has(path)) throw new StateFolderBusy(`${stateDir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(path);
      return {
        async release() {
          held.delete(path);
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new StateFolderBusy(
          `${stateDir} is in use by process ${owner} (a running \`npm start\`?); stop it or use another PALISADE_STATE_DIR`,
        );
      }
      // Left behind by a process that died without cleaning up.
      await rm(path, { force: true });
    }
  }
  throw new StateFolderBusy(`Could not lock ${stateDir}`);
}
