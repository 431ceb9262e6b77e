// E1 head ledger in `npm run bench`: what holding a row to its newest head costs per read and per write, as a
// ratio against the same operation on the same rows without the ledger, in the same run, on one in-process
// DynamoDB (dynalite). The "request" is the user authorizer's: the account row and the session row read at
// once. Standalone: `npx tsx bench/ledger.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowSigner, RowVerifier } from '../lambdas/kernel/integrity/row-signature.js';
import { type Row, SignedTable } from '../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../lambdas/kernel/tables.js';
import { LocalKeyService } from '../local/adapters/key-service.js';
import { startEphemeralDynamo } from '../local/ephemeral-dynamo.js';
import { INTEGRITY_BUDGETS, type Verdict } from './budgets.js';
import { CountingKeyService, median } from './integrity.js';
import { isScript, runStandalone } from './standalone.js';

const USERS = 200;
const WARMUP_ROUNDS = 2;
const ROUNDS = 9;
/** Authorizer-shaped requests per round and side. */
const REQUESTS = 400;
const WRITES = 150;
const CONCURRENCY = 4;

export const E1_LEDGER_WRITE_ID = 'E1 KMS calls per ledgered write';

export interface LedgerBench {
  users: number;
  rounds: number;
  /** Median µs per authorizer-shaped request (two gets at once) with and without the ledger. */
  requestUs: { ledger: number; plain: number; ratio: number; pairedRatio: number };
  /** Median µs per update (read, sign, conditional write) with and without the ledger. */
  updateUs: { ledger: number; plain: number; ratio: number; pairedRatio: number };
  /** DynamoDB requests the ledger adds: counted at the client. */
  calls: { readPlain: string; readLedger: string; writePlain: string; writeLedger: string };
  /** The most KMS calls any single ledgered write made. */
  maxKmsPerLedgeredWrite: number;
}

type Key = { pk: string; sk: string };

/** Runs `n` operations, `CONCURRENCY` at a time; returns µs per operation. */
async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return ((performance.now() - started) * 1000) / n;
}

