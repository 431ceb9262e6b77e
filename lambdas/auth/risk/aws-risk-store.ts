// G1 (the DynamoDB adapter of the login-risk port, hence aws-*.ts: it holds the SDK): the login-risk rows in the LoginRisk table (TABLES.risk). A login reads, in ONE BatchGetItem, the user's
// history row and the population's counters of exactly the attempt's values plus the per-feature totals; after a
// successful login it writes the history row (one version-conditional update) and ADDs to the counters (atomic,
// in parallel; no scan, no read-modify-write of a shared row).
//
// Rows (pk / sk):
// - `USER#<userId>` / `HISTORY`: `logins` (the bounded history, oldest first, each `{at, v}`), `version`, `ttl`.
// - `POP#<feature>#<value>` / `S#<k>`: `c`, this shard's count of the value.
// - `POPTOTAL` / `S#<k>`: per feature `n_<f>` (logins with a value), `d_<f>` (distinct values), `l_<f>`
//   (Σ c·ln c over the values' counts), and `h<hour>` (logins per hour of day).
// The counts decay (decay.ts, forward decay): a login ADDs its weight 2^((t − landmark)/half-life) instead of 1,
// and a reader scales the sums by 1 / the weight of a login now. Still one ADD per counter, no scan, no job.
// Every counter is spread over `shards` rows, a writer ADDs to one at random and a reader sums them, so a hot
// value (a big country, a popular browser) or the totals take `shards` times one partition's write rate.
//
// Concurrency: the counters are exact (ADD). The distinct count and Σ c·ln c are updated from the count the login
// read, so two first logins with the same new value at the same moment count it twice as distinct, and the
// c·ln c increment of concurrent logins with one value is computed from the same c: the entropy drifts by a
// little under concurrency, never by a scan's worth; the snapshot clamps it at 0.
import { BatchGetCommand, type DocumentClient, UpdateCommand } from '../../kernel/aws/dynamo-documents.js';
import { CATEGORICAL_FEATURES, type CategoricalFeature, RISK_MODEL, type RiskModelConfig } from './config.js';
import { decayScale, FADED, loginWeight } from './decay.js';
import type { LoginFeatures } from './features.js';
import { boundHistory, type FeatureTotals, PopulationSnapshot, xLogX } from './model.js';

/** How the store spreads its counters; the one place to change it. */
export const RISK_STORE = Object.freeze({ shards: 4, maxBatchAttempts: 5, historyRetries: 2 });

/** What a login read: the history (with its version, for the conditional write) and the population. */
export interface RiskRead {
  history: LoginFeatures[];
  /** 0 when the user has no history row yet. */
  version: number;
  population: PopulationSnapshot;
  /** The stored sum of each of the attempt's values when read (for the distinct and Σ S·ln S updates). */
  counts: Partial<Record<CategoricalFeature, number>>;
}

export interface RiskStorePort {
  read(userId: string, attempt: LoginFeatures): Promise<RiskRead>;
  /** Adds a successful login to the user's history and to the population. */
  record(userId: string, login: LoginFeatures, read: RiskRead): Promise<void>;
}

interface StoredLogin {
  at: number;
  v: Partial<Record<CategoricalFeature, string>>;
}
type Key = { pk: string; sk: string };

const historyKey = (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'HISTORY' });
const shardKeys = (pk: string, shards: number): Key[] =>
  Array.from({ length: shards }, (_, k) => ({ pk, sk: `S#${k}` }));
