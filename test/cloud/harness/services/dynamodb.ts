// DynamoDB: the real JSON protocol, served by dynalite (its HTTP server, tables under the template's physical
// names). Each call is authorised per table (and index) and per action the way DynamoDB asks IAM, including
// the per-item actions of TransactWriteItems, `dynamodb:LeadingKeys`, and the table key DynamoDB uses on the
// caller's behalf for a table encrypted with a customer managed key (kms:Decrypt with kms:ViaService).
// dynalite has no transactions: TransactWriteItems and TransactGetItems are carried out here as single
// conditional writes (undone when a later condition fails) and reads, one transaction at a time.
import {
  type Answer,
  Endpoint,
  type Gate,
  type IncomingCall,
  jsonAnswer,
  type Service,
} from '../endpoints.js';
import type { AuthzRequest } from '../iam.js';
import type { CloudModel, CloudTable } from '../template.js';

type Json = Record<string, unknown>;
type AttributeMap = Record<string, Record<string, unknown>>;

const JSON_10 = 'application/x-amz-json-1.0';

type TableCheck = Omit<AuthzRequest, 'context'> & { leading?: string[] };

export class DynamoService implements Service {
  readonly protocol = 'json' as const;
  private readonly tables: Map<string, CloudTable>;
  private transactions: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dynaliteUrl: string,
    private readonly model: CloudModel,
  ) {
    this.tables = new Map(model.tables.map((t) => [t.name, t]));
  }

  private arnOf(table: string): string {
    const { partition, region, account } = this.model.deployment;
    return this.tables.get(table)?.arn ?? `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;
  }

  /** The authorisations one call needs: per table/index, per action. */
  private checksOf(operation: string, body: Json): TableCheck[] {
    const out: TableCheck[] = [];
    const onTable = (action: string, table: string, index?: string, leading?: string[]) =>
      out.push({
        action: `dynamodb:${action}`,
        resource: `${this.arnOf(table)}${index ? `/index/${index}` : ''}`,
        ...(leading ? { leading } : {}),
      });
    switch (operation) {
      case 'GetItem':
      case 'DeleteItem':
      case 'UpdateItem':
        onTable(operation, String(body.TableName), undefined, leadingOf(body.Key));
        break;
      case 'PutItem':
        onTable(operation, String(body.TableName), undefined, leadingOf(body.Item));
        break;
      case 'Query':
        onTable(operation, String(body.TableName), body.IndexName as string | undefined, queryLeading(body));
        break;
      case 'Scan':
        onTable(operation, String(body.TableName), body.IndexName as string | undefined);
        break;
      case 'BatchGetItem':
      case 'BatchWriteItem':
        for (const table of Object.keys((body.RequestItems ?? {}) as Json)) onTable(operation, table);
        break;
      case 'TransactWriteItems':
        for (const item of (body.TransactItems ?? []) as Json[]) {
          const [kind, spec] = Object.entries(item)[0] as [string, Json];
          const action =
            {
              Put: 'PutItem',
              Update: 'UpdateItem',
              Delete: 'DeleteItem',
              ConditionCheck: 'ConditionCheckItem',
            }[kind] ?? kind;
          onTable(action, String(spec.TableName), undefined, leadingOf(spec.Key ?? spec.Item));
        }
        break;
      case 'TransactGetItems':
        for (const item of (body.TransactItems ?? []) as Json[]) {
          const spec = item.Get as Json;
          onTable('GetItem', String(spec.TableName), undefined, leadingOf(spec.Key));
        }
        break;
      default:
        onTable(operation, String(body.TableName ?? '*'));
    }
    return out;
  }

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const body = JSON.parse(call.body.toString('utf8') || '{}') as Json;
    const checks = this.checksOf(call.operation, body);
    const { region, account } = this.model.deployment;
    const tableKeys = new Map<string, string>();
    for (const check of checks) {
      const name = check.resource.split(':table/')[1]?.split('/')[0] ?? '';
      const key = this.tables.get(name)?.kmsKeyArn;
      if (key) tableKeys.set(key, name);
    }
    const allowed = gate.authorize(call, [
      ...checks.map(({ action, resource, leading }) => ({
        request: {
          action,
          resource,
          context: (leading ? { 'dynamodb:LeadingKeys': leading } : {}) as Record<string, string[]>,
        },
      })),
      ...[...tableKeys].map(([keyArn, table]) => ({
        request: {
          action: 'kms:Decrypt',
          resource: keyArn,
          context: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com`, 'kms:CallerAccount': account },
        },
        implied: `DynamoDB decrypts ${table}'s table key on the caller's behalf`,
      })),
    ]);
    if (!allowed) return Endpoint.denied('json', gate, call);
    for (const check of checks) {
      const name = check.resource.split(':table/')[1]?.split('/')[0] ?? '';
      if (!this.tables.has(name)) {
        gate.violation({
          kind: 'not-found',
          caller: call.principal.id,
          operation: `dynamodb:${call.operation}`,
          detail: `table ${name} is not a table of the template`,
        });
      }
    }
    if (call.operation === 'TransactWriteItems') return this.queue(() => this.transactWrite(call, body));
    if (call.operation === 'TransactGetItems') return this.transactGet(call, body);
    return this.forward(call, call.operation, call.body);
  }

  private async raw(
    call: IncomingCall,
    operation: string,
    body: Json | Buffer,
  ): Promise<{ status: number; json: Json; text: string }> {
    const response = await fetch(this.dynaliteUrl, {
      method: 'POST',
      headers: {
        'content-type': JSON_10,
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        authorization: String(call.headers.authorization ?? ''),
        'x-amz-date': String(call.headers['x-amz-date'] ?? ''),
      },
      body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Json) : {}, text };
  }

  private async forward(call: IncomingCall, operation: string, body: Buffer): Promise<Answer> {
    const { status, text } = await this.raw(call, operation, body);
    return { status, headers: { 'content-type': JSON_10 }, body: text };
  }

  private queue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.transactions.then(work);
    this.transactions = result.catch(() => undefined);
    return result;
  }

  private async transactGet(call: IncomingCall, body: Json): Promise<Answer> {
    const responses = [];
    for (const item of (body.TransactItems ?? []) as Json[]) {
      const got = await this.raw(call, 'GetItem', { ...(item.Get as Json), ConsistentRead: true });
      if (got.status !== 200)
        return { status: got.status, headers: { 'content-type': JSON_10 }, body: got.text };
      responses.push(got.json.Item ? { Item: got.json.Item } : {});
    }
    return jsonAnswer(200, { Responses: responses }, JSON_10);
  }

  private async transactWrite(call: IncomingCall, body: Json): Promise<Answer> {
    const items = ((body.TransactItems ?? []) as Json[]).map(
      (item) => Object.entries(item)[0] as [string, Json],
    );
    const keyOf = (kind: string, spec: Json): AttributeMap => {
      if (kind !== 'Put') return spec.Key as AttributeMap;
      const item = spec.Item as AttributeMap;
      // Every Palisade table is keyed by pk and sk (lambdas/kernel/tables.ts).
      return { pk: item.pk as Record<string, unknown>, sk: item.sk as Record<string, unknown> };
    };
    const before: (AttributeMap | undefined)[] = [];
    for (const [kind, spec] of items) {
      const got = await this.raw(call, 'GetItem', {
        TableName: spec.TableName,
        Key: keyOf(kind, spec),
        ConsistentRead: true,
      });
      if (got.status !== 200)
        return { status: got.status, headers: { 'content-type': JSON_10 }, body: got.text };
      before.push(got.json.Item as AttributeMap | undefined);
    }
    const undo = async (upTo: number) => {
      for (let j = upTo - 1; j >= 0; j--) {
        const [kind, spec] = items[j] as [string, Json];
        if (kind === 'ConditionCheck') continue;
        const previous = before[j];
        if (previous) await this.raw(call, 'PutItem', { TableName: spec.TableName, Item: previous });
        else await this.raw(call, 'DeleteItem', { TableName: spec.TableName, Key: keyOf(kind, spec) });
      }
    };
    for (const [i, [kind, spec]] of items.entries()) {
      const { ReturnValuesOnConditionCheckFailure: _ignored, ...params } = spec;
      let result: { status: number; json: Json; text: string };
      if (kind === 'Put') result = await this.raw(call, 'PutItem', params);
      else if (kind === 'Delete') result = await this.raw(call, 'DeleteItem', params);
      else if (kind === 'Update') result = await this.raw(call, 'UpdateItem', params);
      else {
        // A condition alone: rewrite the item as it is (or delete the absent item) under the condition.
        const current = before[i];
        const condition = {
          ConditionExpression: params.ConditionExpression,
          ...(params.ExpressionAttributeNames
            ? { ExpressionAttributeNames: params.ExpressionAttributeNames }
            : {}),
          ...(params.ExpressionAttributeValues
            ? { ExpressionAttributeValues: params.ExpressionAttributeValues }
            : {}),
        };
        result = current
          ? await this.raw(call, 'PutItem', { TableName: params.TableName, Item: current, ...condition })
          : await this.raw(call, 'DeleteItem', {
              TableName: params.TableName,
              Key: params.Key,
              ...condition,
            });
      }
      if (result.status === 200) continue;
      const type = String(result.json.__type ?? '');
      await undo(i);
      if (!type.endsWith('ConditionalCheckFailedException')) {
        return { status: result.status, headers: { 'content-type': JSON_10 }, body: result.text };
      }
      const reasons = items.map((_, k) =>
        k === i
          ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
          : { Code: 'None' },
      );
      return {
        status: 400,
        headers: { 'content-type': JSON_10, 'x-amzn-errortype': 'TransactionCanceledException' },
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
          CancellationReasons: reasons,
        }),
      };
    }
    return jsonAnswer(200, {}, JSON_10);
  }
}

/** The partition key value of an item or key (every Palisade table's partition key is `pk`). */
function leadingOf(key: unknown): string[] | undefined {
  const pk = (key as AttributeMap | undefined)?.pk;
  const value = pk?.S ?? pk?.N;
  return typeof value === 'string' ? [value] : undefined;
}

/** A Query's partition key value: the `=` of the key condition on the table's or the index's partition key. */
function queryLeading(body: Json): string[] | undefined {
  const expression = String(body.KeyConditionExpression ?? '');
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as AttributeMap;
  for (const match of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1]?.startsWith('#') ? names[match[1]] : match[1];
    if (name === 'pk' || body.IndexName !== undefined) {
      const value = values[match[2] as string];
      const s = value?.S ?? value?.N;
      return typeof s === 'string' ? [s] : undefined;
    }
  }
  return undefined;
}