export async function runLedgerBench(): Promise<LedgerBench> {
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-ledger-'));
  const dynamo = await startEphemeralDynamo();
  try {
    const keys = new CountingKeyService(await LocalKeyService.open(stateDir));
    // One counting client: every command a table sends, by its name.
    const sent = new Map<string, number>();
    const plainSend = dynamo.documents.send.bind(dynamo.documents) as (c: unknown) => Promise<unknown>;
    const counted = Object.create(dynamo.documents) as typeof dynamo.documents;
    counted.send = ((command: { constructor: { name: string } }) => {
      sent.set(command.constructor.name, (sent.get(command.constructor.name) ?? 0) + 1);
      return plainSend(command);
    }) as typeof dynamo.documents.send;
    const { ledger: _pattern, ...unledgered } = TABLES.accounts;
    const tableOf = (ledger: boolean) =>
      new SignedTable(
        counted,
        { ...(ledger ? TABLES.accounts : unledgered), tableName: 'Accounts' },
        new RowSigner(keys),
        new RowVerifier(keys, async () => {
          throw new Error('a row failed verification in the ledger bench');
        }),
      );
    const ledger = tableOf(true);
    const plain = tableOf(false);

    // The same account and session rows twice: under USER# (ledgered) and under PLAIN# (the pattern misses).
    const users = Array.from({ length: USERS }, (_, i) => `u-${i}`);
    const rowsOf = (prefix: string, user: string): Key[] => [
      { pk: `${prefix}#${user}`, sk: 'ACCOUNT' },
      { pk: `${prefix}#${user}`, sk: `SESSION#${user}-s` },
    ];
    for (const user of users) {
      for (const [table, prefix] of [
        [ledger, 'USER'],
        [plain, 'PLAIN'],
      ] as const) {
        const [account, session] = rowsOf(prefix, user) as [Key, Key];
        await table.create({ ...account, userId: user, status: 'active', username: user });
        await table.create({ ...session, userId: user, createdAt: new Date().toISOString(), ttl: 2e9 });
      }
    }
    if (
      !ledger.ledgered(rowsOf('USER', 'u-0')[0] as Key) ||
      plain.ledgered(rowsOf('USER', 'u-0')[0] as Key)
    ) {
      throw new Error('the ledger bench tables are not set up as intended');
    }

    const request = (table: SignedTable, prefix: string) => (i: number) =>
      Promise.all(rowsOf(prefix, users[i % USERS] as string).map((k) => table.get(k)));
    const update = (table: SignedTable, prefix: string) => async (i: number) => {
      const key = rowsOf(prefix, users[i % USERS] as string)[0] as Key;
      await table.update<Row>(key, (row) => ({ ...row, seen: i }));
    };

    // DynamoDB commands per request and per write, counted once outside the timing.
    const count = async (op: () => Promise<unknown>) => {
      sent.clear();
      await op();
      const entries = [...sent.entries()].sort();
      return {
        total: entries.reduce((sum, [, n]) => sum + n, 0),
        text: entries.map(([name, n]) => `${n} ${name.replace('Command', '')}`).join(' + '),
      };
    };
    const calls = {
      readPlain: (await count(() => request(plain, 'PLAIN')(0))).text,
      readLedger: (await count(() => request(ledger, 'USER')(0))).text,
      writePlain: (await count(() => update(plain, 'PLAIN')(0))).text,
      writeLedger: (await count(() => update(ledger, 'USER')(0))).text,
    };

    // The KMS calls of single ledgered writes (the row's Sign; a head is not signed).
    let maxKmsPerLedgeredWrite = 0;
    for (let i = 0; i < 20; i++) {
      const { calls: kms } = await keys.charge(() => update(ledger, 'USER')(i));
      maxKmsPerLedgeredWrite = Math.max(maxKmsPerLedgeredWrite, kms);
    }

    /** Both sides of one measurement, the order alternating by round; [with the ledger, without]. */
    const pair = async (withLedger: () => Promise<number>, without: () => Promise<number>, round: number) => {
      if (round % 2) {
        const a = await withLedger();
        return [a, await without()] as const;
      }
      const b = await without();
      return [await withLedger(), b] as const;
    };
    const requestL: number[] = [];
    const requestP: number[] = [];
    const updateL: number[] = [];
    const updateP: number[] = [];
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const [rl, rp] = await pair(
        () => timed(REQUESTS, request(ledger, 'USER')),
        () => timed(REQUESTS, request(plain, 'PLAIN')),
        round,
      );
      const [ul, up] = await pair(
        () => timed(WRITES, update(ledger, 'USER')),
        () => timed(WRITES, update(plain, 'PLAIN')),
        round,
      );
      if (round < WARMUP_ROUNDS) continue;
      requestL.push(rl);
      requestP.push(rp);
      updateL.push(ul);
      updateP.push(up);
    }
    const summary = (l: number[], p: number[]) => ({
      ledger: median(l),
      plain: median(p),
      ratio: median(l) / median(p),
      pairedRatio: median(l.map((v, i) => v / (p[i] as number))),
    });
    return {
      users: USERS,
      rounds: ROUNDS,
      requestUs: summary(requestL, requestP),
      updateUs: summary(updateL, updateP),
      calls,
      maxKmsPerLedgeredWrite,
    };
  } finally {
    await dynamo.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export function ledgerVerdicts(result: LedgerBench): Verdict[] {
  const ok = result.maxKmsPerLedgeredWrite <= INTEGRITY_BUDGETS.maxKmsCallsPerWrite;
  return [
    {
      id: E1_LEDGER_WRITE_ID,
      budget: `≤ ${INTEGRITY_BUDGETS.maxKmsCallsPerWrite} in every write of a ledgered row (heads are not signed)`,
      actual: `max ${result.maxKmsPerLedgeredWrite}`,
      ok,
      ...(ok ? {} : { cause: 'a head was signed, or a write signed twice' }),
    },
  ];
}

const us = (n: number) => `${n.toFixed(0)} µs`;

export function renderLedgerText(r: LedgerBench): string {
  return [
    `E1 head ledger, ${r.users} users' account + session rows on dynalite, medians of ${r.rounds} rounds (${CONCURRENCY} concurrent):`,
    `  authorizer-shaped request (2 gets at once): ${us(r.requestUs.ledger)} with the ledger, ${us(r.requestUs.plain)} without, ratio ${r.requestUs.ratio.toFixed(2)} (paired ${r.requestUs.pairedRatio.toFixed(2)}); DynamoDB ${r.calls.readLedger} vs ${r.calls.readPlain}`,
    `  update (read, sign, write): ${us(r.updateUs.ledger)} with the ledger, ${us(r.updateUs.plain)} without, ratio ${r.updateUs.ratio.toFixed(2)} (paired ${r.updateUs.pairedRatio.toFixed(2)}); ${r.calls.writeLedger} vs ${r.calls.writePlain}`,
    `  KMS calls per ledgered write: max ${r.maxKmsPerLedgeredWrite}`,
  ].join('\n');
}

export function renderLedgerMarkdown(r: LedgerBench): string {
  return `## Head ledger (E1): what the replay check costs per request

\`bench/ledger.ts\`. ${r.users} users, each with an account row and a session row written twice through
\`SignedTable\` on one in-process dynalite: once under \`USER#\` (ledgered: a head per version) and once under a
partition the ledger pattern misses (the baseline). A request is the user authorizer's: both rows read at
once. ${CONCURRENCY} at a time, ${REQUESTS} requests and ${WRITES} updates per round and side, the sides
interleaved, ${WARMUP_ROUNDS} warm-up rounds, then ${r.rounds}; µs are medians, the ratio is the ratio of the
medians (the median of the per-round ratios beside it).

| operation | with the ledger | without | ratio | DynamoDB requests (with / without) |
| --- | ---: | ---: | ---: | --- |
| request (account + session read at once) | ${us(r.requestUs.ledger)} | ${us(r.requestUs.plain)} | ${r.requestUs.ratio.toFixed(2)} (paired ${r.requestUs.pairedRatio.toFixed(2)}) | ${r.calls.readLedger} / ${r.calls.readPlain} |
| update (read, sign, conditional write) | ${us(r.updateUs.ledger)} | ${us(r.updateUs.plain)} | ${r.updateUs.ratio.toFixed(2)} (paired ${r.updateUs.pairedRatio.toFixed(2)}) | ${r.calls.writeLedger} / ${r.calls.writePlain} |

KMS calls per ledgered write: at most ${r.maxKmsPerLedgeredWrite} (the row's \`Sign\`; a head is not signed).
dynalite runs in this process, so these are CPU-bound local figures; in AWS the head query runs in
parallel with the row's \`GetItem\` (the latency is the slower of the two, not their sum). What the extra
requests cost in capacity is in [\`data-protection.md\`](data-protection.md#replays-across-cold-starts-the-head-ledger).
`;
}

export async function measureLedger(): Promise<{ text: string; markdown: string; verdicts: Verdict[] }> {
  const result = await runLedgerBench();
  return {
    text: renderLedgerText(result),
    markdown: renderLedgerMarkdown(result),
    verdicts: ledgerVerdicts(result),
  };
}

if (isScript(import.meta.url)) runStandalone(measureLedger);
