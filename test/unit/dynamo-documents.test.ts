// The functions' DynamoDB document client (lambdas/kernel/aws/dynamo-documents.ts), which replaces
// @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb in the bundles (docs/decisions.md, "Bundles"): every
// command against dynalite, the native ↔ attribute-value conversion (binary, undefined left out, nested maps
// and lists, sets, big numbers) checked against the SDK's own marshaller, errors by DynamoDB's names with their
// items in native values, the retries of JSON throttling (a 400), a SigV4 signature checked independently, and
// Powertools idempotency on the client (its conditional put, its replay, its refusal of other terms).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DocumentClient,
  documentClient,
  GetCommand,
  marshallItem,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  unmarshallItem,
} from '../../lambdas/kernel/aws/dynamo-documents.js';
import { idempotencyStore, idempotentPerUser } from '../../lambdas/kernel/idempotency.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { localDocumentClient } from '../../local/dynamo.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';
import { type RawRequest, verifySigV4 as verifySigV4Of } from '../support/sigv4.js';

const TABLE = TABLES.shield.logicalName;
const REGION = 'eu-west-1';
const SECRET = 'secret/of+the-test';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error) => e,
  );

let dynamo: TestDynamo;
/** The client itself on dynalite, without the local transaction emulation. */
let plain: DocumentClient;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  plain = localDocumentClient(dynamo.url, REGION);
});
afterAll(async () => dynamo?.stop());

const ROW = {
  pk: 'ROW#1',
  sk: 'A',
  text: 'héllo ✓',
  count: 42,
  ratio: -0.125,
  big: 2n ** 70n,
  yes: true,
  no: false,
  nothing: null,
  gone: undefined,
  bytes: new Uint8Array([0, 1, 2, 250, 255]),
  buffer: Buffer.from('buffer bytes'),
  list: [1, 'two', undefined, { three: 3, skipped: undefined }, [new Uint8Array([7])]],
  map: { nested: { deeper: { value: 'x', gone: undefined } }, empty: {} },
  names: new Set(['a', 'b']),
  numbers: new Set([1, 2.5]),
  blobs: new Set([new Uint8Array([1]), new Uint8Array([2])]),
};