const valuePk = (f: CategoricalFeature, v: string) => `POP#${f}#${v}`;
const TOTAL_PK = 'POPTOTAL';
const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class RiskStore implements RiskStorePort {
  constructor(
    private readonly documents: DocumentClient,
    private readonly tableName: string,
    private readonly config: RiskModelConfig = RISK_MODEL,
    private readonly shards: number = RISK_STORE.shards,
    private readonly random: () => number = Math.random,
  ) {}

  async read(userId: string, attempt: LoginFeatures): Promise<RiskRead> {
    const features = CATEGORICAL_FEATURES.filter((f) => attempt.values[f] !== undefined);
    const keys: Key[] = [
      historyKey(userId),
      ...shardKeys(TOTAL_PK, this.shards),
      ...features.flatMap((f) => shardKeys(valuePk(f, attempt.values[f] as string), this.shards)),
    ];
    const rows = await this.batchGet(keys, false);
    const byPk = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const list = byPk.get(String(row.pk)) ?? [];
      list.push(row);
      byPk.set(String(row.pk), list);
    }
    const history = rows.find((r) => r.pk === `USER#${userId}` && r.sk === 'HISTORY');
    const totalRows = byPk.get(TOTAL_PK) ?? [];
    const totals: Partial<Record<CategoricalFeature, FeatureTotals>> = {};
    for (const f of CATEGORICAL_FEATURES) {
      totals[f] = {
        n: totalRows.reduce((s, r) => s + num(r[`n_${f}`]), 0),
        distinct: totalRows.reduce((s, r) => s + num(r[`d_${f}`]), 0),
        cLogC: totalRows.reduce((s, r) => s + num(r[`l_${f}`]), 0),
      };
    }
    const hours = Array.from({ length: 24 }, (_, h) => totalRows.reduce((s, r) => s + num(r[`h${h}`]), 0));
    const seen: Partial<Record<CategoricalFeature, { value: string; count: number }>> = {};
    const counts: Partial<Record<CategoricalFeature, number>> = {};
    for (const f of features) {
      const value = attempt.values[f] as string;
      const count = (byPk.get(valuePk(f, value)) ?? []).reduce((s, r) => s + num(r.c), 0);
      seen[f] = { value, count };
      counts[f] = count;
    }
    return {
      history: history ? historyOf(history) : [],
      version: history ? num(history.version) : 0,
      population: new PopulationSnapshot(totals, seen, hours, decayScale(attempt.at, this.config)),
      counts,
    };
  }

  async record(userId: string, login: LoginFeatures, read: RiskRead): Promise<void> {
    await Promise.all([this.appendHistory(userId, login, read), this.count(login, read)]);
  }

  /** The history row, bounded at the login's time, written only over the version read (else read again). */
  private async appendHistory(userId: string, login: LoginFeatures, read: RiskRead): Promise<void> {
    let { history, version } = read;
    for (let attempt = 0; ; attempt++) {
      const kept = boundHistory([...history, login], login.at, this.config);
      const oldestKeptDays = this.config.history.maxAgeDays;
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: historyKey(userId),
            UpdateExpression: 'SET #logins = :logins, #version = :next, #ttl = :ttl',
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
            ExpressionAttributeNames: { '#logins': 'logins', '#version': 'version', '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':logins': kept.map((l): StoredLogin => ({ at: l.at, v: l.values })),
              ':next': version + 1,
              // The row leaves when its newest login is older than the history's bound.
              ':ttl': Math.ceil(login.at / 1000) + oldestKeptDays * 86_400,
              ...(version === 0 ? {} : { ':version': version }),
            },
          }),
        );
        return;
      } catch (err) {
        if (!isConditionFailure(err) || attempt >= RISK_STORE.historyRetries) throw err;
        // Another login of this user wrote first: add to what it wrote.
        const [row] = await this.batchGet([historyKey(userId)], true);
        history = row ? historyOf(row) : [];
        version = row ? num(row.version) : 0;
      }
    }
  }

  /** One ADD of the login's weight per value and one on the totals, each on a shard chosen at random. */
  private async count(login: LoginFeatures, read: RiskRead): Promise<void> {
    const shard = () => `S#${Math.floor(this.random() * this.shards) % this.shards}`;
    const w = loginWeight(login.at, this.config);
    const scale = decayScale(login.at, this.config);
    const names: Record<string, string> = { '#h': `h${login.hour}` };
    const values: Record<string, number> = { ':w': w };
    const adds = ['#h :w'];
    const writes: Promise<unknown>[] = [];
    for (const f of CATEGORICAL_FEATURES) {
      const v = login.values[f];
      if (v === undefined) continue;
      // The sum read for the attempt's value; a login recorded without a read of this value counts it as 0.
      const c = Math.max(0, read.counts[f] ?? 0);
      names[`#n_${f}`] = `n_${f}`;
      names[`#l_${f}`] = `l_${f}`;
      values[`:l_${f}`] = xLogX(c + w) - xLogX(c);
      adds.push(`#n_${f} :w`, `#l_${f} :l_${f}`);
      // New, or faded below half a login (decay.ts): a distinct value (again).
      if (c * scale < FADED) {
        names[`#d_${f}`] = `d_${f}`;
        adds.push(`#d_${f} :w`);
      }
      writes.push(
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: valuePk(f, v), sk: shard() },
            UpdateExpression: 'ADD #c :w',
            ExpressionAttributeNames: { '#c': 'c' },
            ExpressionAttributeValues: { ':w': w },
          }),
        ),
      );
    }
    writes.push(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: TOTAL_PK, sk: shard() },
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
    await Promise.all(writes);
  }

  private async batchGet(keys: readonly Key[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + 100);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > RISK_STORE.maxBatchAttempts) throw new Error('Risk read: keys left unprocessed');
        const result = await this.documents.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
          }),
        );
        rows.push(...((result.Responses?.[this.tableName] ?? []) as Record<string, unknown>[]));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return rows;
  }
}

function historyOf(row: Record<string, unknown>): LoginFeatures[] {
  const logins = Array.isArray(row.logins) ? (row.logins as StoredLogin[]) : [];
  return logins
    .filter((l) => typeof l?.at === 'number' && typeof l.v === 'object' && l.v !== null)
    .map((l) => ({ at: l.at, hour: new Date(l.at).getUTCHours(), values: { ...l.v } }));
}
