// S3: the REST-XML protocol, enough of it for what the bundles call (kernel/aws/list-store.ts, the audit
// checkpoints, F5's document eraser): GetObject, HeadObject, PutObject, DeleteObject, ListObjectsV2,
// ListObjectVersions (unversioned: each key its one `null` version), PutObjectTagging. Buckets are the template's,
// by their physical names; objects live in memory for the harness's life. Requests arrive path-style
// (`/<bucket>/<key>`: the SDK goes path-style for an IP endpoint such as the harness's) or virtual-host style
// (`Host: <bucket>.s3.<region>.amazonaws.com`, through the worker's https guard).
//
// Authorised as S3 authorises: `s3:GetObject` (also for HeadObject), `s3:PutObject`, `s3:DeleteObject` on
// `arn:aws:s3:::<bucket>/<key>`, `s3:ListBucket` on `arn:aws:s3:::<bucket>` with `s3:prefix`, `s3:delimiter`
// and `s3:max-keys`. A missing object answers 404 NoSuchKey only to a caller who may `s3:ListBucket` the
// bucket, else 403 AccessDenied (S3's rule; the implied ListBucket check carries no `s3:prefix`, as the
// GetObject request has none). SSE-KMS: an object written to a bucket whose default encryption is a KMS key
// (or with `x-amz-server-side-encryption: aws:kms` and a key id) costs the writer `kms:GenerateDataKey` on
// that key, reading it back `kms:Decrypt`, both checked on the caller's behalf with
// `kms:ViaService=s3.<region>.amazonaws.com` and the encryption context S3 uses (`aws:s3:arn`: the bucket's
// ARN with an S3 Bucket Key, else the object's). Bucket policies are not evaluated (docs/cloud-fidelity.md).
import { createHash } from 'node:crypto';
import {
  type Answer,
  Endpoint,
  escapeXml,
  type Gate,
  type IncomingCall,
  type Service,
} from '../endpoints.js';
import type { CloudBucket, CloudModel } from '../template.js';

interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  kmsKeyArn?: string;
  checksum?: { header: string; value: string };
  /** The object's tags (PutObjectTagging; F5's erase tag). */
  tags?: Record<string, string>;
}

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** S3's error document. */
export function s3Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Answer {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `${XML}<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>harness</RequestId><HostId>harness</HostId></Error>`,
  };
}

