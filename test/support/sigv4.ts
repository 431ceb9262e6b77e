// One independent SigV4 verifier for the tests of the signed AWS calls (lambdas/kernel/aws/signed-request.ts and
// the clients over it): the header signature recomputed from the raw request as the AWS documentation defines
// it, without @smithy/signature-v4. S3 signs the path as sent and carries its payload hash in
// x-amz-content-sha256; every other service encodes each path segment once more and signs the body's SHA-256.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface RawRequest {
  method: string;
  /** The path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface SigV4Check {
  /** The secret key the caller's credentials hold. */
  secret: string;
  /** The service the scope must name (any, when absent). */
  service?: string;
  /** Headers that must be among the signed ones (host and x-amz-date always). */
  signed?: readonly string[];
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** `ok`, `unsigned`, or what is wrong with the request's SigV4 header signature. */
export function verifySigV4(req: RawRequest, check: SigV4Check): string {
  if (req.headers.authorization === undefined) return 'unsigned';
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(req.headers.authorization),
    );
  if (!auth) return 'malformed authorization';
  const [, , day = '', region = '', service = '', signed = '', signature] = auth;
  if (check.service && service !== check.service) return `signed for ${service}, not ${check.service}`;
  const names = signed.split(';');
  for (const required of ['host', 'x-amz-date', ...(check.signed ?? [])])
    if (!names.includes(required)) return `${required} not signed`;
  const [rawPath = '/', rawQuery = ''] = req.url.split('?');
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k = '', v = ''] = pair.split(/=(.*)/s);
      return [rfc3986(decodeURIComponent(k)), rfc3986(decodeURIComponent(v))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const s3 = service === 's3';
  const payloadHash = s3 ? String(req.headers['x-amz-content-sha256']) : sha256(req.body);
  if (s3 && payloadHash !== sha256(req.body)) return 'payload hash';
  const path = s3 ? rawPath : rawPath.split('/').map(rfc3986).join('/') || '/';
  const canonical = [
    req.method,
    path,
    query,
    ...names.map((n) => `${n}:${String(req.headers[n]).trim().replace(/\s+/g, ' ')}`),
    '',
    signed,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${req.headers['x-amz-date']}\n${scope}\n${sha256(canonical)}`;
  let key: Buffer = Buffer.from(`AWS4${check.secret}`);
  for (const part of [day, region, service, 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? 'ok' : 'signature mismatch';
}
