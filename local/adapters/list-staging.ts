// The local staging of a `load-screening-list` request's files (F2): the same port as the S3 staging
// (lambdas/screening/aws/s3-list-staging.ts) over the state folder's `list-incoming/<requestId>/`. A slot is
// a JSON file with its expiry; `receive` is what the local upload endpoint (LIST_UPLOAD_PATH) calls with the
// multipart form and enforces the slot as S3 enforces a POST policy (the key, the size, the expiry).
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import {
  INCOMING_PREFIX,
  type ListStaging,
  MAX_STAGED_FILE_BYTES,
  STAGING_SLOT_SECONDS,
  stagedKey,
  type UploadSlot,
} from '../../lambdas/screening/staging.js';
import { JsonFile } from './json-file.js';
import { LocalUploadRefused } from './kyc-documents.js';

/** The local upload endpoint of the list files (a multipart POST, as to S3). */
export const LIST_UPLOAD_PATH = '/local/list-uploads';

const KEY = /^incoming\/[A-Za-z0-9_-]{1,128}\/[a-z0-9][a-z0-9_-]{0,63}(\.[a-z0-9]{1,8}){1,2}$/;

export class LocalListStaging implements ListStaging {
  constructor(
    private readonly root: string,
    private readonly clock: Clock,
  ) {}

  private path(key: string, suffix = ''): string {
    if (!KEY.test(key)) throw new RangeError('not a staged list file');
    return join(this.root, 'list-incoming', `${key.slice(INCOMING_PREFIX.length)}${suffix}`);
  }

  async createSlots(input: {
    requestId: string;
    names: readonly string[];
    baseUrl: string;
  }): Promise<UploadSlot[]> {
    const expiresAt = new Date(this.clock.now().getTime() + STAGING_SLOT_SECONDS * 1000).toISOString();
    const slots: UploadSlot[] = [];
    for (const name of input.names) {
      const key = stagedKey(input.requestId, name);
      await mkdir(dirname(this.path(key)), { recursive: true, mode: 0o700 });
      await new JsonFile<{ expiresAt: string }>(this.path(key, '.slot.json')).write({ expiresAt });
      slots.push({
        name,
        url: `${input.baseUrl}${LIST_UPLOAD_PATH}`,
        fields: { key },
        expiresAt,
        maxBytes: MAX_STAGED_FILE_BYTES,
      });
    }
    return slots;
  }

  /** A POST of the form: refused outside a slot's policy. A second upload replaces the first, as on S3. */
  async receive(fields: Record<string, string>, file: Uint8Array): Promise<void> {
    const key = fields.key ?? '';
    if (!KEY.test(key)) throw new LocalUploadRefused(403, 'no such upload slot');
    const slot = await new JsonFile<{ expiresAt: string }>(this.path(key, '.slot.json')).read();
    if (!slot) throw new LocalUploadRefused(403, 'no such upload slot');
    if (this.clock.now().getTime() > Date.parse(slot.expiresAt))
      throw new LocalUploadRefused(403, 'the policy has expired');
    if (file.length < 1 || file.length > MAX_STAGED_FILE_BYTES)
      throw new LocalUploadRefused(400, "the size is outside the policy's range");
    await writeFile(this.path(key), file, { mode: 0o600 });
  }

  async read(requestId: string, name: string): Promise<Uint8Array | undefined> {
    const path = this.path(stagedKey(requestId, name));
    const found = await stat(path).catch(() => undefined);
    if (!found || found.size > MAX_STAGED_FILE_BYTES) return undefined;
    return new Uint8Array(await readFile(path));
  }
}
