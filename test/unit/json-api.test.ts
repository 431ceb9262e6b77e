// The signed caller of AWS JSON-protocol APIs (lambdas/kernel/aws/json-api.ts): the request it sends, the
// errors it names, what it retries; against a stand-in server that answers a script, and against dynalite.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JsonService,
  jsonApi,
  jsonCallRaw,
  jsonTransportFromEnv,
} from '../../lambdas/kernel/aws/json-api.js';
import type { AwsTransport } from '../../lambdas/kernel/aws/signed-request.js';

const DYNAMODB: JsonService = {
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
  traceName: 'DynamoDB',
};
const KMS: JsonService = {
  signingName: 'kms',
  targetPrefix: 'TrentService',
  jsonVersion: '1.1',
  endpointVariable: 'AWS_ENDPOINT_URL_KMS',
  traceName: 'KMS',
};

const transportAt = (endpoint: string): AwsTransport => ({
  region: 'eu-west-1',
  endpoint: new URL(endpoint),
  credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
  backoffMs: () => 1,
});

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server answering each request with the next scripted answer (or closing the socket for `drop`). */
async function standIn(
  script: Array<{ status: number; body: unknown; headers?: Record<string, string> } | 'drop'>,
) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = script.shift();
      if (!next || next === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.0', ...next.headers });
      res.end(typeof next.body === 'string' ? next.body : JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    transport: transportAt(`http://127.0.0.1:${port}`),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: Error & { $metadata?: { httpStatusCode: number } }) => ({
      name: e.name,
      status: e.$metadata?.httpStatusCode,
    }),
  );

