// I1: the trace subsegments Palisade writes itself over Lambda's active tracing (lambdas/kernel/runtime/
// tracing.ts), in place of the X-Ray SDK: one per AWS call and one per handler, only for a sampled trace. The AWS
// calls are driven through the path every adapter's calls take (signed-request.ts `traced`, here under the
// signed JSON caller json-api.ts) against a stand-in API over HTTP, and their documents read from a stand-in
// daemon over UDP at AWS_XRAY_DAEMON_ADDRESS, as Lambda gives it.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JsonService, jsonApi } from '../../lambdas/kernel/aws/json-api.js';
import type { AwsTransport } from '../../lambdas/kernel/aws/signed-request.js';
import {
  captureLambdaHandler,
  daemonSink,
  type Subsegment,
  subsegment,
  traceContext,
} from '../../lambdas/kernel/runtime/tracing.js';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const saved = process.env._X_AMZN_TRACE_ID;
afterEach(() => {
  if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = saved;
});

/** What the stand-in API answers per operation (by X-Amz-Target), and how many requests it had. */
type Scripted = { status: number; body?: unknown; headers?: Record<string, string> };
let answers: Record<string, Scripted> = {};
let requests = 0;
let api: Server;
let daemon: Socket;
/** The documents the stand-in daemon received, one per datagram. */
const datagrams: Subsegment[] = [];
let transport: AwsTransport;
const service = (name: string, targetPrefix: string): JsonService => ({
  signingName: name.toLowerCase(),
  targetPrefix,
  jsonVersion: '1.0',
  endpointVariable: 'AWS_ENDPOINT_URL_TEST',
  traceName: name,
});
const dynamodb = () => jsonApi(service('DynamoDB', 'DynamoDB_20120810'), () => transport);
const kms = () => jsonApi(service('KMS', 'TrentService'), () => transport);

beforeAll(async () => {
  daemon = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  daemon.on('message', (m) => datagrams.push(JSON.parse(m.toString().split('\n')[1] ?? '')));
  // as Lambda sets it, before the first AWS call reads it
  process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
  api = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const operation = String(req.headers['x-amz-target']).split('.')[1] ?? '';
      const answer = answers[operation] ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  transport = {
    region: 'eu-west-1',
    endpoint: new URL(`http://127.0.0.1:${(api.address() as AddressInfo).port}`),
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    backoffMs: () => 1,
  };
});
afterAll(async () => {
  delete process.env.AWS_XRAY_DAEMON_ADDRESS;
  daemon?.close();
  api?.closeAllConnections();
  await new Promise<void>((resolve) => api?.close(() => resolve()));
});
beforeEach(() => {
  datagrams.length = 0;
  answers = {};
  requests = 0;
});

/** Waits until the daemon has `count` datagrams (UDP on the loopback: they come, in order). */
const settle = async (count: number) => {
  for (let i = 0; i < 400 && datagrams.length < count; i++) await new Promise((r) => setTimeout(r, 5));
};

