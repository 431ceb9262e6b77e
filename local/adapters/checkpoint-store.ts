// D3 locally: the audit chain's checkpoints in `<state>/audit-checkpoints.jsonl`, one JSON line each. The file
// is only ever opened with the append flag and never rewritten, so a checkpoint once written stays as it was
// (S3 Object Lock's part in AWS). Whoever holds the state folder can still edit it by hand: locally this keeps
// the runtime honest and lets the tests attack the tables; it is not a boundary against the folder's owner
// (docs/data-protection.md).
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type AuditCheckpoint,
  type CheckpointEntry,
  checkpointText,
  parseCheckpoint,
} from '../../lambdas/kernel/audit/checkpoint.js';
import type { CheckpointStore } from '../../lambdas/kernel/ports/checkpoint-store.js';

export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';

export class LocalCheckpointStore implements CheckpointStore {
  readonly path: string;
  /** One append at a time: the check for an existing sequence and the append must not interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.path = join(stateDir, CHECKPOINT_FILE);
  }

  put(checkpoint: AuditCheckpoint): Promise<'written' | 'exists'> {
    const next = this.queue.then(async () => {
      const text = await this.text();
      const entries = this.parse(text);
      if (
        entries.some((e) => e.checkpoint?.chain === checkpoint.chain && e.checkpoint.seq === checkpoint.seq)
      ) {
        return 'exists' as const;
      }
      // A line cut short by a crash stays as it is (unreadable, reported); the next one starts on its own line.
      const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
      await mkdir(dirname(this.path), { recursive: true });
      const file = await open(this.path, 'a', 0o600);
      try {
        await file.appendFile(`${separator}${checkpointText(checkpoint)}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      return 'written' as const;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async latest(chain: string): Promise<CheckpointEntry | undefined> {
    let latest: CheckpointEntry | undefined;
    for (const entry of await this.entries()) {
      if (entry.checkpoint?.chain !== chain) continue;
      if (!latest?.checkpoint || entry.checkpoint.seq >= latest.checkpoint.seq) latest = entry;
    }
    return latest;
  }

  async list(chain: string, range: { fromSeq?: number; toSeq?: number } = {}): Promise<CheckpointEntry[]> {
    const from = range.fromSeq ?? 1;
    const to = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    return (await this.entries())
      .filter(
        (e) =>
          !e.checkpoint ||
          (e.checkpoint.chain === chain && e.checkpoint.seq >= from && e.checkpoint.seq <= to),
      )
      .sort((a, b) => (a.checkpoint?.seq ?? 0) - (b.checkpoint?.seq ?? 0));
  }

  /** Every line of the file, in the order written (unreadable lines as such). */
  async entries(): Promise<CheckpointEntry[]> {
    await this.queue;
    return this.parse(await this.text());
  }

  private parse(text: string): CheckpointEntry[] {
    return text
      .split('\n')
      .flatMap((line, index) =>
        line.trim() === '' ? [] : [parseCheckpoint(`${CHECKPOINT_FILE}:${index + 1}`, line)],
      );
  }

  private async text(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }
}
