// I1: the trace subsegments Palisade writes itself over Lambda's active tracing (lambdas/kernel/runtime/
// tracing.ts), in place of the X-Ray SDK: one per AWS call and one per handler, only for a sampled trace.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureAWSv3Client,
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

/** The least of an SDK client: a middleware stack whose one middleware is kept, and a config. */
function fakeClient(answer: () => Promise<unknown>) {
  type Mw = (
    next: (a: unknown) => Promise<{ output?: unknown }>,
    ctx: object,
  ) => (a: unknown) => Promise<unknown>;
  let middleware: Mw | undefined;
  const client = {
    config: { serviceId: 'DynamoDB', region: async () => 'eu-west-1' },
    middlewareStack: { add: (m: Mw) => (middleware = m) },
    send: (commandName: string) =>
      (middleware as Mw)(async () => ({ output: await answer() }), {
        clientName: 'DynamoDBClient',
        commandName,
      })({}),
  };
  return client;
}

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

  it('I1 an AWS call is one subsegment under the invocation: service, operation, region, request id, and its error class', async () => {
    process.env._X_AMZN_TRACE_ID = HEADER;
    const written: Subsegment[] = [];
    const ok = captureAWSv3Client(
      fakeClient(async () => ({ $metadata: { httpStatusCode: 200, requestId: 'r-1' } })),
      (d) => written.push(d),
    );
    await ok.send('GetItemCommand');
    const throttled = captureAWSv3Client(
      fakeClient(async () => {
        throw Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } });
      }),
      (d) => written.push(d),
    );
    await expect(throttled.send('PutItemCommand')).rejects.toThrow('slow down');
    expect(written).toHaveLength(2);
    expect(written[0]).toMatchObject({
      name: 'DynamoDB',
      type: 'subsegment',
      namespace: 'aws',
      trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      parent_id: '53995c3f42cd8ad8',
      aws: { operation: 'GetItem', region: 'eu-west-1', request_id: 'r-1' },
      http: { response: { status: 200 } },
    });
    expect(written[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(written[0]?.end_time).toBeGreaterThanOrEqual(written[0]?.start_time ?? Number.POSITIVE_INFINITY);
    expect(written[1]).toMatchObject({ aws: { operation: 'PutItem' }, throttle: true, error: true });
  });

  it('I1 nothing is written outside a sampled invocation, and the handler subsegment says cold start once', async () => {
    delete process.env._X_AMZN_TRACE_ID;
    const written: Subsegment[] = [];
    await captureAWSv3Client(
      fakeClient(async () => ({})),
      (d) => written.push(d),
    ).send('GetItemCommand');
    expect(written).toEqual([]);
    process.env._X_AMZN_TRACE_ID = HEADER;
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
    expect(daemonSink(undefined)).toBeUndefined();
  });

  it('I1 the AWS calls of an invocation travel nested in its handler subsegment: one datagram per invocation, flat when too big for one', async () => {
    const daemon = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const datagrams: Subsegment[] = [];
    daemon.on('message', (m) => datagrams.push(JSON.parse(m.toString().split('\n')[1] ?? '')));
    const address = `127.0.0.1:${daemon.address().port}`;
    const settle = async (count: number) => {
      for (let i = 0; i < 400 && datagrams.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    };
    process.env._X_AMZN_TRACE_ID = HEADER;
    const client = captureAWSv3Client(
      fakeClient(async () => ({ $metadata: { httpStatusCode: 200 } })),
      daemonSink(address),
    );
    const handler = captureLambdaHandler('palisade', daemonSink(address));
    const request = {} as never;

    await client.send('DescribeTableCommand'); // at init: alone, under the function's segment
    await handler.before?.(request);
    await client.send('GetItemCommand');
    await client.send('PutItemCommand');
    await handler.after?.(request);
    await settle(2);
    expect(datagrams).toHaveLength(2);
    const [alone, tree] = datagrams as [Subsegment, Subsegment];
    expect(alone).toMatchObject({ aws: { operation: 'DescribeTable' }, parent_id: '53995c3f42cd8ad8' });
    expect(tree).toMatchObject({ name: '## handler', parent_id: '53995c3f42cd8ad8', type: 'subsegment' });
    expect(tree.subsegments?.map((c) => c.aws?.operation)).toEqual(['GetItem', 'PutItem']);
    expect(tree.subsegments?.[0]).not.toHaveProperty('trace_id');

    // An invocation with more calls than one datagram holds: the handler, then each call under it.
    datagrams.length = 0;
    await handler.before?.(request);
    for (let i = 0; i < 350; i++) await client.send('GetItemCommand');
    await handler.after?.(request);
    await settle(351);
    daemon.close();
    expect(datagrams).toHaveLength(351);
    const parent = datagrams.find((d) => d.name === '## handler');
    expect(parent?.subsegments).toBeUndefined();
    expect(
      datagrams.filter((d) => d.parent_id === parent?.id && d.aws?.operation === 'GetItem'),
    ).toHaveLength(350);
  });
});
