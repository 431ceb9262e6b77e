// The kernel's signed S3 adapter (lambdas/kernel/aws/s3-client.ts), which replaces @aws-sdk/client-s3 and
// @aws-sdk/s3-presigned-post in the functions (docs/decisions.md, "Bundles"): every operation against the
// S3 emulation of the cloud harness (its attribution, IAM and error answers), the signature checked by an
// independent SigV4 verifier, the presigned POST and GET equal to what the SDK's own presigners make, the
// addressing, the error names the adapters test for, and the retries of throttling and faults.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deleteObject,
  headObject,
  listObjectVersions,
  presignGet,
  presignPost,
  putObjectTagging,
  type S3Error,
  SignedS3,
  s3TransportFromEnv,
  xmlText,
} from '../../lambdas/kernel/aws/s3-client.js';
import { Endpoint, type Principal, standalonePrincipal } from '../cloud/harness/endpoints.js';
import type { PolicyStatement } from '../cloud/harness/iam.js';
import { S3Service } from '../cloud/harness/services/s3.js';
import type { CloudModel } from '../cloud/harness/template.js';
import { type RawRequest, verifySigV4 as verifySigV4Of } from '../support/sigv4.js';

const REGION = 'eu-west-1';
const BUCKET = 'palisade-kycdocumentsbucket-abcdef123456';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1111-2222';
const VIA = { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } };
const SECRET = 'harness-secret';

const model = {
  deployment: { region: REGION, account: '123456789012', partition: 'aws', stackName: 'Palisade' },
  buckets: [{ logicalId: 'Docs', name: BUCKET, arn: BUCKET_ARN, kmsKeyArn: KEY_ARN, bucketKey: false }],
} as unknown as CloudModel;

const roles: Record<string, PolicyStatement[]> = {
  Owner: [
    { Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: BUCKET_ARN },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
      Resource: `${BUCKET_ARN}/*`,
    },
    { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN, Condition: VIA },
  ],
  // may read objects but not list the bucket: a missing key is AccessDenied to it, as S3 answers
  Reader: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: VIA },
  ],
};

const principal = (id: string): Principal =>
  standalonePrincipal(id, roles[id] as PolicyStatement[], `ASIA${id.toUpperCase()}`);

let endpoint: Endpoint;
let service: S3Service;
let url = '';
const credentials = (id: string) => async () => ({
  accessKeyId: `ASIA${id.toUpperCase()}`,
  secretAccessKey: SECRET,
  sessionToken: `session-${id}`,
});
const client = (id: string) =>
  new SignedS3({ region: REGION, endpoint: new URL(`${url}/${id}/s3`), credentials: credentials(id) });

beforeAll(async () => {
  service = new S3Service(model);
  endpoint = new Endpoint({
    mode: 'enforce',
    principals: new Map(Object.keys(roles).map((id) => [id, principal(id)])),
    services: { s3: service },
    account: '123456789012',
  });
  url = await endpoint.start();
});
afterAll(() => endpoint.stop());
afterEach(() => vi.useRealTimers());

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as S3Error;
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
};

/** The request's SigV4 verdict, by the tests' one independent verifier (S3: the path as sent, the payload hash). */
const verifySigV4 = (req: RawRequest) => verifySigV4Of(req, { secret: SECRET, service: 's3' });

