// The one way sensitive rows are read and written: signed on every write, verified on every read, updated by
// read-verify-modify-sign-conditional-write on a version attribute so two writers cannot both win.
//
// E1 head ledger. A signature covers a row's version, so an older signed copy put back still verifies; the
// in-memory watermark (row-signature.ts) only catches that in a container that saw the newer version. So a
// row of the table's `ledger` pattern (lambdas/kernel/tables.ts) is written only together with a head: an
// item keyed `HEAD#<[pk,sk] as JSON>` / `<the row's version, 12 digits>`, in the same transaction, created
// only if absent. Every read of such a row also reads its newest head (a query, in parallel with a get) and
// refuses a row older than it (`replayed`) or missing under it (`removed`), in any container, cold or not.
// What keeps the newest head from going down is IAM, not a signature: no function may delete or update a
// head, nor put one with any attribute but its key (lib/grants/data.ts; DynamoDB's TTL cannot reach one).
// A head put by anyone else can only name a higher version (or a malformed one: `bad-head`), refusing the
// row, which an insider who can write the row could do anyway. docs/data-protection.md has the whole case.
// A row with no head at all was last written before the ledger: `npm run rows:resign` gives each its head.
import {
  type DocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '../aws/dynamo-documents.js';
import { Conflict } from '../errors.js';
import { HEAD_PREFIX } from '../tables.js';
import type { ItemKey } from './canonical-item.js';
import { scopedRows } from './read-scope.js';
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
  /**
   * E1: the rows kept under the head ledger, matched against `<pk>\n<sk>` (TableSpec.ledger); a match with
   * the group `expiring` is a row DynamoDB's TTL may remove, so its absence is no evidence.
   */
  ledger?: RegExp;
}

const HEAD_VERSION = /^\d{12}$/;

/**
 * One write of a transaction: a new row (version 1, none under its key yet), the next version of a row read
 * before, or the deletion of a row read before (both only if it is still at the version read). Delete only
 * rows whose key is never written again: a row created anew under a deleted key starts over at version 1
 * and reads as replayed wherever a later version was seen (see the device whitelist, A7). A ledgered row is
 * never deleted (its head would call it removed): a Conflict-free `Error`.
 */
export type TransactWrite<T extends Row = Row> =
  | { create: Omit<T, 'version'> }
  | { replace: T; with: Omit<T, 'version'> }
  | { delete: T };

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface QueryPage<T> {
  items: T[];
  next?: Record<string, unknown>;
}

