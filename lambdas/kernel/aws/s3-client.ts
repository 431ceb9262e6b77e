// The S3 operations Palisade's functions make, each one signed request (signed-request.ts) instead of
// @aws-sdk/client-s3 and @aws-sdk/s3-presigned-post (~155 KB minified with the REST-XML protocol, checksums and
// S3's middlewares): docs/decisions.md, "Bundles". GetObject, HeadObject, PutObject, DeleteObject (a version),
// ListObjectsV2, ListObjectVersions and PutObjectTagging, the presigned GET (query-string SigV4) and the
// presigned POST (a policy document and its SigV4 signature, as @aws-sdk/s3-presigned-post builds it).
//
// Addressed as the SDK addresses them: virtual-host style (`<bucket>.s3.<region>.amazonaws.com`), or at the
// endpoint of AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (its path kept), path-style when that endpoint is an IP
// address or the bucket's name is not a DNS label. Errors are S3Error, named by S3's error code (NoSuchKey,
// AccessDenied, PreconditionFailed …; a HEAD's bodiless 404 is NotFound), with `$metadata.httpStatusCode`.
// The XML answers (two list documents and the error document) are read by a small reader of their flat
// elements (xml-text.ts) rather than an XML parser.
import { createHash, createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { getSigningKey } from '@smithy/signature-v4';
import { envCredentials } from './env-credentials.js';
import {
  type Answer,
  type ApiRequest,
  AwsApiError,
  type AwsTransport,
  type CallOptions,
  header,
  NodeSha256,
  regionAndEndpoint,
  signedCall,
  signerFor,
  traced,
  uriEncode,
} from './signed-request.js';
import { xmlElements, xmlText } from './xml-text.js';

/** S3's refusal of a call, named by S3's error code, as the SDK names its S3ServiceException. */
export { AwsApiError as S3Error };

/** Where S3 is: AWS's own endpoint unless `endpoint` (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) names another. */
export interface S3Transport extends Omit<AwsTransport, 'endpoint'> {
  endpoint?: URL;
}

export function s3TransportFromEnv(env: NodeJS.ProcessEnv = process.env): S3Transport {
  const { region, endpoint } = regionAndEndpoint('AWS_ENDPOINT_URL_S3', env);
  return { region, credentials: envCredentials(env), ...(endpoint ? { endpoint: new URL(endpoint) } : {}) };
}

// --- the XML of S3's answers: flat elements (xml-text.ts); what a tagging request writes, escaped ---------

const XML_ESCAPES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&${XML_ESCAPES[c]};`);

export { xmlElements, xmlText };

// --- requests ------------------------------------------------------------------------------------------------

/** A key as a URL path: each segment encoded, the slashes kept (as the SDK sends it). */
const keyPath = (key: string) => key.split('/').map(uriEncode).join('/');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('base64');
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ObjectAnswer {
  contentLength: number;
  contentType?: string;
  versionId?: string;
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export class SignedS3 {
  /** The S3 signer (the path signed as sent). */
  readonly signer;
  constructor(readonly transport: S3Transport) {
    this.signer = signerFor(transport, 's3', { uriEscapePath: false });
  }

  /** The bucket's base URL (no trailing slash) and its parts, as the SDK resolves it. */
  where(bucket: string): { protocol: string; hostname: string; port?: number; path: string } {
    const endpoint = this.transport.endpoint ?? new URL(`https://s3.${this.transport.region}.amazonaws.com`);
    const base = endpoint.pathname.replace(/\/$/, '');
    const port = endpoint.port ? { port: Number(endpoint.port) } : {};
    const pathStyle = !DNS_BUCKET.test(bucket) || isIP(endpoint.hostname.replace(/^\[|\]$/g, '')) !== 0;
    return pathStyle
      ? {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          ...port,
          path: `${base}/${uriEncode(bucket)}`,
        }
      : { protocol: endpoint.protocol, hostname: `${bucket}.${endpoint.hostname}`, ...port, path: base };
  }

  /** One signed call of `operation` on the bucket (or one of its keys), traced, retried. */
  request(
    operation: string,
    bucket: string,
    key: string | undefined,
    request: Pick<ApiRequest, 'method'> & Partial<Pick<ApiRequest, 'query' | 'headers' | 'body'>>,
    options: Partial<CallOptions> = {},
  ): Promise<Answer> {
    const at = this.where(bucket);
    return traced('S3', operation, this.transport.region, () =>
      signedCall(
        this.transport,
        this.signer,
        {
          ...at,
          method: request.method,
          path: key === undefined ? at.path || '/' : `${at.path}/${keyPath(key)}`,
          headers: {
            ...(request.body ? { 'content-length': String(request.body.byteLength) } : {}),
            ...request.headers,
          },
          ...(request.query ? { query: request.query } : {}),
          ...(request.body ? { body: request.body } : {}),
        },
        // Every operation here is idempotent: a connection lost before the answer is tried again.
        { errorOf: s3Error, retryNetwork: true, ...options },
      ),
    );
  }

  /** The object's bytes; `body` is undefined when it is longer than `maxBytes` (and is then not read). */
  async getObject(
    bucket: string,
    key: string,
    options: { maxBytes?: number } = {},
  ): Promise<ObjectAnswer & { body: Buffer | undefined }> {
    const answer = await this.request(
      'GetObject',
      bucket,
      key,
      { method: 'GET' },
      options.maxBytes === undefined ? {} : { maxBody: options.maxBytes },
    );
    const facts = objectFacts(answer);
    return {
      ...facts,
      body:
        options.maxBytes !== undefined && facts.contentLength > options.maxBytes ? undefined : answer.body,
    };
  }

  /** Writes an object; `ifNoneMatch: '*'` writes it only if the key has none (else 412 PreconditionFailed). */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    options: { contentType?: string; ifNoneMatch?: '*' } = {},
  ): Promise<{ versionId?: string }> {
    const bytes = Buffer.from(body);
    const answer = await this.request('PutObject', bucket, key, {
      method: 'PUT',
      // Content-MD5: S3 requires an integrity header for a put into a bucket with Object Lock retention.
      headers: {
        'content-md5': md5(bytes),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
        ...(options.ifNoneMatch ? { 'if-none-match': options.ifNoneMatch } : {}),
      },
      body: bytes,
    });
    const versionId = header(answer, 'x-amz-version-id');
    return versionId ? { versionId } : {};
  }

  async listObjectsV2(
    bucket: string,
    options: { prefix?: string; maxKeys?: number; startAfter?: string; continuationToken?: string },
  ): Promise<{ keys: string[]; isTruncated: boolean; nextContinuationToken?: string }> {
    const xml = await listXml(this, 'ListObjectsV2', bucket, {
      'list-type': '2',
      prefix: options.prefix,
      'max-keys': options.maxKeys,
      'start-after': options.startAfter,
      'continuation-token': options.continuationToken,
    });
    const next = xmlText(xml, 'NextContinuationToken');
    return {
      keys: xmlElements(xml, 'Contents').map((c) => xmlText(c, 'Key') ?? ''),
      isTruncated: xmlText(xml, 'IsTruncated') === 'true',
      ...(next ? { nextContinuationToken: next } : {}),
    };
  }
}

