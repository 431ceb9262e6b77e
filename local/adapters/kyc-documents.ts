// The local KYC document store (F1): the same port as the S3 store (lambdas/kyc/aws/s3-document-store.ts) over
// the state folder's `kyc-documents/`. A slot is a JSON file with its policy (content type, size range,
// expiry); `receive` is what the local upload endpoint calls with the multipart form, and enforces that policy
// as S3 does (the key, the content type, the size, the expiry), so a test of a bad upload sees the same refusal.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import {
  type DocumentLink,
  type DocumentStore,
  documentKey,
  type SlotRequest,
  type UploadSlot,
} from '../../lambdas/kyc/ports.js';
import { JsonFile } from './json-file.js';

/** The local upload endpoint (local/local-routes.ts): the client POSTs the form here as it would to S3. */
export const KYC_UPLOAD_PATH = '/local/kyc-uploads';
/** F1: where the local store serves a document's short-lived link (as S3 serves a presigned GET). */
export const KYC_DOCUMENT_LINK_PATH = '/local/kyc-documents';

interface SlotRecord {
  key: string;
  contentType: string;
  maxBytes: number;
  expiresAt: string;
}

/** An upload the local store refused, as S3 answers a POST outside its policy (403, or 400 for the size). */
export class LocalUploadRefused extends Error {
  override readonly name = 'LocalUploadRefused';
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
  }
}

const KEY = /^kyc\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9_-]{8,64}$/;

export class LocalDocumentStore implements DocumentStore {
  /** Signs the links (a presigned GET's signature, here an HMAC with a key of this process). */
  private readonly linkKey = randomBytes(32);

  constructor(
    private readonly root: string,
    /** Where the local upload endpoint is when the slot request does not say (its `baseUrl`). */
    private readonly uploadBaseUrl: string,
    private readonly clock: Clock,
  ) {}

  private path(key: string, suffix = ''): string {
    if (!KEY.test(key)) throw new RangeError('not a document key');
    return join(this.root, 'kyc-documents', `${key}${suffix}`);
  }

  async createUploadSlot(request: SlotRequest): Promise<UploadSlot> {
    const key = documentKey(request.userId, request.slotId);
    const expiresAt = new Date(this.clock.now().getTime() + request.expiresInSeconds * 1000).toISOString();
    const record: SlotRecord = {
      key,
      contentType: request.contentType,
      maxBytes: request.maxBytes,
      expiresAt,
    };
    await mkdir(dirname(this.path(key)), { recursive: true, mode: 0o700 });
    await new JsonFile<SlotRecord>(this.path(key, '.slot.json')).write(record);
    return {
      slotId: request.slotId,
      key,
      url: `${request.baseUrl ?? this.uploadBaseUrl}${KYC_UPLOAD_PATH}`,
      fields: { key, 'Content-Type': request.contentType },
      expiresAt,
      maxBytes: request.maxBytes,
      contentType: request.contentType,
    };
  }

  /** A POST of the form: refused outside the slot's policy; one upload per slot (a second is refused). */
  async receive(fields: Record<string, string>, file: Uint8Array): Promise<void> {
    const key = fields.key ?? '';
    if (!KEY.test(key)) throw new LocalUploadRefused(403, 'no such upload slot');
    const slot = await new JsonFile<SlotRecord>(this.path(key, '.slot.json')).read();
    if (!slot) throw new LocalUploadRefused(403, 'no such upload slot');
    if (this.clock.now().getTime() > Date.parse(slot.expiresAt))
      throw new LocalUploadRefused(403, 'the policy has expired');
    if (fields['Content-Type'] !== slot.contentType)
      throw new LocalUploadRefused(403, "the content type is not the policy's");
    if (file.length < 1 || file.length > slot.maxBytes)
      throw new LocalUploadRefused(400, "the size is outside the policy's range");
    if (await exists(this.path(key))) throw new LocalUploadRefused(403, 'the slot was used already');
    await writeFile(this.path(key), file, { mode: 0o600, flag: 'wx' });
  }

  async head(key: string): Promise<number | undefined> {
    const path = this.path(key);
    return (await exists(path)) ? (await stat(path)).size : undefined;
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const path = this.path(key);
    if (!(await exists(path))) return undefined;
    if ((await stat(path)).size > maxBytes) return undefined;
    return new Uint8Array(await readFile(path));
  }

  /**
   * A link that reads the object until it expires, as S3's presigned GET: the key, the expiry and an HMAC of
   * both. Served by the local route at KYC_DOCUMENT_LINK_PATH (`open`).
   */
  async linkFor(key: string, expiresInSeconds: number, baseUrl?: string): Promise<DocumentLink> {
    this.path(key);
    const expiresAt = new Date(this.clock.now().getTime() + expiresInSeconds * 1000).toISOString();
    const query = new URLSearchParams({ key, expires: expiresAt, signature: this.sign(key, expiresAt) });
    return { url: `${baseUrl ?? this.uploadBaseUrl}${KYC_DOCUMENT_LINK_PATH}?${query}`, expiresAt };
  }

  /** The bytes a link reads: refused (403) when forged or expired, as S3 refuses a bad presigned GET. */
  async open(query: URLSearchParams): Promise<{ bytes: Uint8Array; contentType: string }> {
    const key = query.get('key') ?? '';
    const expires = query.get('expires') ?? '';
    const given = Buffer.from(query.get('signature') ?? '', 'hex');
    const expected = Buffer.from(KEY.test(key) ? this.sign(key, expires) : '', 'hex');
    if (!KEY.test(key) || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new LocalUploadRefused(403, 'the signature does not match');
    if (!(this.clock.now().getTime() < Date.parse(expires)))
      throw new LocalUploadRefused(403, 'the link has expired');
    const slot = await new JsonFile<SlotRecord>(this.path(key, '.slot.json')).read();
    const bytes = await this.read(key, Number.MAX_SAFE_INTEGER);
    if (!bytes) throw new LocalUploadRefused(403, 'no such document');
    return { bytes, contentType: slot?.contentType ?? 'application/octet-stream' };
  }

  private sign(key: string, expiresAt: string): string {
    return createHmac('sha256', this.linkKey).update(`${key}\n${expiresAt}`).digest('hex');
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** F5: nothing to mark locally (no lifecycle expires a pending upload here). */
  async keep(_key: string): Promise<void> {}

  /**
   * F5: erases every document of the customer (and their slots) at once: what the bucket's lifecycle rule does
   * in AWS a day after the sweep tagged them. Answers how many documents there were.
   */
  async eraseAll(userId: string): Promise<number> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(userId)) throw new RangeError('not a safe user id');
    const dir = join(this.root, 'kyc-documents', 'kyc', userId);
    const names = await readdir(dir).catch(() => [] as string[]);
    await rm(dir, { recursive: true, force: true });
    return names.filter((name) => !name.endsWith('.slot.json')).length;
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