/** The body of a streaming (`aws-chunked`) upload: the chunks' data without their signatures and trailers. */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0] as string, 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export class S3Service implements Service {
  readonly protocol = 'rest-xml' as const;
  /** bucket name → key → object. */
  readonly objects = new Map<string, Map<string, StoredObject>>();

  constructor(private readonly model: CloudModel) {
    for (const bucket of model.buckets) this.objects.set(bucket.name, new Map());
  }

  private bucketOf(name: string): CloudBucket | undefined {
    return this.model.buckets.find((b) => b.name === name);
  }

  /** Seeds an object as an operator (or a test) would have put it, outside any function's role. */
  seed(bucket: string, key: string, body: Buffer | string, contentType = 'application/octet-stream'): void {
    const b = this.bucketOf(bucket);
    if (!b) throw new Error(`${bucket} is not a bucket of the template`);
    const bytes = Buffer.from(body);
    this.objects.get(bucket)?.set(key, {
      body: bytes,
      contentType,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      lastModified: new Date(),
      ...(b.kmsKeyArn ? { kmsKeyArn: b.kmsKeyArn } : {}),
    });
  }

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const url = new URL(call.path, 'http://s3');
    const host = String(call.headers.host ?? '');
    const virtual = /^(.+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/.exec(host.replace(/:\d+$/, ''))?.[1];
    const segments = url.pathname.split('/').slice(1);
    const bucketName = virtual ?? decodeURIComponent(segments.shift() ?? '');
    const key = segments.map((s) => decodeURIComponent(s)).join('/');
    const query = url.searchParams;
    const method = call.method.toUpperCase();
    const op =
      key === ''
        ? method === 'GET' && query.get('list-type') === '2'
          ? 'ListObjectsV2'
          : method === 'GET' && query.has('versions')
            ? 'ListObjectVersions'
            : `${method} bucket`
        : method === 'PUT' && query.has('tagging')
          ? 'PutObjectTagging'
          : method === 'GET'
            ? 'GetObject'
            : method === 'HEAD'
              ? 'HeadObject'
              : method === 'PUT'
                ? call.headers['x-amz-copy-source']
                  ? 'CopyObject'
                  : 'PutObject'
                : method === 'DELETE'
                  ? 'DeleteObject'
                  : `${method} object`;
    call.operation = op;
    // A presigned request (query-string SigV4, F1's document links): S3 refuses it once it has expired.
    const signedAt = query.get('X-Amz-Date');
    const expires = Number(query.get('X-Amz-Expires') ?? Number.NaN);
    if (signedAt && Number.isFinite(expires)) {
      const at = Date.parse(
        signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
      if (!(Date.now() <= at + expires * 1000))
        return s3Error(403, 'AccessDenied', 'Request has expired', {
          'X-Amz-Expires': String(expires),
        });
    }
    const bucket = this.bucketOf(bucketName);
    const objects = this.objects.get(bucketName);
    const bucketArn = bucket?.arn ?? `arn:${this.model.deployment.partition}:s3:::${bucketName}`;
    const objectArn = `${bucketArn}/${key}`;
    const via = { 'kms:ViaService': `s3.${this.model.deployment.region}.amazonaws.com` };
    const denied = () => Endpoint.denied('rest-xml', gate, call);
    const needs = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
      gate.authorize(call, [{ request: { action, resource, context } }]);

    // Authorise before the bucket's existence is told (S3 answers AccessDenied first).
    switch (op) {
      case 'ListObjectsV2': {
        const context: Record<string, string> = {};
        for (const [param, k] of [
          ['prefix', 's3:prefix'],
          ['delimiter', 's3:delimiter'],
          ['max-keys', 's3:max-keys'],
        ] as const) {
          const v = query.get(param);
          if (v !== null) context[k] = v;
        }
        if (!needs('s3:ListBucket', bucketArn, context)) return denied();
        break;
      }
      case 'ListObjectVersions': {
        // F5: an unversioned emulation: each key is its one version, `null`.
        const prefix = query.get('prefix');
        if (!needs('s3:ListBucketVersions', bucketArn, prefix !== null ? { 's3:prefix': prefix } : {}))
          return denied();
        break;
      }
      case 'PutObjectTagging': {
        const versioned = query.get('versionId');
        const action =
          versioned && versioned !== 'null' ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging';
        if (!needs(action, objectArn)) return denied();
        break;
      }
      case 'GetObject':
      case 'HeadObject':
        if (!needs('s3:GetObject', objectArn)) return denied();
        break;
      case 'PutObject': {
        const context: Record<string, string> = {};
        const sse = call.headers['x-amz-server-side-encryption'];
        const sseKey = call.headers['x-amz-server-side-encryption-aws-kms-key-id'];
        if (sse) context['s3:x-amz-server-side-encryption'] = String(sse);
        if (sseKey) context['s3:x-amz-server-side-encryption-aws-kms-key-id'] = String(sseKey);
        if (!needs('s3:PutObject', objectArn, context)) return denied();
        break;
      }
      case 'DeleteObject':
        if (!needs('s3:DeleteObject', objectArn)) return denied();
        break;
      default:
        return s3Error(501, 'NotImplemented', `The harness does not emulate S3 ${op} (${call.path})`);
    }
    if (!bucket || !objects) {
      gate.violation({
        kind: 'not-found',
        caller: call.principal.id,
        operation: `s3:${op}`,
        detail: `bucket ${bucketName} is not a bucket of the template`,
      });
      return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });
    }
    const kmsContext = (keyArn: string) => ({
      ...via,
      'kms:EncryptionContext:aws:s3:arn': bucket.bucketKey ? bucketArn : objectArn,
      'kms:EncryptionContextKeys': ['aws:s3:arn'],
      'kms:CallerAccount': this.model.deployment.account,
      _key: keyArn,
    });
    const impliedKms = (action: string, keyArn: string) => {
      const { _key, ...context } = kmsContext(keyArn);
      return gate.authorize(call, [
        {
          request: { action, resource: _key, context },
          implied: `SSE-KMS of s3://${bucketName}/${key} (S3 calls KMS with the caller's credentials)`,
        },
      ]);
    };

    switch (op) {
      case 'ListObjectsV2': {
        const prefix = query.get('prefix') ?? '';
        const delimiter = query.get('delimiter') ?? '';
        const maxKeys = Math.min(Number(query.get('max-keys') ?? 1000), 1000);
        const after = query.get('continuation-token') ?? query.get('start-after') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const contents: string[] = [];
        const prefixes = new Set<string>();
        let truncated = false;
        let last = '';
        for (const k of keys) {
          if (contents.length + prefixes.size >= maxKeys) {
            truncated = true;
            break;
          }
          last = k;
          const rest = k.slice(prefix.length);
          const cut = delimiter ? rest.indexOf(delimiter) : -1;
          if (cut >= 0) {
            prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
            continue;
          }
          const o = objects.get(k) as StoredObject;
          contents.push(
            `<Contents><Key>${escapeXml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
          );
        }
        const body = `${XML}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucketName)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>${delimiter ? `<Delimiter>${escapeXml(delimiter)}</Delimiter>` : ''}<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${escapeXml(last)}</NextContinuationToken>` : ''}${contents.join('')}${[
          ...prefixes,
        ]
          .map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`)
          .join('')}</ListBucketResult>`;
        return { status: 200, headers: { 'content-type': 'application/xml' }, body };
      }
      case 'ListObjectVersions': {
        const prefix = query.get('prefix') ?? '';
        const versions = [...objects.keys()]
          .filter((k) => k.startsWith(prefix))
          .sort()
          .map((k) => {
            const o = objects.get(k) as StoredObject;
            return `<Version><Key>${escapeXml(k)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Version>`;
          });
        const body = `${XML}<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucketName)}</Name><Prefix>${escapeXml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${versions.join('')}</ListVersionsResult>`;
        return { status: 200, headers: { 'content-type': 'application/xml' }, body };
      }
      case 'PutObjectTagging': {
        const o = objects.get(key);
        if (!o) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
        const tags: Record<string, string> = {};
        for (const m of call.body
          .toString('utf8')
          .matchAll(/<Tag><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/Tag>/g))
          tags[m[1] as string] = m[2] as string;
        o.tags = tags;
        return { status: 200, headers: { 'x-amz-version-id': 'null' }, body: '' };
      }
      case 'GetObject':
      case 'HeadObject': {
        const o = objects.get(key);
        if (!o) {
          // S3: 404 only to who may list the bucket; the implied check has no s3:prefix.
          const mayList = needs('s3:ListBucket', bucketArn);
          if (!mayList) return denied();
          if (op === 'HeadObject') return { status: 404, body: '' };
          return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
        }
        if (op === 'GetObject' && o.kmsKeyArn && !impliedKms('kms:Decrypt', o.kmsKeyArn)) return denied();
        const headers: Record<string, string> = {
          'content-type': o.contentType,
          'content-length': String(o.body.length),
          etag: o.etag,
          'last-modified': o.lastModified.toUTCString(),
          'accept-ranges': 'bytes',
        };
        if (o.kmsKeyArn) {
          headers['x-amz-server-side-encryption'] = 'aws:kms';
          headers['x-amz-server-side-encryption-aws-kms-key-id'] = o.kmsKeyArn;
          if (bucket.bucketKey) headers['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
        }
        if (o.checksum && call.headers['x-amz-checksum-mode'] === 'ENABLED')
          headers[o.checksum.header] = o.checksum.value;
        return { status: 200, headers, body: op === 'HeadObject' ? '' : o.body };
      }
      case 'PutObject': {
        const sse = call.headers['x-amz-server-side-encryption'];
        const sseKey = call.headers['x-amz-server-side-encryption-aws-kms-key-id'];
        if (sse !== undefined && sse !== 'aws:kms' && sse !== 'AES256')
          return s3Error(400, 'InvalidArgument', `Server Side Encryption with ${sse} is not supported`);
        const keyArn =
          sse === 'AES256'
            ? undefined
            : sseKey
              ? this.keyArnOf(String(sseKey))
              : sse === 'aws:kms'
                ? (bucket.kmsKeyArn ??
                  `arn:aws:kms:${this.model.deployment.region}:${this.model.deployment.account}:alias/aws/s3`)
                : bucket.kmsKeyArn;
        if (keyArn && !impliedKms('kms:GenerateDataKey', keyArn)) return denied();
        const encoding = String(call.headers['content-encoding'] ?? '');
        const streaming =
          encoding.includes('aws-chunked') ||
          String(call.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
        const body = streaming ? decodeAwsChunked(call.body) : call.body;
        const checksumHeader = Object.keys(call.headers).find(
          (h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-mode',
        );
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        objects.set(key, {
          body,
          contentType: String(call.headers['content-type'] ?? 'binary/octet-stream'),
          etag,
          lastModified: new Date(),
          ...(keyArn ? { kmsKeyArn: keyArn } : {}),
          ...(checksumHeader
            ? { checksum: { header: checksumHeader, value: String(call.headers[checksumHeader]) } }
            : {}),
        });
        const headers: Record<string, string> = { etag };
        if (keyArn) {
          headers['x-amz-server-side-encryption'] = 'aws:kms';
          headers['x-amz-server-side-encryption-aws-kms-key-id'] = keyArn;
          if (bucket.bucketKey) headers['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
        }
        return { status: 200, headers, body: '' };
      }
      case 'DeleteObject':
        objects.delete(key);
        return { status: 204, body: '' };
    }
    return s3Error(501, 'NotImplemented', `The harness does not emulate S3 ${op}`);
  }

  /** A key id, key ARN or alias as the PutObject header names it → the key's ARN. */
  private keyArnOf(id: string): string {
    if (id.startsWith('arn:')) return id;
    const { partition, region, account } = this.model.deployment;
    return `arn:${partition}:kms:${region}:${account}:key/${id}`;
  }
}
