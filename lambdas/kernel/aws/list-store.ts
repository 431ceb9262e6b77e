// The screening lists in AWS (F2): the bucket of lib/screening-lists.ts (SSE-KMS with its own key,
// versioned, TLS only, no public access). A version's files are `lists/<list>/<version>/files/<name>`, the
// files derived from them (the parsed entities) `lists/<list>/<version>/derived/<name>`, its manifest
// `lists/<list>/<version>/manifest.json`; `lists/<list>/current.json` names the version in force
// and is written last, so a reader never sees half a version.
import type { ListStore, ListVersionManifest } from '../ports/list-store.js';
import { once } from '../runtime/aws-env.js';
import { type S3Error, type SignedS3, s3FromEnv } from './s3-client.js';

/** The environment variable naming the bucket (ACCESS_ENV of the `screening-lists:*` accesses). */
export const SCREENING_LISTS_BUCKET_ENV = 'SCREENING_LISTS_BUCKET';

const prefix = (list: string) => `lists/${encodeURIComponent(list)}/`;

export class S3ListStore implements ListStore {
  constructor(
    private readonly s3: SignedS3,
    private readonly bucket: string,
  ) {}

  async putVersion(manifest: ListVersionManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const base = this.base(manifest.list, manifest.version);
    for (const [name, bytes] of files) {
      await this.s3.putObject(this.bucket, `${base}files/${encodeURIComponent(name)}`, bytes);
    }
    await this.putManifest(manifest);
  }

  async putManifest(manifest: ListVersionManifest): Promise<void> {
    await this.put(`${this.base(manifest.list, manifest.version)}manifest.json`, manifest);
  }

  async putDerived(list: string, version: string, name: string, bytes: Uint8Array): Promise<void> {
    await this.s3.putObject(
      this.bucket,
      `${this.base(list, version)}derived/${encodeURIComponent(name)}`,
      bytes,
      {
        contentType: 'application/json',
      },
    );
  }

  async readDerived(list: string, version: string, name: string): Promise<Uint8Array | undefined> {
    try {
      const got = await this.s3.getObject(
        this.bucket,
        `${this.base(list, version)}derived/${encodeURIComponent(name)}`,
      );
      return new Uint8Array(got.body ?? Buffer.alloc(0));
    } catch (error) {
      if ((error as S3Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private base(list: string, version: string): string {
    return `${prefix(list)}${encodeURIComponent(version)}/`;
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
    const out = new Map<string, Uint8Array>();
    let token: string | undefined;
    do {
      const listed = await this.s3.listObjectsV2(this.bucket, {
        prefix: base,
        ...(token ? { continuationToken: token } : {}),
      });
      for (const key of listed.keys) {
        const got = await this.s3.getObject(this.bucket, key);
        out.set(decodeURIComponent(key.slice(base.length)), new Uint8Array(got.body ?? Buffer.alloc(0)));
      }
      token = listed.isTruncated ? listed.nextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private async put(key: string, value: unknown): Promise<void> {
    await this.s3.putObject(this.bucket, key, JSON.stringify(value), { contentType: 'application/json' });
  }

  private async get(key: string): Promise<unknown> {
    try {
      const got = await this.s3.getObject(this.bucket, key);
      return JSON.parse(got.body?.toString('utf8') || 'null');
    } catch (error) {
      if ((error as S3Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** One store per container, over the bucket the environment names. */
export const awsListStore = /* @__PURE__ */ once(() => {
  const bucket = process.env[SCREENING_LISTS_BUCKET_ENV];
  if (!bucket) throw new Error(`${SCREENING_LISTS_BUCKET_ENV} is not set`);
  return new S3ListStore(s3FromEnv(), bucket);
});