/** The XML answer of a list operation, its query the parameters given (S3's names). */
async function listXml(
  s3: SignedS3,
  operation: string,
  bucket: string,
  params: Record<string, string | number | undefined>,
): Promise<string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query[name] = String(value);
  return (await s3.request(operation, bucket, undefined, { method: 'GET', query })).body.toString('utf8');
}

export async function headObject(s3: SignedS3, bucket: string, key: string): Promise<ObjectAnswer> {
  return objectFacts(await s3.request('HeadObject', bucket, key, { method: 'HEAD' }));
}

/** Deletes the object, or one version of it for good when `versionId` is given. */
export async function deleteObject(
  s3: SignedS3,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<void> {
  await s3.request('DeleteObject', bucket, key, {
    method: 'DELETE',
    ...(versionId ? { query: { versionId } } : {}),
  });
}

/** One page of the versions under a prefix (delete markers left out, as the SDK's `Versions`). */
export async function listObjectVersions(
  s3: SignedS3,
  bucket: string,
  options: { prefix?: string; keyMarker?: string; versionIdMarker?: string },
): Promise<{
  versions: { key: string; versionId?: string }[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}> {
  const xml = await listXml(s3, 'ListObjectVersions', bucket, {
    versions: '',
    prefix: options.prefix,
    'key-marker': options.keyMarker,
    'version-id-marker': options.versionIdMarker,
  });
  const nextKey = xmlText(xml, 'NextKeyMarker');
  const nextVersion = xmlText(xml, 'NextVersionIdMarker');
  return {
    versions: xmlElements(xml, 'Version').map((v) => {
      const versionId = xmlText(v, 'VersionId');
      return { key: xmlText(v, 'Key') ?? '', ...(versionId ? { versionId } : {}) };
    }),
    isTruncated: xmlText(xml, 'IsTruncated') === 'true',
    ...(nextKey ? { nextKeyMarker: nextKey } : {}),
    ...(nextVersion ? { nextVersionIdMarker: nextVersion } : {}),
  };
}

/** Replaces the tags of the object (of one version of it, with `versionId`). */
export async function putObjectTagging(
  s3: SignedS3,
  bucket: string,
  key: string,
  tags: Record<string, string>,
  versionId?: string,
): Promise<void> {
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${Object.entries(
      tags,
    )
      .map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`)
      .join('')}</TagSet></Tagging>`,
  );
  await s3.request('PutObjectTagging', bucket, key, {
    method: 'PUT',
    query: { tagging: '', ...(versionId ? { versionId } : {}) },
    // S3 requires an integrity header on a tagging request.
    headers: { 'content-type': 'application/xml', 'content-md5': md5(body) },
    body,
  });
}

/**
 * A presigned GET of the object (query-string SigV4, unsigned payload, as @aws-sdk/s3-request-presigner
 * signs it): whoever holds the URL reads the object as the signer until it expires.
 */
export async function presignGet(
  s3: SignedS3,
  bucket: string,
  key: string,
  options: { expiresIn: number; signingDate?: Date },
): Promise<string> {
  const at = s3.where(bucket);
  const host = `${at.hostname}${at.port ? `:${at.port}` : ''}`;
  const path = `${at.path}/${keyPath(key)}`;
  const signed = await s3.signer.presign(
    {
      method: 'GET',
      protocol: at.protocol,
      hostname: at.hostname,
      ...(at.port ? { port: at.port } : {}),
      path,
      query: { 'x-id': 'GetObject' },
      headers: { host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    { expiresIn: options.expiresIn, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(String(v))}`)
    .join('&');
  return `${at.protocol}//${host}${path}?${query}`;
}

/**
 * A presigned POST of one key: the policy (expiry, `conditions`, then every field and the key, as
 * @aws-sdk/s3-presigned-post writes it), base64, signed with the SigV4 signing key of the day.
 */
export async function presignPost(
  s3: SignedS3,
  bucket: string,
  key: string,
  options: {
    conditions: readonly unknown[];
    fields?: Record<string, string>;
    expiresIn: number;
    now?: Date;
  },
): Promise<PresignedPost> {
  const now = options.now ?? new Date();
  const date = iso8601(now).replace(/[-:]/g, '');
  const day = date.slice(0, 8);
  const credentials = await s3.transport.credentials();
  const fields: Record<string, string> = {
    ...options.fields,
    bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${day}/${s3.transport.region}/s3/aws4_request`,
    'X-Amz-Date': date,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const conditions = new Set<string>(options.conditions.map((c) => JSON.stringify(c)));
  for (const [name, value] of Object.entries(fields)) conditions.add(JSON.stringify({ [name]: value }));
  conditions.add(JSON.stringify({ key }));
  const policy = Buffer.from(
    JSON.stringify({
      expiration: iso8601(new Date(now.getTime() + options.expiresIn * 1000)),
      conditions: [...conditions].map((c) => JSON.parse(c)),
    }),
  ).toString('base64');
  const signingKey = await getSigningKey(NodeSha256, credentials, day, s3.transport.region, 's3');
  const signature = createHmac('sha256', signingKey).update(policy).digest('hex');
  const at = s3.where(bucket);
  return {
    url: `${at.protocol}//${at.hostname}${at.port ? `:${at.port}` : ''}${at.path || '/'}`,
    fields: { ...fields, key, Policy: policy, 'X-Amz-Signature': signature },
  };
}

function objectFacts(answer: Answer): ObjectAnswer {
  const contentType = header(answer, 'content-type');
  const versionId = header(answer, 'x-amz-version-id');
  return {
    contentLength: Number(header(answer, 'content-length') ?? answer.body.length),
    ...(contentType ? { contentType } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

/** S3's error document (`<Error><Code>…`); a bodiless answer (a HEAD's) is named by its status, as the SDK does. */
function s3Error(answer: Answer): AwsApiError {
  const xml = answer.body.toString('utf8');
  const byStatus: Record<number, string> = { 404: 'NotFound', 403: 'Forbidden', 412: 'PreconditionFailed' };
  return new AwsApiError(
    xmlText(xml, 'Code') ?? byStatus[answer.status] ?? `Http${answer.status}`,
    answer.status,
    xmlText(xml, 'Message') ?? '',
    header(answer, 'x-amz-request-id') ?? xmlText(xml, 'RequestId'),
  );
}

/** One client per container, over the environment's region, endpoint and credentials. */
export const s3FromEnv = () => new SignedS3(s3TransportFromEnv());
