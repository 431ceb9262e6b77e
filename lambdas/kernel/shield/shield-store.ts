// A3 bot shield's counters in the Shield table (TABLES.shield): plain rows, changed only by atomic conditional
// updates (ADD, if_not_exists, conditions on the window and the lock), so concurrent failed logins are all
// counted and a counter locks once. Times are epoch milliseconds; `ttl` (epoch seconds) only cleans up: the
// rules in bot-shield.ts check expiry on every read.
import {
  BatchGetCommand,
  DeleteCommand,
  type DocumentClient,
  PutCommand,
  UpdateCommand,
} from '../aws/dynamo-documents.js';
import {
  type CounterRecord,
  type IncrementRule,
  type KnownDeviceRecord,
  keyId,
  type LockRequest,
  type ShieldKey,
  type ShieldStorePort,
} from './bot-shield.js';

/** Rounds of "count in the live window" / "start a new window" lost to concurrent writers before giving up. */
const MAX_ROUNDS = 8;
/** BatchGetItem takes at most 100 keys; unprocessed keys are retried this many times. */
const MAX_BATCH_ATTEMPTS = 5;

const NAMES = {
  '#count': 'count',
  '#windowEnd': 'windowEnd',
  '#ttl': 'ttl',
} as const;

type Row = CounterRecord & KnownDeviceRecord & ShieldKey;

const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class ShieldStore implements ShieldStorePort {
  constructor(
    private readonly documents: DocumentClient,
    private readonly tableName: string,
  ) {}

  async read(keys: readonly ShieldKey[]): Promise<Map<string, CounterRecord & KnownDeviceRecord>> {
    const rows = new Map<string, CounterRecord & KnownDeviceRecord>();
    const unique = [...new Map(keys.map((key) => [keyId(key), { pk: key.pk, sk: key.sk }])).values()];
    for (let start = 0; start < unique.length; start += 100) {
      let pending: Record<string, unknown>[] = unique.slice(start, start + 100);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error('Shield read: keys left unprocessed');
        const result = await this.documents.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of (result.Responses?.[this.tableName] ?? []) as Row[]) {
          const { pk, sk, ...record } = item;
          rows.set(keyId({ pk, sk }), record);
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return rows;
  }

  async increment(key: ShieldKey, now: Date, rule: IncrementRule): Promise<CounterRecord> {
    const row = await this.count(key, now, rule);
    if (!row) throw new Error('Shield counter: an unbounded count was refused');
    return row;
  }

  async reserve(
    key: ShieldKey,
    now: Date,
    rule: IncrementRule,
    bound: number,
  ): Promise<CounterRecord | undefined> {
    return this.count(key, now, rule, bound);
  }

  /**
   * One failure (or one reserved attempt) counted atomically in the live window, or a new window started at 1;
   * with a `bound`, only while the live window's count is below it (the condition and the ADD are one write),
   * undefined once it is reached.
   */
  private async count(
    key: ShieldKey,
    now: Date,
    rule: IncrementRule,
    bound?: number,
  ): Promise<CounterRecord | undefined> {
    const at = now.getTime();
    const windowEnd = at + rule.windowMs;
    const live = 'attribute_not_exists(#windowEnd) OR #windowEnd > :now';
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Count in the live window (a sliding window moves its end to now + window on every failure).
      try {
        const result = await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: rule.sliding
              ? 'ADD #count :one SET #ttl = :ttl, #windowEnd = :windowEnd, #lockLevel = if_not_exists(#lockLevel, :zero)'
              : 'ADD #count :one SET #ttl = :ttl, #windowEnd = if_not_exists(#windowEnd, :windowEnd), ' +
                '#lockLevel = if_not_exists(#lockLevel, :zero)',
            ConditionExpression:
              bound === undefined ? live : `(${live}) AND (attribute_not_exists(#count) OR #count < :bound)`,
            ExpressionAttributeNames: { ...NAMES, '#lockLevel': 'lockLevel' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':zero': 0,
              ':ttl': rule.ttl,
              ':now': at,
              ':windowEnd': windowEnd,
              ...(bound === undefined ? {} : { ':bound': bound }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return counterRecord(result.Attributes);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      // The row's window has ended (TTL may not have deleted it yet): start a new window at 1. Past lockouts
      // stay on the row, so the next lockout grows from them.
      try {
        const result = await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression:
              'SET #count = :one, #windowEnd = :windowEnd, #ttl = :ttl, #lockLevel = if_not_exists(#lockLevel, :zero)',
            ConditionExpression: '#windowEnd <= :now',
            ExpressionAttributeNames: { ...NAMES, '#lockLevel': 'lockLevel' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':zero': 0,
              ':windowEnd': windowEnd,
              ':ttl': rule.ttl,
              ':now': at,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return counterRecord(result.Attributes);
      } catch (err) {
        // Another failure started the new window first: count in it.
        if (!isConditionFailure(err)) throw err;
      }
      if (bound !== undefined) {
        // Both failed: the bound may be reached (refuse), or a racing write changed the row (try again).
        const row = (await this.read([key])).get(keyId(key));
        if (row?.windowEnd !== undefined && row.windowEnd > at && (row.count ?? 0) >= bound) return undefined;
      }
    }
    throw new Error('Shield counter: too much contention');
  }

  async lock(key: ShieldKey, now: Date, request: LockRequest): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          // The window ends with the lockout: after it, counting starts again from zero.
          UpdateExpression:
            'SET #lockedUntil = :lockedUntil, #lockLevel = :level, #levelUntil = :levelUntil, #windowEnd = :lockedUntil, #ttl = :ttl',
          ConditionExpression:
            '#windowEnd > :now AND #count >= :atLeast AND #lockLevel = :observedLevel AND ' +
            '(attribute_not_exists(#lockedUntil) OR #lockedUntil <= :now)',
          ExpressionAttributeNames: {
            ...NAMES,
            '#lockedUntil': 'lockedUntil',
            '#lockLevel': 'lockLevel',
            '#levelUntil': 'levelUntil',
          },
          ExpressionAttributeValues: {
            ':lockedUntil': request.lockedUntil,
            ':level': request.level,
            ':levelUntil': request.levelUntil,
            ':ttl': request.ttl,
            ':now': now.getTime(),
            ':atLeast': request.atLeast,
            ':observedLevel': request.observedLevel,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async clear(keys: readonly ShieldKey[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.documents.send(
          new DeleteCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk } }),
        ),
      ),
    );
  }

  async rememberDevice(key: ShieldKey, knownUntil: number, ttl: number): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: key.pk, sk: key.sk, knownUntil, ttl } }),
    );
  }
}

function counterRecord(attributes: Record<string, unknown> | undefined): CounterRecord {
  const row = (attributes ?? {}) as Partial<Row>;
  return {
    count: row.count ?? 0,
    windowEnd: row.windowEnd ?? 0,
    ...(row.lockedUntil !== undefined ? { lockedUntil: row.lockedUntil } : {}),
    lockLevel: row.lockLevel ?? 0,
    ...(row.levelUntil !== undefined ? { levelUntil: row.levelUntil } : {}),
  };
}
