// The DynamoDB document client of the functions: what @aws-sdk/lib-dynamodb's DynamoDBDocumentClient does for
// the commands Palisade sends (Get, Put, Update, Delete, Query, Scan, BatchGet, BatchWrite, TransactGet,
// TransactWrite), on the signed JSON caller json-api.ts instead of @aws-sdk/client-dynamodb and @smithy/core
// (docs/decisions.md, "Bundles"). The commands keep lib-dynamodb's names and input/output types (imported as
// types only), so a store reads the same with either; the client converts native values to DynamoDB's
// attribute values and back as lib-dynamodb does with `removeUndefinedValues: true`: numbers as JS numbers
// (a number beyond the safe integers as a bigint), Uint8Array as binary (`B`, base64 on the wire), Set as
// SS/NS/BS, arrays as L, plain objects as M; an undefined attribute, list or set member is left out. A refusal
// is an AwsApiError named by DynamoDB's error code (ConditionalCheckFailedException,
// TransactionCanceledException …), checked by name, with the error's Item and CancellationReasons' Items in
// native values.
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetCommandInput,
  TransactGetCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import type { AwsTransport } from './signed-request.js';

export type {
  BatchGetCommandInput,
  BatchWriteCommandInput,
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  TransactGetCommandInput,
  TransactWriteCommandInput,
  UpdateCommandInput,
};

export const DYNAMODB: JsonService = {
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
  traceName: 'DynamoDB',
};

type Native = Record<string, unknown>;
type Wire = Record<string, unknown>;

// ---- values ------------------------------------------------------------------------------------------------

const isBinary = (value: unknown): value is Uint8Array | ArrayBuffer | DataView =>
  value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value);

const base64 = (value: Uint8Array | ArrayBuffer | ArrayBufferView): string =>
  (value instanceof ArrayBuffer
    ? Buffer.from(value)
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  ).toString('base64');

function numberText(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new Error(`Special numeric value ${value} is not allowed`);
  if (Number.isInteger(value) && !Number.isSafeInteger(value))
    throw new Error(`Number ${value} is greater than Number.MAX_SAFE_INTEGER. Use BigInt.`);
  return String(value);
}

function setToAttr(set: Set<unknown>): Wire {
  const members = [...set].filter((m) => m !== undefined);
  if (!members.length) throw new Error('Pass a non-empty set, or options.convertEmptyValues=true.');
  const first = members[0];
  if (typeof first === 'string') return { SS: members as string[] };
  if (typeof first === 'number' || typeof first === 'bigint')
    return { NS: (members as (number | bigint)[]).map(numberText) };
  if (isBinary(first)) return { BS: (members as Uint8Array[]).map(base64) };
  throw new Error('Only Set of string, number, bigint or binary are supported');
}

/** A native value as a DynamoDB attribute value (undefined only inside maps, lists and sets, where it is left out). */
export function toAttr(value: unknown): Wire {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: numberText(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value))
    return {
      L: value.filter((v) => v !== undefined && typeof v !== 'function').map((v) => toAttr(v)),
    };
  if (value instanceof Set) return setToAttr(value);
  if (isBinary(value)) return { B: base64(value) };
  if (value instanceof Map) {
    const map: Wire = {};
    for (const [k, v] of value) if (v !== undefined && typeof v !== 'function') map[String(k)] = toAttr(v);
    return { M: map };
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw new Error(
        `Unsupported type passed: ${String(value)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`,
      );
    return { M: marshallItem(value as Native) };
  }
  throw new Error(`Unsupported type passed: ${String(value)}`);
}

/** A native item as DynamoDB's attribute map, its undefined attributes left out. */
export function marshallItem(item: Native): Record<string, Wire> {
  const out: Record<string, Wire> = {};
  for (const [k, v] of Object.entries(item)) {
    if (v !== undefined && typeof v !== 'function') out[k] = toAttr(v);
  }
  return out;
}

function nativeNumber(text: string): number | bigint {
  const n = Number(text);
  if (Number.isFinite(n) && (n > Number.MAX_SAFE_INTEGER || n < Number.MIN_SAFE_INTEGER)) {
    try {
      return BigInt(text);
    } catch {
      throw new Error(`${text} can't be converted to BigInt. Set options.wrapNumbers to get string value.`);
    }
  }
  return n;
}

const fromBase64 = (text: string): Uint8Array => {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};