export class SignedTable {
  constructor(
    private readonly db: DocumentClient,
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

  /** The stored item under `key`, strongly consistent, not yet verified. */
  private async read(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  /** E1: whether the row under `key` is kept under the head ledger (the match, with its groups). */
  ledgered(key: ItemKey): RegExpExecArray | null | undefined {
    const { partitionKey, sortKey, ledger } = this.options;
    return ledger?.exec(`${key[partitionKey]}\n${key[sortKey]}`);
  }

  /** E1: the partition holding the heads of the row under `key`. */
  private heads(key: ItemKey): string {
    return HEAD_PREFIX + JSON.stringify([key[this.options.partitionKey], key[this.options.sortKey]]);
  }

  /** E1: the version the newest head of the row under `key` names; undefined when it has none. */
  async newestHead(key: ItemKey): Promise<number | undefined> {
    const { tableName, logicalName, partitionKey, sortKey } = this.options;
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': this.heads(key) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const version = Items?.[0]?.[sortKey];
    // Only a 12-digit sort key is a head: anything else put into the partition sorts above or below the real
    // newest head and must not stand in for it (a short "1" sorts above "000000000003").
    return version === undefined || HEAD_VERSION.test(version)
      ? version && Number(version)
      : this.verifier.fail(logicalName, key, 'bad-head');
  }

  /**
   * E1: `row` (undefined when absent) as the newest head allows it: at the head's version or above (a write
   * landed between the two reads), or absent where that is no evidence (no head; a row the TTL may remove).
   * Otherwise the row is read once more, now after the head (a write the head shows is then visible), and
   * refused if it still falls short: `replayed`, or `removed` for a row deleted behind the repository.
   */
  private async held<T extends Row>(
    key: ItemKey,
    row: T | undefined,
    head: number | undefined,
    again = true,
  ): Promise<T | undefined> {
    if (head === undefined || (row ? row.version >= head : this.ledgered(key)?.groups?.expiring)) return row;
    if (!again) return this.verifier.fail(this.options.logicalName, key, row ? 'replayed' : 'removed');
    const item = await this.read(key);
    return this.held(key, item && (await this.verify<T>(item)), head, false);
  }

  /**
   * The row under `key`, verified (and held to its newest head when ledgered), or undefined. Inside a
   * request's `readOnce` scope (read-scope.ts), a row already read or written by that request is not read
   * again: each caller gets its own copy of the row as read (or written).
   */
  async get<T extends Row>(key: ItemKey): Promise<T | undefined> {
    const rows = scopedRows();
    if (!rows) return this.readVerified<T>(key);
    const id = this.scopeId(key);
    let remembered = rows.get(id);
    if (!remembered) {
      const read = this.readVerified<T>(key);
      remembered = read;
      rows.set(id, read);
      // A failed read (an integrity failure, a throttled call) is not remembered: it fails this caller only.
      read.catch(() => {
        if (rows.get(id) === read) rows.delete(id);
      });
    }
    const row = await remembered;
    return row && (structuredClone(row) as T);
  }

  /** The key of a row in a request's read scope. */
  private scopeId(key: ItemKey): string {
    const { logicalName, partitionKey, sortKey } = this.options;
    return `${logicalName}\u0000${key[partitionKey]}\u0000${key[sortKey]}`;
  }

  private async readVerified<T extends Row>(key: ItemKey): Promise<T | undefined> {
    const started = this.verifier.readStarted();
    const [item, head] = await Promise.all([
      this.read(key),
      this.ledgered(key) ? this.newestHead(key) : undefined,
    ]);
    return this.held(key, item && (await this.verify<T>(item, true, started)), head);
  }

  /**
   * Every item of a partition (optionally under a sort-key prefix), each one verified (a ledgered one also
   * against its newest head). With `index`, the partition is that global secondary index's key (eventually
   * consistent, as DynamoDB allows no more).
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
        // Members left undefined are not sent (the JSON protocol drops them).
        IndexName: options.index?.name,
        ConsistentRead: !options.index,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
        ScanIndexForward: !options.newestFirst,
      }),
    );
    const consistent = !options.index;
    const items = await Promise.all(
      (out.Items ?? []).map(async (item) => {
        const key = this.keyOf(item);
        const row = await this.verify<T>(item, consistent, started);
        return this.held(key, row, consistent && this.ledgered(key) ? await this.newestHead(key) : undefined);
      }),
    );
    return {
      // A row the re-read found gone (its TTL) is left out, as if the query had not seen it.
      items: items.filter((row) => row !== undefined),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  }

  /**
   * One page of a strongly consistent scan of the whole table, keeping only the rows whose sort key is
   * `sortKey` (each verified, a ledgered one against its newest head). For operator tasks that must visit
   * every row of a kind once (the roster backfill, F2), never for a request's path. `limit` counts the items
   * scanned, so a page may hold fewer rows, even none, and still have a `next`.
   */
  async scan<T extends Row>(options: {
    sortKey: string;
    limit?: number;
    startKey?: Record<string, unknown>;
  }): Promise<QueryPage<T>> {
    const started = this.verifier.readStarted();
    const out = await this.db.send(
      new ScanCommand({
        TableName: this.options.tableName,
        FilterExpression: '#sk = :sk',
        ExpressionAttributeNames: { '#sk': this.options.sortKey },
        ExpressionAttributeValues: { ':sk': options.sortKey },
        ConsistentRead: true,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      }),
    );
    const items = await Promise.all(
      (out.Items ?? []).map(async (item) => {
        const key = this.keyOf(item);
        const row = await this.verify<T>(item, true, started);
        return this.held(key, row, this.ledgered(key) ? await this.newestHead(key) : undefined);
      }),
    );
    return {
      items: items.filter((row) => row !== undefined),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  }

  /**
   * Writes a new row (version 1); an existing row under the key is a Conflict. `also`: more writes of this
   * table made with it, all or none (an outbox entry, kernel/outbox.ts).
   */
  async create<T extends Row>(row: Omit<T, 'version'>, also: readonly TransactWrite[] = []): Promise<T> {
    return (await this.transact([{ create: row }, ...also]))[0] as T;
  }

  /**
   * Reads and verifies the row, applies `change`, signs the result and writes it only if nobody wrote in
   * between. `change` returns undefined to leave the row as it is. A lost race is a Conflict. `also`: more
   * writes of this table made with the change, all or none, given the row as written (an outbox entry).
   */
  async update<T extends Row>(
    key: ItemKey,
    change: (current: T) => T | undefined,
    also?: (next: T) => readonly TransactWrite[],
  ): Promise<{ row: T; changed: boolean } | undefined> {
    const current = await this.get<T>(key);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return { row: current, changed: false };
    const [row] = await this.transact([
      { replace: current, with: next },
      ...(also?.({ ...next, version: current.version + 1 }) ?? []),
    ]);
    return { row: row as T, changed: true };
  }

  /**
   * Writes several rows all or none (one DynamoDB transaction): each signed, each under the condition its
   * single write would have (create: absent; replace: still at the version read), a ledgered one with its
   * head (E1). Any condition failing is a Conflict and nothing is written. A single write of a row outside
   * the ledger is a plain conditional put. Returns the rows written, in order.
   *
   * `options.after`: the rows are signed while it settles, and written only once it has resolved; if it
   * rejects, nothing is written and its error is thrown (a check that must pass before the write, made
   * beside the signing rather than before it).
   */
  async transact(
    writes: readonly TransactWrite[],
    options: { after?: Promise<unknown> } = {},
  ): Promise<Row[]> {
    const { tableName: TableName, logicalName, partitionKey, sortKey } = this.options;
    const absent = {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': partitionKey },
    };
    const versioned = (expected: number) => ({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expected },
    });
    const written: Row[] = [];
    const signing = Promise.all(
      writes.map(async (w): Promise<TransactItem[]> => {
        if ('delete' in w) {
          const Key = this.keyOf(w.delete);
          if (this.ledgered(Key)) throw new Error('E1: ledgered row');
          return [{ Delete: { TableName, Key, ...versioned(w.delete.version) } }];
        }
        const row =
          'create' in w
            ? ({ ...w.create, version: 1 } as Row)
            : ({ ...w.with, ...this.keyOf(w.replace), version: w.replace.version + 1 } as Row);
        written.push(row);
        const key = this.keyOf(row);
        const Item = await this.signer.sign(logicalName, key, row);
        return [
          { Put: { TableName, Item, ...('create' in w ? absent : versioned(w.replace.version)) } },
          // E1: the head of this version, in the same transaction, created only if absent.
          ...(this.ledgered(key)
            ? [
                {
                  Put: {
                    TableName,
                    Item: {
                      [partitionKey]: this.heads(key),
                      [sortKey]: String(row.version).padStart(12, '0'),
                    },
                    ...absent,
                  },
                },
              ]
            : []),
        ];
      }),
    );
    const [signed] = await Promise.all([signing, options.after]);
    const items = signed.flat();
    const rows = scopedRows();
    try {
      const [only] = items;
      if (items.length === 1 && only?.Put) await this.db.send(new PutCommand(only.Put as PutCommandInput));
      else await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      // The request's read scope forgets every row this write named: a retry reads them afresh.
      for (const w of writes)
        rows?.delete(
          this.scopeId(this.keyOf('delete' in w ? w.delete : 'create' in w ? w.create : w.replace)),
        );
      // A lost race: a condition failed, or another transaction held one of the items.
      const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (
        (err as Error).name === 'ConditionalCheckFailedException' ||
        reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')
      ) {
        throw new Conflict('The item was changed by another request; retry', 'CONCURRENT_UPDATE');
      }
      throw err;
    }
    for (const row of written) this.verifier.observe(logicalName, this.keyOf(row), row.version);
    if (rows) {
      // The request's read scope holds each row as written (a deleted one as absent).
      for (const w of writes)
        if ('delete' in w) rows.set(this.scopeId(this.keyOf(w.delete)), Promise.resolve(undefined));
      for (const row of written)
        rows.set(this.scopeId(this.keyOf(row)), Promise.resolve(structuredClone(row)));
    }
    return written;
  }
}
