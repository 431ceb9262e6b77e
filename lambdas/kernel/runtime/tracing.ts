// I1: tracing without an in-bundle tracing SDK (docs/decisions.md, "Tracing"). Lambda's active tracing (the
// template sets it on every function) records each invocation's segments (init, invocation, overhead) and hands
// the trace header to the function; the signed Lambda invoke forwards that header (lambda-invoke.ts), so a
// function a handler invokes joins its trace. What the X-Ray SDK added on top was one subsegment per AWS call
// and one for the handler: this module writes those two kinds itself (a few hundred bytes instead of
// aws-xray-sdk-core's 68 KB and cls-hooked), the AWS calls' through signed-request.ts `traced`, the one path
// every adapter's calls take, as X-Ray segment documents over UDP to the address Lambda gives
// (AWS_XRAY_DAEMON_ADDRESS): the calls nested in the handler's subsegment, one datagram per invocation (a
// datagram per call cost more CPU than the rest of the tracing). Outside Lambda, or when the invocation is not
// sampled, it does nothing. Sending never throws and never waits: tracing is best effort.
import { randomFillSync } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { MiddlewareObj } from '@middy/core';

/** The parts of the X-Amzn-Trace-Id header a subsegment needs (`Root=…;Parent=…;Sampled=1`). */
export interface TraceContext {
  traceId: string;
  parentId: string;
}

/** The last header parsed and what it gave: every AWS call of an invocation asks for the same one. */
let parsed: { header: string; context: TraceContext | undefined } | undefined;

/**
 * The trace of the invocation the handler middleware has open (Lambda sets the header once per invocation, before
 * the handler runs): its AWS calls take it from here instead of reading the environment at each call.
 */
let invocation: { context: TraceContext | undefined } | undefined;

/** The current invocation's trace, when Lambda gave one and sampled it; undefined otherwise. */
export function traceContext(header?: string): TraceContext | undefined {
  if (header === undefined) {
    if (invocation) return invocation.context;
    header = process.env._X_AMZN_TRACE_ID;
  }
  if (!header) return undefined;
  if (parsed?.header === header) return parsed.context;
  const context = parseTraceHeader(header);
  parsed = { header, context };
  return context;
}

function parseTraceHeader(header: string): TraceContext | undefined {
  const fields = new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const traceId = fields.get('Root');
  const parentId = fields.get('Parent');
  if (!traceId || !parentId || fields.get('Sampled') !== '1') return undefined;
  return { traceId, parentId };
}

/** One X-Ray subsegment document (the fields X-Ray's console shows for an AWS call or a handler). */
export interface Subsegment {
  name: string;
  id: string;
  trace_id: string;
  parent_id: string;
  type: 'subsegment';
  start_time: number;
  end_time: number;
  namespace?: 'aws';
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  http?: { response: { status: number } };
  aws?: { operation: string; region?: string; request_id?: string };
  annotations?: Record<string, string | number | boolean>;
  /** Calls made under this one, sent nested in it (X-Ray's embedded subsegments). */
  subsegments?: NestedSubsegment[];
}

/** A subsegment sent inside its parent: the trace, parent and type are its parent's to say. */
export type NestedSubsegment = Omit<Subsegment, 'trace_id' | 'parent_id' | 'type'>;

/** Where documents go: the daemon endpoint in Lambda; tests pass their own. */
export type SegmentSink = (document: Subsegment) => void;

const HEADER = '{"format":"json","version":1}\n';
/** What one UDP datagram to the daemon may carry (its limit is 64 KB); a bigger handler tree goes flat. */
const MAX_DOCUMENT_BYTES = 60_000;
let socket: Socket | undefined;

/**
 * The handler subsegment now open in this environment (Lambda runs one invocation at a time per
 * environment): the AWS calls made under it are kept and sent nested in it, one datagram per invocation
 * instead of one per call. A call that ends outside it (init, or after the handler ended) is sent alone.
 */
let open: { id: string; context: TraceContext; children: NestedSubsegment[] } | undefined;

/** Sends one document, or its JSON text when the caller already made it. */
function send(address: { host: string; port: number }, document: Subsegment | string): void {
  try {
    if (!socket) {
      socket = createSocket('udp4');
      socket.unref();
      socket.on('error', () => undefined);
    }
    const text = typeof document === 'string' ? document : JSON.stringify(document);
    socket.send(HEADER + text, address.port, address.host, () => undefined);
  } catch {
    // best effort: a trace document never fails a request
  }
}