/** A DynamoDB attribute value as a native value. */
export function fromAttr(attr: Wire): unknown {
  for (const [type, value] of Object.entries(attr)) {
    if (value === undefined) continue;
    switch (type) {
      case 'NULL':
        return null;
      case 'BOOL':
        return Boolean(value);
      case 'N':
        return nativeNumber(value as string);
      case 'S':
        return value;
      case 'B':
        return fromBase64(value as string);
      case 'L':
        return (value as Wire[]).map(fromAttr);
      case 'M':
        return unmarshallItem(value as Record<string, Wire>);
      case 'SS':
        return new Set(value as string[]);
      case 'NS':
        return new Set((value as string[]).map(nativeNumber));
      case 'BS':
        return new Set((value as string[]).map(fromBase64));
      default:
        throw new Error(`Unsupported type passed: ${type}`);
    }
  }
  throw new Error(`No value defined: ${JSON.stringify(attr)}`);
}

/** DynamoDB's attribute map as a native item. */
export function unmarshallItem(item: Record<string, Wire>): Native {
  const out: Native = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttr(v);
  return out;
}

// ---- the commands' shapes ----------------------------------------------------------------------------------

const marshallOpt = (map: unknown) => (map ? marshallItem(map as Native) : undefined);
const unmarshallOpt = (map: unknown) => (map ? unmarshallItem(map as Record<string, Wire>) : undefined);
const mapValues = <A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

/** `fields` of `input` converted by `f`, the rest as they are; an absent field stays absent. */
function convert(input: unknown, fields: Record<string, (value: unknown) => unknown>): Wire {
  const out: Wire = { ...(input as Wire) };
  for (const [field, f] of Object.entries(fields)) {
    if (out[field] !== undefined) out[field] = f(out[field]);
    else delete out[field];
  }
  return out;
}

const KEYED = { Key: marshallOpt, ExpressionAttributeValues: marshallOpt };
const PUT = { Item: marshallOpt, ExpressionAttributeValues: marshallOpt };
const SEARCH = { ExpressionAttributeValues: marshallOpt, ExclusiveStartKey: marshallOpt };
const ATTRIBUTES = { Attributes: unmarshallOpt };
const PAGE = {
  Items: (items: unknown) => (items as Record<string, Wire>[]).map(unmarshallItem),
  LastEvaluatedKey: unmarshallOpt,
};

const keysAndAttributes = (marshal: (map: unknown) => unknown) => (request: unknown) =>
  convert(request, { Keys: (keys) => (keys as unknown[]).map(marshal) });

const writeRequests = (marshal: (map: unknown) => unknown) => (requests: unknown) =>
  (requests as Wire[]).map((r) =>
    convert(r, {
      PutRequest: (p) => convert(p, { Item: marshal }),
      DeleteRequest: (d) => convert(d, { Key: marshal }),
    }),
  );

const TRANSACT_WRITE_ITEM = {
  Put: (p: unknown) => convert(p, PUT),
  Update: (u: unknown) => convert(u, KEYED),
  Delete: (d: unknown) => convert(d, KEYED),
  ConditionCheck: (c: unknown) => convert(c, KEYED),
};

const unconditional = (input: unknown) => !(input as Wire).ConditionExpression && !(input as Wire).Expected;

// ---- the commands ------------------------------------------------------------------------------------------

/**
 * One document command: DynamoDB's operation, its input in native values, how it goes on the wire and how its
 * answer comes back, and whether it may be sent again after a connection failed before any answer.
 */
export abstract class DocumentCommand<I, O> {
  abstract readonly operation: string;
  constructor(readonly input: I) {}
  /** A read, or a write that leaves the same state when repeated and cannot answer differently the second time. */
  idempotent(): boolean {
    return false;
  }
  abstract wire(): Wire;
  abstract native(answer: Wire): O;
}

const output = <O>(answer: Wire, fields: Record<string, (value: unknown) => unknown>): O =>
  ({ ...convert(answer, fields), $metadata: {} }) as O;

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, { Key: marshallOpt });
  }
  native(answer: Wire) {
    return output<GetCommandOutput>(answer, { Item: unmarshallOpt });
  }
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  override idempotent() {
    return unconditional(this.input);
  }
  wire() {
    return convert(this.input, PUT);
  }
  native(answer: Wire) {
    return output<PutCommandOutput>(answer, ATTRIBUTES);
  }
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  wire() {
    return convert(this.input, KEYED);
  }
  native(answer: Wire) {
    return output<UpdateCommandOutput>(answer, ATTRIBUTES);
  }
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  override idempotent() {
    return unconditional(this.input);
  }
  wire() {
    return convert(this.input, KEYED);
  }
  native(answer: Wire) {
    return output<DeleteCommandOutput>(answer, ATTRIBUTES);
  }
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, SEARCH);
  }
  native(answer: Wire) {
    return output<QueryCommandOutput>(answer, PAGE);
  }
}

