// The one way sensitive rows are read and written: signed on every write, verified on every read, updated by
// read-verify-modify-sign-conditional-write on a version attribute so two writers cannot both win.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { Conflict } from '../errors.js';
import type { ItemKey } from './canonical-item.js';
import type { RowSigner, RowVerifier } from './row-signature.js';

export interface Versioned {
  version: number;
}

export type Row = Record<string, unknown> & Versioned;

export interface SignedTableOptions {
  /** The logical name signed into every row: stable across stacks and point-in-time restores. */
  logicalName: string;
  /** The physical DynamoDB table name. */
  tableName: string;
  partitionKey: string;
  sortKey: string;
}

/**
 * One write of a transaction: a new row (version 1, none under its key yet), the next version of a row read
 * before, or the deletion of a row read before (both only if it is still at the version read). Delete only
 * rows whose key is never written again: a row created anew under a deleted key starts over at version 1
 * and reads as replayed wherever a later version was seen (see the device whitelist, A7).
 */
export type TransactWrite<T extends Row = Row> =
  | { create: Omit<T, 'version'> }
  | { replace: T; with: Omit<T, 'version'> }
  | { delete: T };

export interface QueryPage<T> {
  items: T[];
  next?: Record<string, unknown>;
}

export class SignedTable {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly options: SignedTableOptions,
    private readonly signer: RowSigner,
    private readonly verifier: RowVerifier,
  ) {}

  private keyOf(item: Record<string, unknown>): ItemKey {
    const { partitionKey, sortKey } = this.options;
    return { [partitionKey]: String(item[partitionKey]), [sortKey]: String(item[sortKey]) };
  }

  private verify<T extends Row>(
    item: Record<string, unknown>,
    consistent = true,
    readStartedAt?: number,
  ): Promise<T> {
    return this.verifier.verify<T>(
      this.options.logicalName,
      this.keyOf(item),
      item,
      consistent,
      readStartedAt,
    );
  }

  async get<T extends Row>(key: ItemKey): Promise<T | undefined> {
    const started = this.verifier.readStarted();
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? this.verify<T>(Item, true, started) : undefined;
  }

  /**
   * Every item of a partition (optionally under a sort-key prefix), each one verified. With `index`, the
   * partition is that global secondary index's key (eventually consistent, as DynamoDB allows no more).
   */
  async query<T extends Row>(
    partition: string,
    options: {
      index?: { name: string; partitionKey: string };
      sortKeyPrefix?: string;
      limit?: number;
      startKey?: Record<string, unknown>;
      newestFirst?: boolean;
    } = {},
  ): Promise<QueryPage<T>> {
    const partitionKey = options.index?.partitionKey ?? this.options.partitionKey;
    const names: Record<string, string> = { '#pk': partitionKey };
    const values: Record<string, unknown> = { ':pk': partition };
    let condition = '#pk = :pk';
    if (options.sortKeyPrefix !== undefined) {
      names['#sk'] = this.options.sortKey;
      values[':prefix'] = options.sortKeyPrefix;
      condition += ' AND begins_with(#sk, :prefix)';
    }
    const started = this.verifier.readStarted();
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(options.index ? { IndexName: options.index.name } : { ConsistentRead: true }),
        ...(options.limit ? { Limit: options.limit } : {}),
        ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
        ...(options.newestFirst ? { ScanIndexForward: false } : {}),
      }),
    );
    const consistent = !options.index;
    const items = await Promise.all(
      (out.Items ?? []).map((item) => this.verify<T>(item, consistent, started)),
    );
    return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  /** Writes a new row (version 1); an existing row under the key is a Conflict. */
  async create<T extends Row>(row: Omit<T, 'version'>): Promise<T> {
    const item = { ...row, version: 1 } as T;
    await this.write(item, 'attribute_not_exists(#pk)', {});
    return item;
  }

  /**
   * Reads and verifies the row, applies `change`, signs the result and writes it only if nobody wrote in
   * between. `change` returns undefined to leave the row as it is. A lost race is a Conflict.
   */
  async update<T extends Row>(
    key: ItemKey,
    change: (current: T) => T | undefined,
  ): Promise<{ row: T; changed: boolean } | undefined> {
    const current = await this.get<T>(key);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return { row: current, changed: false };
    const row = { ...next, ...key, version: current.version + 1 } as T;
    await this.write(row, '#version = :expected', { ':expected': current.version });
    return { row, changed: true };
  }

  /**
   * Writes several rows all or none (one DynamoDB transaction): each signed, each under the condition its
   * single write would have (create: absent; replace: still at the version read). Any condition failing is
   * a Conflict and nothing is written.
   */
  async transact(writes: readonly TransactWrite[]): Promise<void> {
    const versioned = (expected: number) => ({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expected },
    });
    const written: Row[] = [];
    const items = await Promise.all(
      writes.map(async (w) => {
        if ('delete' in w) {
          return {
            Delete: {
              TableName: this.options.tableName,
              Key: this.keyOf(w.delete),
              ...versioned(w.delete.version),
            },
          };
        }
        const row =
          'create' in w
            ? ({ ...w.create, version: 1 } as Row)
            : ({ ...w.with, ...this.keyOf(w.replace), version: w.replace.version + 1 } as Row);
        written.push(row);
        const signed = await this.signer.sign(this.options.logicalName, this.keyOf(row), row);
        return {
          Put: {
            TableName: this.options.tableName,
            Item: signed,
            ...('create' in w
              ? {
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': this.options.partitionKey },
                }
              : versioned(w.replace.version)),
          },
        };
      }),
    );
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      // A lost race: a condition failed, or another transaction held one of the items.
      const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const raced = reasons.some(
        (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
      );
      if ((err as Error).name === 'TransactionCanceledException' && raced) {
        throw new Conflict('The item was changed by another request; retry', 'CONCURRENT_UPDATE');
      }
      throw err;
    }
    for (const row of written) this.verifier.observe(this.options.logicalName, this.keyOf(row), row.version);
  }

  /**
   * Key rotation: moves every row not signed by `currentKeyId` forward, one page of a scan at a time. Each
   * row is verified first (an older key's signature still verifies) and rewritten with the next version
   * under the same conditional write as an update, so a row changed meanwhile is left to its writer and
   * counted as skipped. Returns where to continue; `next` is absent when the table is done.
   */
  async resignPage(
    currentKeyId: string,
    startKey?: Record<string, unknown>,
    limit = 100,
  ): Promise<{ resigned: number; skipped: number; next?: Record<string, unknown> }> {
    const out = await this.db.send(
      new ScanCommand({
        TableName: this.options.tableName,
        ConsistentRead: true,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    let resigned = 0;
    let skipped = 0;
    for (const item of out.Items ?? []) {
      if (item.sigKeyId === currentKeyId) continue;
      const current = await this.verify<Row>(item);
      try {
        await this.write({ ...current, version: current.version + 1 }, '#version = :expected', {
          ':expected': current.version,
        });
        resigned += 1;
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        skipped += 1;
      }
    }
    return { resigned, skipped, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  private async write(item: Row, condition: string, values: Record<string, unknown>): Promise<void> {
    const signed = await this.signer.sign(this.options.logicalName, this.keyOf(item), item);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: signed,
          ConditionExpression: condition,
          ExpressionAttributeNames: condition.includes('#pk')
            ? { '#pk': this.options.partitionKey }
            : { '#version': 'version' },
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new Conflict('The item was changed by another request; retry', 'CONCURRENT_UPDATE');
      }
      throw err;
    }
    this.verifier.observe(this.options.logicalName, this.keyOf(item), item.version);
  }
}