describe('I2 the document client against dynalite', () => {
  it('I2 converts as lib-dynamodb does with removeUndefinedValues: the same attribute values as the SDK marshaller, and back', () => {
    const ours = marshallItem(ROW);
    const sdk = marshall(ROW, { removeUndefinedValues: true });
    // The SDK's binary is bytes; on the wire (and in ours) it is their base64.
    const wire = JSON.parse(
      JSON.stringify(sdk, (_, v) =>
        v instanceof Uint8Array || (v && v.type === 'Buffer' && Array.isArray(v.data))
          ? Buffer.from(v instanceof Uint8Array ? v : v.data).toString('base64')
          : v,
      ),
    );
    expect(ours).toEqual(wire);
    expect(ours).not.toHaveProperty('gone');
    expect(ours.big).toEqual({ N: '1180591620717411303424' });
    const back = unmarshallItem(ours);
    const { gone: _gone, buffer, ...rest } = ROW;
    expect(back).toEqual({
      ...rest,
      buffer: new Uint8Array(buffer),
      list: [1, 'two', { three: 3 }, [new Uint8Array([7])]],
      map: { nested: { deeper: { value: 'x' } }, empty: {} },
    });
    // As the SDK's unmarshall reads the same values (its binary as Uint8Array, its numbers as numbers).
    expect(back).toEqual({ ...unmarshall(sdk), buffer: new Uint8Array(buffer) });
    expect(() => marshallItem({ when: new Date() })).toThrow(/Unsupported type/);
    expect(() => marshallItem({ n: Number.NaN })).toThrow(/Special numeric value/);
  });

  it('I2 Put, Get, Update, Delete round-trip the values, with ReturnValues in native values', async () => {
    await plain.send(new PutCommand({ TableName: TABLE, Item: ROW }));
    const { Item } = await plain.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'ROW#1', sk: 'A' }, ConsistentRead: true }),
    );
    expect(Item?.bytes).toEqual(new Uint8Array([0, 1, 2, 250, 255]));
    expect(Item?.big).toBe(2n ** 70n);
    expect(Item?.map).toEqual({ nested: { deeper: { value: 'x' } }, empty: {} });
    expect(Item).not.toHaveProperty('gone');
    const updated = await plain.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'ROW#1', sk: 'A' },
        UpdateExpression: 'ADD #c :one SET #t = :t, #b = :b',
        ExpressionAttributeNames: { '#c': 'count', '#t': 'text', '#b': 'bytes' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':t': 'next',
          ':b': new Uint8Array([9]),
          ':unused': undefined,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ count: 43, text: 'next', bytes: new Uint8Array([9]) });
    const deleted = await plain.send(
      new DeleteCommand({ TableName: TABLE, Key: { pk: 'ROW#1', sk: 'A' }, ReturnValues: 'ALL_OLD' }),
    );
    expect(deleted.Attributes?.count).toBe(43);
    expect(
      (await plain.send(new GetCommand({ TableName: TABLE, Key: { pk: 'ROW#1', sk: 'A' } }))).Item,
    ).toBeUndefined();
  });

  it('I2 Query and Scan page with LastEvaluatedKey → ExclusiveStartKey; BatchWrite and BatchGet by table', async () => {
    await plain.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [1, 2, 3, 4, 5].map((n) => ({
            PutRequest: { Item: { pk: 'Q', sk: `S#${n}`, n, gone: undefined } },
          })),
        },
      }),
    );
    const first = await plain.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': 'Q', ':s': 'S#' },
        Limit: 3,
        ConsistentRead: true,
      }),
    );
    expect(first.Items?.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(first.LastEvaluatedKey).toEqual({ pk: 'Q', sk: 'S#3' });
    const second = await plain.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'Q' },
        ExclusiveStartKey: first.LastEvaluatedKey,
      }),
    );
    expect(second.Items?.map((i) => i.n)).toEqual([4, 5]);
    const scanned = await plain.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'n > :two',
        ExpressionAttributeValues: { ':two': 2 },
      }),
    );
    expect(scanned.Items?.map((i) => i.n).sort()).toEqual([3, 4, 5]);
    const batch = await plain.send(
      new BatchGetCommand({
        RequestItems: {
          [TABLE]: {
            Keys: [
              { pk: 'Q', sk: 'S#2' },
              { pk: 'Q', sk: 'S#9' },
              { pk: 'Q', sk: 'S#5' },
            ],
          },
        },
      }),
    );
    expect(batch.Responses?.[TABLE]?.map((i) => i.n).sort()).toEqual([2, 5]);
    expect(batch.UnprocessedKeys ?? {}).toEqual({});
    await plain.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [1, 2, 3, 4, 5].map((n) => ({ DeleteRequest: { Key: { pk: 'Q', sk: `S#${n}` } } })),
        },
      }),
    );
    expect(
      (await plain.send(new ScanCommand({ TableName: TABLE }))).Items?.filter((i) => i.pk === 'Q'),
    ).toEqual([]);
  });

  it('I2 a failed condition is ConditionalCheckFailedException (400), checked by name; a cancelled transaction names its reasons', async () => {
    await plain.send(new PutCommand({ TableName: TABLE, Item: { pk: 'C', sk: '1', v: 1 } }));
    const refused = await failure(
      plain.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'C', sk: '1', v: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    expect(refused).toMatchObject({
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
    });
    // Locally (dynalite has none) transactions are the emulation's, on the same client; the error is the same.
    const cancelled = await failure(
      dynamo.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: 'C', sk: '2', v: 1 } } },
            {
              Put: {
                TableName: TABLE,
                Item: { pk: 'C', sk: '1', v: 3 },
                ConditionExpression: 'v = :two',
                ExpressionAttributeValues: { ':two': 2 },
              },
            },
          ],
        }),
      ),
    );
    expect(cancelled).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect(
      (await plain.send(new GetCommand({ TableName: TABLE, Key: { pk: 'C', sk: '2' } }))).Item,
    ).toBeUndefined();
    const invalid = await failure(
      plain.send(new GetCommand({ TableName: 'NoSuchTable', Key: { pk: 'x', sk: 'y' } })),
    );
    expect(invalid).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
  });

  it('I2 C2 Powertools idempotency on the client: one run per (user, key), replayed; other terms refused; a second store sees the record', async () => {
    let runs = 0;
    const store = () => idempotencyStore(TABLES.idempotency.logicalName, () => plain);
    const wrapped = idempotentPerUser(store(), async (call: { terms: { amount: string } }) => ({
      id: `w${++runs}`,
      amount: call.terms.amount,
      note: undefined,
    }));
    const lambda = { getRemainingTimeInMillis: () => 30_000 } as Context;
    wrapped.config.registerLambdaContext(lambda);
    const call = { userId: 'u1', idempotencyKey: 'key-1', terms: { amount: '1.5' } };
    expect(await wrapped.run(call)).toEqual({ id: 'w1', amount: '1.5' });
    expect(await wrapped.run(call)).toEqual({ id: 'w1', amount: '1.5' });
    const again = idempotentPerUser(store(), async () => ({ id: 'never' }));
    again.config.registerLambdaContext(lambda);
    expect(await again.run(call)).toEqual({ id: 'w1', amount: '1.5' });
    expect(await failure(again.run({ ...call, terms: { amount: '2' } }))).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await wrapped.run({ ...call, idempotencyKey: 'key-2' })).toEqual({ id: 'w2', amount: '1.5' });
    expect(runs).toBe(2);
  });
});