describe('I2 the signed JSON-protocol caller', () => {
  it('I2 a call is one signed POST to the endpoint with the JSON version, the operation as X-Amz-Target and the input as body', async () => {
    const stand = await standIn([{ status: 200, body: { KeyId: 'k-1', Plaintext: 'AAEC' } }]);
    try {
      const out = await jsonCallRaw(KMS, stand.transport, 'GenerateDataKey', {
        KeyId: 'alias/x',
        KeySpec: 'AES_256',
      });
      expect(out).toEqual({ KeyId: 'k-1', Plaintext: 'AAEC' });
      const [request] = stand.seen;
      expect(request?.url).toBe('/');
      expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(request?.headers['x-amz-target']).toBe('TrentService.GenerateDataKey');
      expect(JSON.parse(request?.body ?? '')).toEqual({ KeyId: 'alias/x', KeySpec: 'AES_256' });
      expect(request?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/kms\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
      );
    } finally {
      await stand.close();
    }
  });

  it('I1 in a Lambda invocation every call carries the invocation’s trace header (the SDK’s recursion detection; unsigned, as SigV4 leaves it); outside one, none', async () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const stand = await standIn([
      { status: 200, body: { executionArn: 'arn:x', startDate: 1 } },
      { status: 200, body: { executionArn: 'arn:y', startDate: 1 } },
    ]);
    const saved = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, trace: process.env._X_AMZN_TRACE_ID };
    try {
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'palisade-test';
      process.env._X_AMZN_TRACE_ID = trace;
      await jsonCallRaw(KMS, stand.transport, 'Encrypt', { KeyId: 'alias/x' });
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      await jsonCallRaw(KMS, stand.transport, 'Encrypt', { KeyId: 'alias/x' });
      const [inLambda, outside] = stand.seen;
      expect(inLambda?.headers['x-amzn-trace-id']).toBe(trace);
      expect(inLambda?.headers.authorization).not.toMatch(/x-amzn-trace-id/);
      expect(outside?.headers['x-amzn-trace-id']).toBeUndefined();
    } finally {
      for (const [key, value] of [
        ['AWS_LAMBDA_FUNCTION_NAME', saved.name],
        ['_X_AMZN_TRACE_ID', saved.trace],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      await stand.close();
    }
  });

  it('I2 a refusal is named by its __type without the namespace and keeps the error document; x-amzn-ErrorType wins', async () => {
    const stand = await standIn([
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message: 'Transaction cancelled',
          CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
        },
        headers: { 'x-amzn-requestid': 'req-1' },
      },
      {
        status: 400,
        body: 'not json',
        headers: { 'x-amzn-errortype': 'NotAuthorizedException:http://internal' },
      },
    ]);
    try {
      const cancelled = await jsonCallRaw(DYNAMODB, stand.transport, 'TransactWriteItems', {}).catch(
        (e) => e,
      );
      expect(cancelled).toMatchObject({
        name: 'TransactionCanceledException',
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400, requestId: 'req-1' },
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      });
      expect(await failure(jsonCallRaw(DYNAMODB, stand.transport, 'GetItem', {}))).toEqual({
        name: 'NotAuthorizedException',
        status: 400,
      });
      expect(stand.seen).toHaveLength(2);
    } finally {
      await stand.close();
    }
  });

  it('I2 throttling (a 400 by its code), 429 and 5xx are retried, three attempts in all; other client errors are not', async () => {
    const throttled = { status: 400, body: { __type: 'ProvisionedThroughputExceededException' } };
    const stand = await standIn([
      throttled,
      { status: 500, body: { __type: 'InternalServerError' } },
      { status: 200, body: { Item: {} } },
      throttled,
      { status: 429, body: { __type: 'ThrottlingException' } },
      throttled,
      { status: 400, body: { __type: 'ValidationException', message: 'bad' } },
    ]);
    try {
      expect(await jsonCallRaw(DYNAMODB, stand.transport, 'GetItem', {})).toEqual({ Item: {} });
      expect(stand.seen).toHaveLength(3);
      expect(await failure(jsonCallRaw(DYNAMODB, stand.transport, 'GetItem', {}))).toEqual({
        name: 'ProvisionedThroughputExceededException',
        status: 400,
      });
      expect(stand.seen).toHaveLength(6);
      expect(await failure(jsonCallRaw(DYNAMODB, stand.transport, 'PutItem', {}))).toEqual({
        name: 'ValidationException',
        status: 400,
      });
      expect(stand.seen).toHaveLength(7);
    } finally {
      await stand.close();
    }
  });

  it('I2 a connection lost before any answer is sent again only for an operation the caller marks idempotent', async () => {
    // The answer closes its connection, so the UpdateItem's cut is on a new one (not a stale kept-alive socket).
    const stand = await standIn([
      'drop',
      { status: 200, body: { Items: [] }, headers: { connection: 'close' } },
      'drop',
    ]);
    try {
      expect(await jsonCallRaw(DYNAMODB, stand.transport, 'Query', {}, { idempotent: true })).toEqual({
        Items: [],
      });
      expect(stand.seen).toHaveLength(2);
      await expect(jsonCallRaw(DYNAMODB, stand.transport, 'UpdateItem', {})).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
      expect(stand.seen).toHaveLength(3);
    } finally {
      await stand.close();
    }
  });

  it('I2 a kept-alive socket found closed when reused is sent again on a new one, for any operation', async () => {
    const stand = await standIn([
      { status: 200, body: {} },
      'drop',
      { status: 200, body: { Attributes: {} } },
    ]);
    try {
      await jsonCallRaw(DYNAMODB, stand.transport, 'GetItem', {}, { idempotent: true });
      // the next call reuses the kept-alive socket, which the server cuts: a stale socket, sent again
      expect(await jsonCallRaw(DYNAMODB, stand.transport, 'UpdateItem', {})).toEqual({ Attributes: {} });
      expect(stand.seen.map((s) => s.headers['x-amz-target'])).toEqual([
        'DynamoDB_20120810.GetItem',
        'DynamoDB_20120810.UpdateItem',
        'DynamoDB_20120810.UpdateItem',
      ]);
    } finally {
      await stand.close();
    }
  });

  it('I2 the endpoint comes from AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the regional host', () => {
    const base = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(jsonTransportFromEnv(KMS, base).endpoint.href).toBe('https://kms.eu-west-1.amazonaws.com/');
    expect(jsonTransportFromEnv(KMS, { ...base, AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }).endpoint.href).toBe(
      'http://127.0.0.1:8/',
    );
    expect(
      jsonTransportFromEnv(KMS, {
        ...base,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:8',
        AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9/fn/kms',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:9/fn/kms');
    expect(() => jsonTransportFromEnv(KMS, {})).toThrow(/AWS_REGION/);
  });
});

describe('I2 the signed JSON-protocol caller against dynalite', () => {
  let server: ReturnType<typeof dynalite>;
  let api: ReturnType<typeof jsonApi>;
  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    server.keepAliveTimeout = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    api = jsonApi(DYNAMODB, () => transportAt(`http://127.0.0.1:${port}`));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('I2 writes, reads and a lost condition come back as DynamoDB answers them', async () => {
    await api.call('CreateTable', {
      TableName: 'json-api',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const item = { pk: { S: 'a' }, n: { N: '1' }, b: { B: Buffer.from([0, 1, 2]).toString('base64') } };
    await api.call('PutItem', { TableName: 'json-api', Item: item });
    expect(
      await api.call('GetItem', { TableName: 'json-api', Key: { pk: { S: 'a' } } }, { idempotent: true }),
    ).toEqual({ Item: item });
    expect(
      await failure(
        api.call('PutItem', {
          TableName: 'json-api',
          Item: { pk: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).toEqual({ name: 'ConditionalCheckFailedException', status: 400 });
  });
});
