// The screening lists in AWS (F2): the bucket of lib/screening-lists.ts (SSE-KMS with its own key,
// versioned, TLS only, no public access). A version's files are `lists/<list>/<version>/files/<name>`, its
// manifest `lists/<list>/<version>/manifest.json`; `lists/<list>/current.json` names the version in force
// and is written last, so a reader never sees half a version.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ListStore, ListVersionManifest } from '../ports/list-store.js';
import { once } from '../runtime/aws-env.js';

/** The environment variable naming the bucket (ACCESS_ENV of the `screening-lists:*` accesses). */
export const SCREENING_LISTS_BUCKET_ENV = 'SCREENING_LISTS_BUCKET';

const prefix = (list: string) => `lists/${encodeURIComponent(list)}/`;

export class S3ListStore implements ListStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async putVersion(manifest: ListVersionManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const base = `${prefix(manifest.list)}${encodeURIComponent(manifest.version)}/`;
    for (const [name, bytes] of files) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${base}files/${encodeURIComponent(name)}`,
          Body: bytes,
        }),
      );
    }
    await this.put(`${base}manifest.json`, manifest);
  }

  async setCurrent(list: string, version: string): Promise<void> {
    await this.put(`${prefix(list)}current.json`, { version });
  }

  async current(list: string): Promise<ListVersionManifest | undefined> {
    const pointer = (await this.get(`${prefix(list)}current.json`)) as { version?: string } | undefined;
    if (typeof pointer?.version !== 'string') return undefined;
    return (await this.get(`${prefix(list)}${encodeURIComponent(pointer.version)}/manifest.json`)) as
      | ListVersionManifest
      | undefined;
  }

  async readFiles(list: string, version: string): Promise<Map<string, Uint8Array>> {
    const base = `${prefix(list)}${encodeURIComponent(version)}/files/`;
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base }));
    const out = new Map<string, Uint8Array>();
    for (const object of listed.Contents ?? []) {
      if (object.Key === undefined) continue;
      const got = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: object.Key }));
      out.set(
        decodeURIComponent(object.Key.slice(base.length)),
        (await got.Body?.transformToByteArray()) ?? new Uint8Array(),
      );
    }
    return out;
  }

  private async put(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  private async get(key: string): Promise<unknown> {
    try {
      const got = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse((await got.Body?.transformToString('utf-8')) ?? 'null');
    } catch (error) {
      if ((error as S3ServiceException).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** One store per container, over the bucket the environment names. */
export const awsListStore = /* @__PURE__ */ once(() => {
  const bucket = process.env[SCREENING_LISTS_BUCKET_ENV];
  if (!bucket) throw new Error(`${SCREENING_LISTS_BUCKET_ENV} is not set`);
  return new S3ListStore(new S3Client({}), bucket);
});