/** The request's SigV4 verdict, by the tests' one independent verifier. */
const verifySigV4 = (req: RawRequest) =>
  verifySigV4Of(req, { secret: SECRET, service: 'dynamodb', signed: ['x-amz-target', 'content-type'] });

/** A stand-in DynamoDB that answers from a script and records every request (its target, body, signature verdict). */
async function standIn(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const seen: {
    target: string;
    body: Record<string, unknown>;
    verdict: string;
    headers: IncomingMessage['headers'];
  }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({
      target: String(req.headers['x-amz-target']),
      body: JSON.parse(body.toString('utf8')),
      headers: req.headers,
      verdict: verifySigV4({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }),
    });
    const answer = answers.shift() ?? { status: 200, body: {} };
    res.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `req-${seen.length}`,
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = documentClient(() => ({
    region: REGION,
    endpoint: new URL(at),
    credentials: async () => ({
      accessKeyId: 'AKIDTEST',
      secretAccessKey: SECRET,
      sessionToken: 'session-1',
    }),
    backoffMs: () => 1,
  }));
  return {
    client,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const dynamoError = (type: string, fields: Record<string, unknown> = {}) => ({
  __type: `com.amazonaws.dynamodb.v20120810#${type}`,
  message: `${type} happened`,
  ...fields,
});

describe('I2 the document client on the wire', () => {
  it('I2 each command is one signed awsJson1_0 POST with its X-Amz-Target and attribute values; TransactGet and TransactWrite items too', async () => {
    const stand = await standIn([
      { status: 200, body: { Item: { pk: { S: 'a' }, b: { B: 'AQI=' } } } },
      { status: 200, body: { Responses: [{ Item: { pk: { S: 'a' }, n: { N: '7' } } }, {}] } },
      { status: 200, body: {} },
    ]);
    try {
      const got = await stand.client.send(new GetCommand({ TableName: 'T', Key: { pk: 'a', sk: 1 } }));
      expect(got.Item).toEqual({ pk: 'a', b: new Uint8Array([1, 2]) });
      const tg = await stand.client.send(
        new TransactGetCommand({
          TransactItems: [
            { Get: { TableName: 'T', Key: { pk: 'a' } } },
            { Get: { TableName: 'T', Key: { pk: 'b' } } },
          ],
        }),
      );
      expect(tg.Responses).toEqual([{ Item: { pk: 'a', n: 7 } }, {}]);
      await stand.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'T', Item: { pk: 'p', v: undefined, bin: new Uint8Array([255]) } } },
            {
              Update: {
                TableName: 'T',
                Key: { pk: 'u' },
                UpdateExpression: 'SET v = :v',
                ExpressionAttributeValues: { ':v': [1] },
              },
            },
            { Delete: { TableName: 'T', Key: { pk: 'd' } } },
            {
              ConditionCheck: {
                TableName: 'T',
                Key: { pk: 'c' },
                ConditionExpression: 'v = :v',
                ExpressionAttributeValues: { ':v': { m: true } },
              },
            },
          ],
        }),
      );
      expect(stand.seen.map((s) => [s.target, s.verdict, s.headers['content-type']])).toEqual([
        ['DynamoDB_20120810.GetItem', 'ok', 'application/x-amz-json-1.0'],
        ['DynamoDB_20120810.TransactGetItems', 'ok', 'application/x-amz-json-1.0'],
        ['DynamoDB_20120810.TransactWriteItems', 'ok', 'application/x-amz-json-1.0'],
      ]);
      expect(stand.seen[0]?.headers['x-amz-security-token']).toBe('session-1');
      expect(stand.seen[0]?.body).toEqual({ TableName: 'T', Key: { pk: { S: 'a' }, sk: { N: '1' } } });
      expect(stand.seen[2]?.body).toEqual({
        TransactItems: [
          { Put: { TableName: 'T', Item: { pk: { S: 'p' }, bin: { B: '/w==' } } } },
          {
            Update: {
              TableName: 'T',
              Key: { pk: { S: 'u' } },
              UpdateExpression: 'SET v = :v',
              ExpressionAttributeValues: { ':v': { L: [{ N: '1' }] } },
            },
          },
          { Delete: { TableName: 'T', Key: { pk: { S: 'd' } } } },
          {
            ConditionCheck: {
              TableName: 'T',
              Key: { pk: { S: 'c' } },
              ConditionExpression: 'v = :v',
              ExpressionAttributeValues: { ':v': { M: { m: { BOOL: true } } } },
            },
          },
        ],
      });
    } finally {
      await stand.close();
    }
  });

  it('I2 errors carry their items in native values: the condition’s ALL_OLD Item, the cancellation reasons’ Items', async () => {
    const stand = await standIn([
      {
        status: 400,
        body: dynamoError('ConditionalCheckFailedException', { Item: { pk: { S: 'a' }, n: { N: '1' } } }),
      },
      {
        status: 400,
        body: dynamoError('TransactionCanceledException', {
          CancellationReasons: [
            { Code: 'None' },
            {
              Code: 'ConditionalCheckFailed',
              Item: { pk: { S: 'b' }, at: { N: '5' } },
              Message: 'The conditional request failed',
            },
          ],
        }),
      },
    ]);
    try {
      const condition = await failure(
        stand.client.send(
          new PutCommand({
            TableName: 'T',
            Item: { pk: 'a' },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      expect(condition).toMatchObject({
        name: 'ConditionalCheckFailedException',
        message: 'ConditionalCheckFailedException happened',
        Item: { pk: 'a', n: 1 },
        $metadata: { httpStatusCode: 400, requestId: 'req-1' },
      });
      const cancelled = await failure(stand.client.send(new TransactWriteCommand({ TransactItems: [] })));
      expect(cancelled).toMatchObject({
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { pk: 'b', at: 5 } }],
      });
      // refusals are not retried
      expect(stand.seen).toHaveLength(2);
    } finally {
      await stand.close();
    }
  });

  it('I2 throttling (a 400 ProvisionedThroughputExceededException) and 5xx are retried, three attempts in all; a ValidationException is not', async () => {
    const stand = await standIn([
      { status: 400, body: dynamoError('ProvisionedThroughputExceededException') },
      { status: 500, body: dynamoError('InternalServerError') },
      { status: 200, body: { Item: { pk: { S: 'x' } } } },
      { status: 400, body: dynamoError('ThrottlingException') },
      { status: 400, body: dynamoError('ThrottlingException') },
      { status: 400, body: dynamoError('ThrottlingException') },
      { status: 400, body: dynamoError('ValidationException') },
    ]);
    try {
      expect((await stand.client.send(new GetCommand({ TableName: 'T', Key: { pk: 'x' } }))).Item).toEqual({
        pk: 'x',
      });
      expect(stand.seen).toHaveLength(3);
      expect(
        await failure(
          stand.client.send(
            new UpdateCommand({
              TableName: 'T',
              Key: { pk: 'x' },
              UpdateExpression: 'SET a = :a',
              ExpressionAttributeValues: { ':a': 1 },
            }),
          ),
        ),
      ).toMatchObject({
        name: 'ThrottlingException',
      });
      expect(stand.seen).toHaveLength(6);
      expect(await failure(stand.client.send(new QueryCommand({ TableName: 'T' })))).toMatchObject({
        name: 'ValidationException',
      });
      expect(stand.seen).toHaveLength(7);
      expect(stand.seen.every((s) => s.verdict === 'ok')).toBe(true);
    } finally {
      await stand.close();
    }
  });

  it('I2 only reads, unconditional puts and deletes, batch writes and tokened transactions count as safe to resend after a lost connection', () => {
    const safe = (c: { idempotent(): boolean }) => c.idempotent();
    expect(safe(new GetCommand({ TableName: 'T', Key: {} }))).toBe(true);
    expect(safe(new QueryCommand({ TableName: 'T' }))).toBe(true);
    expect(safe(new PutCommand({ TableName: 'T', Item: {} }))).toBe(true);
    expect(
      safe(new PutCommand({ TableName: 'T', Item: {}, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).toBe(false);
    expect(safe(new DeleteCommand({ TableName: 'T', Key: {}, ConditionExpression: 'v = :v' }))).toBe(false);
    expect(safe(new UpdateCommand({ TableName: 'T', Key: {} }))).toBe(false);
    expect(safe(new TransactWriteCommand({ TransactItems: [] }))).toBe(false);
    expect(safe(new TransactWriteCommand({ TransactItems: [], ClientRequestToken: 't' }))).toBe(true);
  });
});