describe('I1 trace subsegments without the X-Ray SDK', () => {
  it('I1 reads the trace header Lambda gives, and only a sampled one', () => {
    expect(traceContext(HEADER)).toEqual({
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      parentId: '53995c3f42cd8ad8',
    });
    expect(traceContext(HEADER.replace('Sampled=1', 'Sampled=0'))).toBeUndefined();
    expect(traceContext(undefined)).toBeUndefined();
  });

  it('I1 the parsed header follows the header: a new invocation’s trace is never the last one’s', () => {
    const next = 'Root=1-5759e989-000000000000000000000001;Parent=0000000000000001;Sampled=1';
    expect(traceContext(HEADER)?.traceId).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(traceContext(next)).toEqual({
      traceId: '1-5759e989-000000000000000000000001',
      parentId: '0000000000000001',
    });
    expect(traceContext(next.replace('Sampled=1', 'Sampled=0'))).toBeUndefined();
    expect(traceContext(HEADER)?.parentId).toBe('53995c3f42cd8ad8');
  });

  it('I1 subsegment ids are 64 random bits in hex, all distinct (across refills of the id pool)', () => {
    const context = { traceId: '1-5759e988-bd862e3fe1be46a994272793', parentId: '53995c3f42cd8ad8' };
    const ids = Array.from({ length: 1000 }, () => subsegment('DynamoDB', Date.now(), {}, context)?.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('I1 an AWS call is one subsegment under the invocation: service, operation, region, request id of a refusal, and its error class; a retried call is one subsegment', async () => {
    process.env._X_AMZN_TRACE_ID = HEADER;
    answers = {
      PutItem: {
        status: 429,
        body: { __type: 'ThrottlingException', message: 'slow down' },
        headers: { 'x-amzn-requestid': 'r-2' },
      },
      DeleteItem: {
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message: 'bad key' },
        headers: { 'x-amzn-requestid': 'r-3' },
      },
      Decrypt: { status: 500, body: { __type: 'KMSInternalException' } },
    };
    await dynamodb().call('GetItem', { TableName: 't' });
    await expect(dynamodb().call('PutItem', { TableName: 't' })).rejects.toThrow('slow down');
    await expect(dynamodb().call('DeleteItem', { TableName: 't' })).rejects.toThrow('bad key');
    await expect(kms().call('Decrypt', {})).rejects.toMatchObject({ name: 'KMSInternalException' });
    // the throttled and the failing call were each sent three times (retried): still one subsegment each
    expect(requests).toBe(1 + 3 + 1 + 3);
    await settle(4);
    expect(datagrams).toHaveLength(4);
    const [ok, throttled, refused, fault] = datagrams as [Subsegment, Subsegment, Subsegment, Subsegment];
    expect(ok).toMatchObject({
      name: 'DynamoDB',
      type: 'subsegment',
      namespace: 'aws',
      trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      parent_id: '53995c3f42cd8ad8',
      aws: { operation: 'GetItem', region: 'eu-west-1' },
      http: { response: { status: 200 } },
    });
    expect(ok).not.toHaveProperty('error');
    expect(ok).not.toHaveProperty('fault');
    expect(ok.id).toMatch(/^[0-9a-f]{16}$/);
    expect(ok.end_time).toBeGreaterThanOrEqual(ok.start_time);
    expect(throttled).toMatchObject({
      name: 'DynamoDB',
      aws: { operation: 'PutItem', region: 'eu-west-1', request_id: 'r-2' },
      http: { response: { status: 429 } },
      throttle: true,
      error: true,
    });
    expect(throttled).not.toHaveProperty('fault');
    expect(refused).toMatchObject({
      aws: { operation: 'DeleteItem', request_id: 'r-3' },
      http: { response: { status: 400 } },
      error: true,
    });
    expect(refused).not.toHaveProperty('throttle');
    expect(fault).toMatchObject({
      name: 'KMS',
      aws: { operation: 'Decrypt' },
      http: { response: { status: 500 } },
      fault: true,
    });
    expect(fault).not.toHaveProperty('error');
  });

  it('I1 a call whose connection failed (no answer) is a fault, without a status', async () => {
    process.env._X_AMZN_TRACE_ID = HEADER;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = jsonApi(service('DynamoDB', 'DynamoDB_20120810'), () => ({
      ...transport,
      endpoint: new URL(`http://127.0.0.1:${port}`),
    }));
    await expect(unreachable.call('GetItem', {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await settle(1);
    expect(datagrams).toHaveLength(1);
    expect(datagrams[0]).toMatchObject({ name: 'DynamoDB', aws: { operation: 'GetItem' }, fault: true });
    expect(datagrams[0]).not.toHaveProperty('http');
  });

  it('I1 nothing is written outside a sampled invocation, and the handler subsegment says cold start once', async () => {
    delete process.env._X_AMZN_TRACE_ID;
    await dynamodb().call('GetItem', {});
    process.env._X_AMZN_TRACE_ID = HEADER.replace('Sampled=1', 'Sampled=0');
    await dynamodb().call('PutItem', {});
    process.env._X_AMZN_TRACE_ID = HEADER;
    await dynamodb().call('DeleteItem', {});
    await settle(1);
    expect(requests).toBe(3);
    // the loopback keeps the order: the first datagram is the sampled call's, the unsampled ones wrote none
    expect(datagrams.map((d) => d.aws?.operation)).toEqual(['DeleteItem']);

    const written: Subsegment[] = [];
    const middleware = captureLambdaHandler('palisade', (d) => written.push(d));
    const request = {} as never;
    for (const failed of [false, true]) {
      await middleware.before?.(request);
      await (failed ? middleware.onError : middleware.after)?.(request);
    }
    expect(written.map((d) => [d.name, d.annotations?.ColdStart, d.fault ?? false])).toEqual([
      ['## handler', true, false],
      ['## handler', false, true],
    ]);
  });

  it('I1 the documents go over UDP to the address Lambda gives, in the daemon format', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const received = new Promise<string>((resolve) => socket.once('message', (m) => resolve(m.toString())));
    const sink = daemonSink(`127.0.0.1:${socket.address().port}`);
    sink?.({
      name: 'x',
      id: '1',
      trace_id: 't',
      parent_id: 'p',
      type: 'subsegment',
      start_time: 1,
      end_time: 2,
    });
    const [header, body] = (await received).split('\n');
    socket.close();
    expect(JSON.parse(header ?? '')).toEqual({ format: 'json', version: 1 });
    expect(JSON.parse(body ?? '')).toMatchObject({ name: 'x', type: 'subsegment' });
    // no address (the variable unset outside Lambda), or one without a port: no sink
    expect(daemonSink('')).toBeUndefined();
    expect(daemonSink('localhost')).toBeUndefined();
  });

  it('I1 the AWS calls of an invocation travel nested in its handler subsegment: one datagram per invocation, flat when too big for one', async () => {
    process.env._X_AMZN_TRACE_ID = HEADER;
    // the handler's subsegment goes to the same daemon, as in Lambda
    const handler = captureLambdaHandler('palisade');
    const request = {} as never;

    await dynamodb().call('DescribeTable', {}); // at init: alone, under the function's segment
    await handler.before?.(request);
    await dynamodb().call('GetItem', {});
    await kms().call('Decrypt', {});
    await handler.after?.(request);
    await settle(2);
    expect(datagrams).toHaveLength(2);
    const [alone, tree] = datagrams as [Subsegment, Subsegment];
    expect(alone).toMatchObject({ aws: { operation: 'DescribeTable' }, parent_id: '53995c3f42cd8ad8' });
    expect(tree).toMatchObject({ name: '## handler', parent_id: '53995c3f42cd8ad8', type: 'subsegment' });
    expect(tree.subsegments?.map((c) => [c.name, c.aws?.operation])).toEqual([
      ['DynamoDB', 'GetItem'],
      ['KMS', 'Decrypt'],
    ]);
    expect(tree.subsegments?.[0]).not.toHaveProperty('trace_id');

    // An invocation with more calls than one datagram holds: the handler, then each call under it.
    datagrams.length = 0;
    await handler.before?.(request);
    for (let i = 0; i < 350; i++) await dynamodb().call('GetItem', {});
    await handler.after?.(request);
    await settle(351);
    expect(datagrams).toHaveLength(351);
    const parent = datagrams.find((d) => d.name === '## handler');
    expect(parent?.subsegments).toBeUndefined();
    expect(
      datagrams.filter((d) => d.parent_id === parent?.id && d.aws?.operation === 'GetItem'),
    ).toHaveLength(350);
  });
});