/** The UDP sink to AWS_XRAY_DAEMON_ADDRESS (`host:port`), or undefined when the variable is not set. */
export function daemonSink(address = process.env.AWS_XRAY_DAEMON_ADDRESS): SegmentSink | undefined {
  const at = address?.lastIndexOf(':') ?? -1;
  if (!address || at < 0) return undefined;
  const daemon = { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
  return (document) => {
    if (
      open &&
      document.id !== open.id &&
      document.trace_id === open.context.traceId &&
      document.parent_id === open.context.parentId
    ) {
      const { trace_id, parent_id, type, ...nested } = document;
      open.children.push(nested);
      return;
    }
    if (document.subsegments) {
      // The handler's tree: in one datagram, or, when too big for one, each call on its own under it.
      const text = JSON.stringify(document);
      if (text.length > MAX_DOCUMENT_BYTES) {
        const { subsegments, ...handler } = document;
        send(daemon, handler);
        for (const child of subsegments)
          send(daemon, { ...child, trace_id: document.trace_id, parent_id: document.id, type: 'subsegment' });
        return;
      }
      // Serialised once: the size check's text is the datagram's.
      send(daemon, text);
      return;
    }
    send(daemon, document);
  };
}

/**
 * A subsegment id: 64 random bits in hex. Taken from a pool filled 256 ids at a time (one CSPRNG call instead
 * of one per AWS call; ids only need to be unique within a trace).
 */
const ID_BYTES = 8;
const idPool = Buffer.alloc(ID_BYTES * 256);
let idAt = idPool.length;
const newId = () => {
  if (idAt === idPool.length) {
    randomFillSync(idPool);
    idAt = 0;
  }
  idAt += ID_BYTES;
  return idPool.toString('hex', idAt - ID_BYTES, idAt);
};
const seconds = (ms: number) => ms / 1000;

/** A subsegment of the current invocation, from `started` (epoch ms) to now; undefined when not traced. */
export function subsegment(
  name: string,
  started: number,
  fields: Partial<Subsegment>,
  context = traceContext(),
): Subsegment | undefined {
  if (!context) return undefined;
  return {
    name,
    id: newId(),
    trace_id: context.traceId,
    parent_id: context.parentId,
    type: 'subsegment',
    start_time: seconds(started),
    end_time: seconds(Date.now()),
    ...fields,
  };
}

/** What an AWS call's answer or refusal says of itself (signed-request.ts AwsApiError's `$metadata`). */
interface CallMetadata {
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * The subsegment fields of an AWS call's outcome: its status, request id and error class (a refusal without a
 * status, a connection that failed, is a fault).
 */
export function awsOutcome(
  output: CallMetadata | undefined,
  error: CallMetadata | undefined,
): Pick<Subsegment, 'http' | 'error' | 'fault' | 'throttle'> & { request_id?: string } {
  const meta = error?.$metadata ?? output?.$metadata;
  const status = meta?.httpStatusCode;
  const outcome: Pick<Subsegment, 'http' | 'error' | 'fault' | 'throttle'> & { request_id?: string } = {};
  if (status !== undefined) outcome.http = { response: { status } };
  if (meta?.requestId) outcome.request_id = meta.requestId;
  if (error) {
    if (status === 429) outcome.throttle = true;
    if (status !== undefined && status < 500) outcome.error = true;
    else outcome.fault = true;
  }
  return outcome;
}

let coldStart = true;

/**
 * The handler's subsegment (`## handler`, annotated ColdStart and Service; error set when it throws), as
 * Powertools' `captureLambdaHandler` did. A middy middleware.
 */
export function captureLambdaHandler(
  service: string,
  sink: SegmentSink | undefined = daemonSink(),
): MiddlewareObj {
  let started = 0;
  let isCold = false;
  const finish = (failed: boolean) => {
    const collected = open;
    open = undefined;
    invocation = undefined;
    if (!sink) return;
    const document = subsegment(
      '## handler',
      started,
      {
        ...(collected ? { id: collected.id } : {}),
        annotations: { ColdStart: isCold, Service: service },
        ...(failed ? { fault: true } : {}),
        ...(collected?.children.length ? { subsegments: collected.children } : {}),
      },
      collected?.context,
    );
    if (document) sink(document);
  };
  return {
    before: () => {
      started = Date.now();
      isCold = coldStart;
      coldStart = false;
      invocation = undefined;
      invocation = { context: traceContext() };
      const context = sink ? invocation.context : undefined;
      open = context ? { id: newId(), context, children: [] } : undefined;
    },
    after: () => finish(false),
    onError: () => finish(true),
  };
}