/** A stand-in S3 that answers from a script and records every request (with its signature verdict). */
async function standIn(answers: { status: number; body?: string; headers?: Record<string, string> }[]) {
  const seen: { method: string; url: string; verdict: string; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      verdict: verifySigV4({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }),
    });
    const answer = answers.shift() ?? { status: 200 };
    res.writeHead(answer.status, { 'x-amz-request-id': `req-${seen.length}`, ...answer.headers });
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s3 = new SignedS3({
    region: REGION,
    endpoint: new URL(`${at}/base`),
    credentials: credentials('Owner'),
    backoffMs: () => 1,
  });
  return { s3, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const SDK = {
  region: REGION,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;

const errorXml = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m &amp; more</Message><RequestId>r1</RequestId></Error>`;

describe('I2 the signed S3 adapter against the S3 emulation', () => {
  it('I2 F1 F2 puts, reads, sizes, lists, tags and deletes objects path-style at the endpoint, under SSE-KMS and the caller role', async () => {
    const s3 = client('Owner');
    const key = 'kyc/user-1/a file+(1)%é.json';
    await s3.putObject(BUCKET, key, '{"a":1}', { contentType: 'application/json' });
    await s3.putObject(BUCKET, 'kyc/user-1/b', new Uint8Array([1, 2, 3]));
    await s3.putObject(BUCKET, 'kyc/user-2/c', 'c');
    expect(service.objects.get(BUCKET)?.get(key)?.body.toString()).toBe('{"a":1}');
    expect(service.objects.get(BUCKET)?.get(key)?.kmsKeyArn).toBe(KEY_ARN);

    const got = await s3.getObject(BUCKET, key);
    expect(got).toMatchObject({ contentLength: 7, contentType: 'application/json' });
    expect(got.body?.toString()).toBe('{"a":1}');
    // too long for the caller's limit: not read
    expect((await s3.getObject(BUCKET, key, { maxBytes: 3 })).body).toBeUndefined();
    expect(await headObject(s3, BUCKET, 'kyc/user-1/b')).toMatchObject({ contentLength: 3 });

    expect(await s3.listObjectsV2(BUCKET, { prefix: 'kyc/user-1/' })).toEqual({
      keys: ['kyc/user-1/a file+(1)%é.json', 'kyc/user-1/b'],
      isTruncated: false,
    });
    const first = await s3.listObjectsV2(BUCKET, { prefix: 'kyc/', maxKeys: 1 });
    expect(first).toMatchObject({ keys: ['kyc/user-1/a file+(1)%é.json'], isTruncated: true });
    const rest = await s3.listObjectsV2(BUCKET, {
      prefix: 'kyc/',
      continuationToken: first.nextContinuationToken as string,
    });
    expect(rest.keys).toEqual(['kyc/user-1/b', 'kyc/user-2/c']);
    expect((await s3.listObjectsV2(BUCKET, { prefix: 'kyc/', startAfter: 'kyc/user-1/b' })).keys).toEqual([
      'kyc/user-2/c',
    ]);

    expect(await listObjectVersions(s3, BUCKET, { prefix: 'kyc/user-1/' })).toEqual({
      versions: [
        { key: 'kyc/user-1/a file+(1)%é.json', versionId: 'null' },
        { key: 'kyc/user-1/b', versionId: 'null' },
      ],
      isTruncated: false,
    });
    await putObjectTagging(s3, BUCKET, 'kyc/user-1/b', { 'palisade:erase': 'due & <now>' });
    expect(service.objects.get(BUCKET)?.get('kyc/user-1/b')?.tags).toEqual({
      'palisade:erase': 'due &amp; &lt;now&gt;',
    });

    await deleteObject(s3, BUCKET, key);
    expect(service.objects.get(BUCKET)?.has(key)).toBe(false);

    const ops = endpoint.calls.filter((c) => c.caller === 'Owner').map((c) => c.operation);
    expect(new Set(ops)).toEqual(
      new Set([
        'PutObject',
        'GetObject',
        'HeadObject',
        'ListObjectsV2',
        'ListObjectVersions',
        'PutObjectTagging',
        'DeleteObject',
      ]),
    );
    const put = endpoint.calls.find((c) => c.caller === 'Owner' && c.operation === 'PutObject');
    expect(put?.checks.map((c) => c.request.action)).toEqual(['s3:PutObject', 'kms:GenerateDataKey']);
    const read = endpoint.calls.find((c) => c.caller === 'Owner' && c.operation === 'GetObject');
    expect(read?.checks.map((c) => c.request.action)).toEqual(['s3:GetObject', 'kms:Decrypt']);
    // signed with the caller's own credentials (the endpoint checks the SigV4 credential against the role)
    expect(endpoint.violations.filter((v) => v.caller === 'Owner')).toEqual([]);
  });

  it('I2 F1 errors keep S3 names and status: NoSuchKey to who may list, AccessDenied to who may not, NotFound for a HEAD', async () => {
    expect(await failure(client('Owner').getObject(BUCKET, 'kyc/none'))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
    expect(await failure(headObject(client('Owner'), BUCKET, 'kyc/none'))).toEqual({
      name: 'NotFound',
      status: 404,
    });
    expect(await failure(client('Reader').getObject(BUCKET, 'kyc/none'))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await failure(client('Reader').putObject(BUCKET, 'kyc/x', 'x'))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
  });

  it('I2 F1 a presigned GET is the SDK presigner URL, and the emulation serves it to whoever holds it', async () => {
    const s3 = client('Owner');
    await s3.putObject(BUCKET, 'kyc/user-9/slot_1', 'document');
    const signingDate = new Date();
    const ours = await presignGet(s3, BUCKET, 'kyc/user-9/slot_1', { expiresIn: 600, signingDate });
    // (the SDK's response checksums off: a presigned link asks for none)
    const sdk = await getSignedUrl(
      new S3Client({ ...SDK, endpoint: `${url}/Owner/s3`, credentials: credentials('Owner') }),
      new GetObjectCommand({ Bucket: BUCKET, Key: 'kyc/user-9/slot_1' }),
      { expiresIn: 600, signingDate },
    );
    const params = (u: string) => Object.fromEntries(new URL(u).searchParams);
    expect(params(ours)).toEqual(params(sdk));
    expect(new URL(ours).pathname).toBe(new URL(sdk).pathname);
    const fetched = await fetch(ours);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe('document');

    // on AWS: virtual-host style, as the SDK addresses it
    const aws = { region: REGION, credentials: credentials('Owner') };
    const key = 'kyc/user 1/slot_(2)';
    const awsOurs = await presignGet(new SignedS3(aws), 'palisade-docs', key, {
      expiresIn: 600,
      signingDate,
    });
    const awsSdk = await getSignedUrl(
      new S3Client({ ...SDK, ...aws }),
      new GetObjectCommand({ Bucket: 'palisade-docs', Key: key }),
      {
        expiresIn: 600,
        signingDate,
      },
    );
    expect(`${new URL(awsOurs).host}${new URL(awsOurs).pathname}`).toBe(
      'palisade-docs.s3.eu-west-1.amazonaws.com/kyc/user%201/slot_%282%29',
    );
    expect(`${new URL(awsOurs).host}${new URL(awsOurs).pathname}`).toBe(
      `${new URL(awsSdk).host}${new URL(awsSdk).pathname}`,
    );
    expect(params(awsOurs)).toEqual(params(awsSdk));
  });

  it('I2 F1 F2 a presigned POST is the one @aws-sdk/s3-presigned-post makes: the same URL, fields, policy and signature', async () => {
    vi.useFakeTimers({ now: new Date('2027-03-01T12:00:00.123Z'), toFake: ['Date'] });
    const conditions = [
      { bucket: BUCKET },
      ['eq', '$key', 'kyc/user-1/slot_1'],
      ['content-length-range', 1, 1024],
      ['eq', '$x-amz-server-side-encryption', 'aws:kms'],
    ];
    const fields = { 'Content-Type': 'image/jpeg', 'x-amz-server-side-encryption': 'aws:kms' };
    for (const [ours, sdk] of [
      [
        client('Owner'),
        new S3Client({ region: REGION, endpoint: `${url}/Owner/s3`, credentials: credentials('Owner') }),
      ],
      [
        new SignedS3({ region: REGION, credentials: credentials('Owner') }),
        new S3Client({ region: REGION, credentials: credentials('Owner') }),
      ],
    ] as const) {
      const mine = await presignPost(ours, BUCKET, 'kyc/user-1/slot_1', {
        conditions,
        fields,
        expiresIn: 900,
        now: new Date(),
      });
      const theirs = await createPresignedPost(sdk, {
        Bucket: BUCKET,
        Key: 'kyc/user-1/slot_1',
        Conditions: conditions as never,
        Fields: fields,
        Expires: 900,
      });
      expect(mine).toEqual(theirs);
    }
    const post = await presignPost(client('Owner'), BUCKET, 'k', {
      conditions: [],
      expiresIn: 60,
      now: new Date(),
    });
    expect(post.url).toBe(`${url}/Owner/s3/${BUCKET}`);
    const policy = JSON.parse(Buffer.from(post.fields.Policy as string, 'base64').toString('utf8'));
    expect(policy.expiration).toBe('2027-03-01T12:01:00Z');
  });
});

describe('I2 the signed S3 adapter: addressing, signatures and retries', () => {
  it('I2 the endpoint comes from AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL; AWS itself otherwise', () => {
    const base = { AWS_REGION: REGION };
    expect(
      s3TransportFromEnv({ ...base, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9/x/s3' }).endpoint?.href,
    ).toBe('http://127.0.0.1:9/x/s3');
    expect(s3TransportFromEnv({ ...base, AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }).endpoint?.href).toBe(
      'http://127.0.0.1:8/',
    );
    expect(s3TransportFromEnv(base).endpoint).toBeUndefined();
    expect(() => s3TransportFromEnv({})).toThrow('AWS_REGION');
  });

  it('I2 every request carries a valid SigV4 signature over the path as sent, its query and its body hash', async () => {
    const stand = await standIn([
      { status: 200 },
      { status: 200, body: '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>' },
      { status: 200 },
    ]);
    try {
      await stand.s3.putObject('bucket-one', 'lists/OFAC%20SDN/v 1/files/a*b.csv', 'name,list\n', {
        contentType: 'text/csv',
        ifNoneMatch: '*',
      });
      await stand.s3.listObjectsV2('bucket-one', { prefix: "lists/a b/'x'", startAfter: 'lists/~' });
      await putObjectTagging(stand.s3, 'bucket-one', 'k', { a: 'b' }, 'v1');
      expect(stand.seen.map((s) => s.verdict)).toEqual(['ok', 'ok', 'ok']);
      expect(stand.seen[0]).toMatchObject({
        method: 'PUT',
        url: '/base/bucket-one/lists/OFAC%2520SDN/v%201/files/a%2Ab.csv',
      });
      expect(stand.seen[0]?.headers).toMatchObject({
        'if-none-match': '*',
        'content-type': 'text/csv',
        'content-md5': createHash('md5').update('name,list\n').digest('base64'),
        'x-amz-security-token': 'session-Owner',
      });
      expect(stand.seen[1]?.url).toMatch(
        /^\/base\/bucket-one\?list-type=2&prefix=lists%2Fa%20b%2F%27x%27&start-after=lists%2F~$/,
      );
      expect(stand.seen[2]?.url).toBe('/base/bucket-one/k?tagging=&versionId=v1');
    } finally {
      await stand.close();
    }
  });

  it('I2 throttling and service faults are retried with backoff, client errors are not; a lost write race is PreconditionFailed 412', async () => {
    const stand = await standIn([
      { status: 503, body: errorXml('SlowDown') },
      { status: 500, body: errorXml('InternalError') },
      { status: 200, body: 'ok' },
      { status: 412, body: errorXml('PreconditionFailed') },
      { status: 503, body: errorXml('SlowDown') },
      { status: 503, body: errorXml('SlowDown') },
      { status: 503, body: errorXml('SlowDown') },
      { status: 400, body: errorXml('InvalidArgument') },
    ]);
    try {
      expect((await stand.s3.getObject('b-1', 'k')).body?.toString()).toBe('ok');
      expect(stand.seen).toHaveLength(3);
      const raced = await stand.s3.putObject('b-1', 'k', 'x', { ifNoneMatch: '*' }).catch((e: S3Error) => e);
      expect(raced).toMatchObject({
        name: 'PreconditionFailed',
        message: 'm & more',
        $metadata: { httpStatusCode: 412, requestId: 'req-4' },
      });
      expect(stand.seen).toHaveLength(4);
      // three attempts in all, then the fault is the caller's
      expect(await failure(stand.s3.getObject('b-1', 'k'))).toEqual({ name: 'SlowDown', status: 503 });
      expect(stand.seen).toHaveLength(7);
      expect(await failure(deleteObject(stand.s3, 'b-1', 'k', 'v9'))).toEqual({
        name: 'InvalidArgument',
        status: 400,
      });
      expect(stand.seen).toHaveLength(8);
      expect(stand.seen[7]).toMatchObject({ method: 'DELETE', url: '/base/b-1/k?versionId=v9' });
    } finally {
      await stand.close();
    }
  });

  it('I2 the XML reader takes the flat elements of S3 answers and their entities', () => {
    expect(
      xmlText(
        '<Error><Code>NoSuchKey</Code><Message>a &lt;b&gt; &#x41;&#66; &quot;c&quot;</Message></Error>',
        'Message',
      ),
    ).toBe('a <b> AB "c"');
    expect(xmlText('<Error></Error>', 'Code')).toBeUndefined();
  });
});