export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, SEARCH);
  }
  native(answer: Wire) {
    return output<ScanCommandOutput>(answer, PAGE);
  }
}

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, {
      RequestItems: (items) => mapValues(items as Record<string, unknown>, keysAndAttributes(marshallOpt)),
    });
  }
  native(answer: Wire) {
    return output<BatchGetCommandOutput>(answer, {
      Responses: (responses) =>
        mapValues(responses as Record<string, Record<string, Wire>[]>, (items) => items.map(unmarshallItem)),
      UnprocessedKeys: (keys) => mapValues(keys as Record<string, unknown>, keysAndAttributes(unmarshallOpt)),
    });
  }
}

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  /** Batch writes are unconditional puts and deletes: repeating one leaves the same rows. */
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, {
      RequestItems: (items) => mapValues(items as Record<string, unknown>, writeRequests(marshallOpt)),
    });
  }
  native(answer: Wire) {
    return output<BatchWriteCommandOutput>(answer, {
      UnprocessedItems: (items) => mapValues(items as Record<string, unknown>, writeRequests(unmarshallOpt)),
    });
  }
}

export class TransactGetCommand extends DocumentCommand<TransactGetCommandInput, TransactGetCommandOutput> {
  readonly operation = 'TransactGetItems';
  override idempotent() {
    return true;
  }
  wire() {
    return convert(this.input, {
      TransactItems: (items) =>
        (items as Wire[]).map((item) => convert(item, { Get: (g) => convert(g, { Key: marshallOpt }) })),
    });
  }
  native(answer: Wire) {
    return output<TransactGetCommandOutput>(answer, {
      Responses: (responses) => (responses as Wire[]).map((r) => convert(r, { Item: unmarshallOpt })),
    });
  }
}

export class TransactWriteCommand extends DocumentCommand<
  TransactWriteCommandInput,
  TransactWriteCommandOutput
> {
  readonly operation = 'TransactWriteItems';
  /** With a ClientRequestToken DynamoDB itself answers a repeat (within ten minutes) without writing again. */
  override idempotent() {
    return Boolean(this.input.ClientRequestToken);
  }
  wire() {
    return convert(this.input, {
      TransactItems: (items) => (items as Wire[]).map((item) => convert(item, TRANSACT_WRITE_ITEM)),
    });
  }
  native(answer: Wire) {
    return output<TransactWriteCommandOutput>(answer, {});
  }
}

// ---- the client --------------------------------------------------------------------------------------------

/** What the stores send their commands to: `send(new GetCommand({…}))`, typed per command. */
export interface DocumentClient {
  send<I, O>(command: DocumentCommand<I, O>): Promise<O>;
}

/** DynamoDB's refusal with its items in native values (the condition's ALL_OLD Item, the cancellation reasons'). */
function nativeError(error: unknown): unknown {
  const e = error as { Item?: unknown; CancellationReasons?: { Item?: unknown }[] };
  if (e && typeof e === 'object') {
    if (e.Item && typeof e.Item === 'object') e.Item = unmarshallItem(e.Item as Record<string, Wire>);
    if (Array.isArray(e.CancellationReasons))
      e.CancellationReasons = e.CancellationReasons.map((r) =>
        r?.Item ? { ...r, Item: unmarshallItem(r.Item as Record<string, Wire>) } : r,
      );
  }
  return error;
}

/** A document client over one transport (DynamoDB's endpoint, region and credentials). */
export function documentClient(transport: () => AwsTransport): DocumentClient {
  const api = jsonApi(DYNAMODB, transport);
  return {
    async send<I, O>(command: DocumentCommand<I, O>): Promise<O> {
      let answer: Wire;
      try {
        answer = await api.call<Wire>(command.operation, command.wire(), {
          idempotent: command.idempotent(),
        });
      } catch (error) {
        throw nativeError(error);
      }
      return command.native(answer);
    },
  };
}

/** The document client of the environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, the role's credentials). */
export function envDocumentClient(env: NodeJS.ProcessEnv = process.env): DocumentClient {
  let transport: AwsTransport | undefined;
  return documentClient(() => {
    transport ??= jsonTransportFromEnv(DYNAMODB, env);
    return transport;
  });
}

/** Whether `error` is DynamoDB's refusal named `name` (ConditionalCheckFailedException …). */
export const isDynamoError = (error: unknown, name: string): boolean =>
  error instanceof Error && error.name === name;
