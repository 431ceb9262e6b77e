// The harness's S3 (I2): the real SDK client against the emulation, through the endpoint's attribution and
// IAM evaluation. What S3 answers (NoSuchKey 404 only to who may list the bucket, else AccessDenied 403, XML
// error bodies the SDK reads as named exceptions), what it authorises (s3:* on the bucket's and the object's
// ARN, SSE-KMS's kms:GenerateDataKey / kms:Decrypt via S3 on the caller's behalf), and both addressing styles.
import { request } from 'node:http';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoint, type Principal, standalonePrincipal } from './harness/endpoints.js';
import type { PolicyStatement } from './harness/iam.js';
import { decodeAwsChunked, S3Service } from './harness/services/s3.js';
import type { CloudModel } from './harness/template.js';

const BUCKET = 'palisade-screeninglistsbucket-abcdef123456';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1111-2222';
const VIA = { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } };

const model = {
  deployment: { region: 'eu-west-1', account: '123456789012', partition: 'aws', stackName: 'Palisade' },
  buckets: [{ logicalId: 'ListsBucket', name: BUCKET, arn: BUCKET_ARN, kmsKeyArn: KEY_ARN, bucketKey: true }],
} as unknown as CloudModel;

const roles: Record<string, PolicyStatement[]> = {
  Reader: [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET_ARN },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/lists/*` },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: VIA },
  ],
  PrefixReader: [
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET_ARN,
      Condition: { StringLike: { 's3:prefix': 'lists/*' } },
    },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/lists/*` },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: VIA },
  ],
  Writer: [
    {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      Resource: `${BUCKET_ARN}/lists/*`,
    },
    { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN, Condition: VIA },
  ],
  NoKms: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::*/*' }],
};

let endpoint: Endpoint;
let s3: S3Service;
let url = '';

const principal = (id: string): Principal => standalonePrincipal(id, roles[id] as PolicyStatement[]);

const client = (id: string) =>
  new S3Client({
    region: 'eu-west-1',
    endpoint: `${url}/${id}/s3`,
    credentials: { accessKeyId: `AKIA${id.toUpperCase()}`, secretAccessKey: 'x' },
    maxAttempts: 1,
  });

beforeAll(async () => {
  s3 = new S3Service(model);
  endpoint = new Endpoint({
    mode: 'enforce',
    principals: new Map(Object.keys(roles).map((id) => [id, principal(id)])),
    services: { s3 },
    account: '123456789012',
  });
  url = await endpoint.start();
});
afterAll(() => endpoint.stop());

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as { name: string; $metadata: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
};

describe('I2 the harness answers S3 as S3 does', () => {
  it('I2 F2 PutObject and GetObject round-trip under SSE-KMS: the bucket key, kms:GenerateDataKey and kms:Decrypt via S3 checked', async () => {
    const put = await client('Writer').send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'lists/un/current.json', Body: '{"version":"v1"}' }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe(KEY_ARN);
    const got = await client('Reader').send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'lists/un/current.json' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"version":"v1"}');
    const putCall = endpoint.calls.find((c) => c.caller === 'Writer' && c.operation === 'PutObject');
    expect(putCall?.checks.map((c) => c.request.action)).toEqual(['s3:PutObject', 'kms:GenerateDataKey']);
    expect(putCall?.checks[1]?.request.context).toMatchObject({
      'kms:ViaService': 's3.eu-west-1.amazonaws.com',
      'kms:EncryptionContext:aws:s3:arn': BUCKET_ARN,
    });
    const getCall = endpoint.calls.find((c) => c.caller === 'Reader' && c.operation === 'GetObject');
    expect(getCall?.checks.map((c) => c.request.action)).toEqual(['s3:GetObject', 'kms:Decrypt']);
  });

  it('I2 F2 a missing key is NoSuchKey (404) to who may list the bucket, AccessDenied (403) to who may list only under a prefix', async () => {
    expect(
      await errorOf(
        client('Reader').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lists/ofac/current.json' })),
      ),
    ).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(
      await errorOf(
        client('PrefixReader').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lists/ofac/current.json' })),
      ),
    ).toEqual({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(client('Reader').send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'lists/ofac/x' }))),
    ).toMatchObject({ status: 404 });
    expect(
      await errorOf(
        client('Writer').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lists/ofac/current.json' })),
      ),
    ).toEqual({ name: 'AccessDenied', status: 403 });
    const denied = endpoint.violations.filter((v) => v.kind === 'denied').map((v) => v.caller);
    expect(denied).toEqual(expect.arrayContaining(['PrefixReader', 'Writer']));
  });

  it('I2 F2 objects outside the granted prefix, a role without the bucket key, and an unknown bucket are refused as S3 refuses them', async () => {
    expect(
      await errorOf(
        client('Writer').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/x', Body: 'x' })),
      ),
    ).toEqual({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(
        client('NoKms').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lists/x', Body: 'x' })),
      ),
    ).toEqual({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(client('NoKms').send(new GetObjectCommand({ Bucket: 'palisade-other', Key: 'lists/x' }))),
    ).toEqual({ name: 'NoSuchBucket', status: 404 });
    expect(
      endpoint.violations.some((v) => v.kind === 'not-found' && v.detail.includes('palisade-other')),
    ).toBe(true);
  });

  it('I2 F2 ListObjectsV2 with a prefix and a delimiter, s3:prefix in the request context; DeleteObject', async () => {
    for (const key of ['lists/un/v1/files/a.xml', 'lists/un/v1/files/b.xml', 'lists/un/v1/manifest.json'])
      await client('Writer').send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const listed = await client('PrefixReader').send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'lists/un/v1/files/' }),
    );
    expect(listed.Contents?.map((c) => c.Key)).toEqual([
      'lists/un/v1/files/a.xml',
      'lists/un/v1/files/b.xml',
    ]);
    const folders = await client('Reader').send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'lists/un/', Delimiter: '/' }),
    );
    expect(folders.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['lists/un/v1/']);
    const paged = await client('Reader').send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'lists/un/v1/', MaxKeys: 2 }),
    );
    expect(paged.IsTruncated).toBe(true);
    const rest = await client('Reader').send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'lists/un/v1/',
        ContinuationToken: paged.NextContinuationToken as string,
      }),
    );
    expect(rest.Contents?.map((c) => c.Key)).toEqual(['lists/un/v1/manifest.json']);
    const call = endpoint.calls.find((c) => c.caller === 'PrefixReader' && c.operation === 'ListObjectsV2');
    expect(call?.checks[0]?.request.context).toMatchObject({ 's3:prefix': 'lists/un/v1/files/' });
    await client('Writer').send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'lists/un/v1/manifest.json' }),
    );
    expect(s3.objects.get(BUCKET)?.has('lists/un/v1/manifest.json')).toBe(false);
  });

  it('I2 virtual-host style requests (Host: <bucket>.s3.<region>.amazonaws.com) reach the same bucket; aws-chunked bodies are decoded', async () => {
    s3.seed(BUCKET, 'lists/ftm/current.json', '{"version":"v9"}', 'application/json');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/Reader/s3/lists/ftm/current.json`,
        { headers: { host: `${BUCKET}.s3.eu-west-1.amazonaws.com` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const chunked = Buffer.from(
      '5;chunk-signature=ab\r\nhello\r\n6;chunk-signature=cd\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n',
    );
    expect(decodeAwsChunked(chunked).toString()).toBe('hello world');
  });
});
