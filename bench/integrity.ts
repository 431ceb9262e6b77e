// E1 in `npm run bench`: what a verified read costs next to raw ECDSA verify, and how many KMS calls a read
// and a write make through the KeyService port over a mixed workload against an in-process DynamoDB.
// Standalone: `npx tsx bench/integrity.ts`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Conflict } from '../lambdas/kernel/errors.js';
import { canonicalItemBytes, type ItemKey } from '../lambdas/kernel/integrity/canonical-item.js';
import { RowSigner, RowVerifier } from '../lambdas/kernel/integrity/row-signature.js';
import { type Row, SignedTable } from '../lambdas/kernel/integrity/signed-table.js';
import type { EncryptionContext, KeyService } from '../lambdas/kernel/ports/key-service.js';
import { TABLES } from '../lambdas/kernel/tables.js';
import { LocalKeyService } from '../local/adapters/key-service.js';
import { startEphemeralDynamo } from '../local/ephemeral-dynamo.js';
import {
  INTEGRITY_BUDGETS,
  kmsReadVerdict,
  kmsWriteVerdict,
  type Verdict,
  verifyRatioVerdict,
} from './budgets.js';
import { prng } from './prng.js';
import { isScript, runStandalone } from './standalone.js';

const ROWS = 2_000;
const WARMUP_ROUNDS = 2;
const ROUNDS = 9;
const OPERATIONS = 10_000;
const PARTITIONS = 150;
const CONCURRENCY = 8;
const TABLE = TABLES.accounts.logicalName;

// ---------------------------------------------------------------------------------------------------------
// Small helpers: a seeded PRNG (the same rows and workload every run) and medians.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const pick = <T>(random: () => number, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;

const NAMES = ['alice', 'bob', 'zoë', 'Øyvind', 'mårten', '李雷', 'Ana María', 'Dvořák', 'Ελένη', 'فاطمة'];
const ASSETS = ['BTC', 'ETH', 'USDC', 'SOL', 'ADA', 'DOT', 'XRP'];
const STATUSES = ['active', 'active', 'active', 'suspended', 'pending-kyc'];

/** An account-like row of 15 attributes besides its key: strings (some non-ASCII), numbers, nested objects. */
function accountRow(random: () => number, pk: string, sk: string): Row & { pk: string; sk: string } {
  const name = pick(random, NAMES);
  const created = 1_700_000_000_000 + Math.floor(random() * 40_000_000_000);
  return {
    pk,
    sk,
    userId: pk.slice(5),
    username: `${name}${Math.floor(random() * 10_000)}`,
    // Envelope-encrypted personal data arrives as base64 ciphertext with its blind index.
    emailCipher: Buffer.from(Array.from({ length: 96 }, () => Math.floor(random() * 256))).toString('base64'),
    emailIndex: Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256))).toString('hex'),
    displayName: `${name} ✓`,
    status: pick(random, STATUSES),
    tier: Math.floor(random() * 4),
    country: pick(random, ['DE', 'FR', 'GB', 'JP', 'BR', 'NG']),
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(created + Math.floor(random() * 1e9)).toISOString(),
    riskScore: Math.round(random() * 1000) / 1000,
    mfa: { totp: random() < 0.7, webauthnKeys: Math.floor(random() * 3), recoveryCodesLeft: 10 },
    limits: {
      daily: (Math.floor(random() * 1e6) / 100).toFixed(2),
      monthly: (Math.floor(random() * 1e8) / 100).toFixed(2),
      assets: ASSETS.filter(() => random() < 0.5),
    },
    flags: random() < 0.2 ? ['withdrawal-hold'] : [],
    loginCount: Math.floor(random() * 5_000),
    version: 1 + Math.floor(random() * 20),
  };
}

// ---------------------------------------------------------------------------------------------------------
// 1. Read-path verification throughput against raw node:crypto verify.

export interface ThroughputResult {
  rows: number;
  rounds: number;
  /** Median items/s of RowVerifier.verify (canonical form + SHA-256 + ECDSA verify + the row copy). */
  verifierPerSecond: number;
  /** Median items/s of node:crypto verify over the same messages and signatures, key pre-parsed. */
  rawPerSecond: number;
  /** Median items/s of canonicalItemBytes alone, to show where the difference goes. */
  canonicalPerSecond: number;
  ratio: number;
  /** Median of the per-round ratios (rounds interleaved), a cross-check on the ratio of medians. */
  pairedRatio: number;
}

async function measureThroughput(keys: LocalKeyService): Promise<ThroughputResult> {
  const random = prng(0xe1);
  const signer = new RowSigner(keys);
  const items: { key: ItemKey; row: Record<string, unknown> }[] = [];
  for (let i = 0; i < ROWS; i++) {
    const row = accountRow(random, `USER#u-${i}`, i % 3 ? 'ACCOUNT' : 'PROFILE');
    const key = { pk: row.pk, sk: row.sk };
    items.push({ key, row: await signer.sign(TABLE, key, row) });
  }
  const failures: unknown[] = [];
  const verifier = new RowVerifier(keys, async (f) => void failures.push(f));

  // The raw baseline: the same canonical messages and DER signatures, the key parsed once.
  const { spki } = await keys.getPublicKey();
  const keyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const messages = items.map(({ key, row }) => canonicalItemBytes(TABLE, key, row));
  const signatures = items.map(({ row }) => Buffer.from(row.sig as string, 'base64'));

  const raw = (): number => {
    const started = performance.now();
    let valid = 0;
    for (let i = 0; i < ROWS; i++) {
      const ok = verify(
        'sha256',
        messages[i] as Uint8Array,
        { key: keyObject, dsaEncoding: 'der' },
        signatures[i] as Uint8Array,
      );
      if (ok) valid++;
    }
    const seconds = (performance.now() - started) / 1000;
    if (valid !== ROWS) throw new Error(`raw verify: ${ROWS - valid} of ${ROWS} signatures failed`);
    return ROWS / seconds;
  };
  const verified = async (): Promise<number> => {
    const started = performance.now();
    for (const { key, row } of items) await verifier.verify(TABLE, key, row);
    const seconds = (performance.now() - started) / 1000;
    if (failures.length) throw new Error(`RowVerifier: ${failures.length} rows failed verification`);
    return ROWS / seconds;
  };
  const canonical = (): number => {
    const started = performance.now();
    let bytes = 0;
    for (const { key, row } of items) bytes += canonicalItemBytes(TABLE, key, row).length;
    const seconds = (performance.now() - started) / 1000;
    if (bytes === 0) throw new Error('no canonical bytes');
    return ROWS / seconds;
  };

  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    raw();
    await verified();
    canonical();
  }
  const rawRates: number[] = [];
  const verifierRates: number[] = [];
  const canonicalRates: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which side runs first, so neither always runs right after the other's garbage.
    let r: number;
    let v: number;
    if (i % 2) {
      r = raw();
      v = await verified();
    } else {
      v = await verified();
      r = raw();
    }
    rawRates.push(r);
    verifierRates.push(v);
    ratios.push(v / r);
    canonicalRates.push(canonical());
  }
  const rawPerSecond = median(rawRates);
  const verifierPerSecond = median(verifierRates);
  return {
    rows: ROWS,
    rounds: ROUNDS,
    verifierPerSecond,
    rawPerSecond,
    canonicalPerSecond: median(canonicalRates),
    ratio: verifierPerSecond / rawPerSecond,
    pairedRatio: median(ratios),
  };
}

// ---------------------------------------------------------------------------------------------------------
// 2. KMS calls per read and per write, counted through the port.

type KmsMethod = 'signDigest' | 'getPublicKey' | 'generateDataKey' | 'decryptDataKey';
const KMS_METHODS: readonly KmsMethod[] = ['signDigest', 'getPublicKey', 'generateDataKey', 'decryptDataKey'];

interface OperationCalls {
  calls: number;
}

/** Counts every KeyService call, and charges it to the operation it runs under (AsyncLocalStorage). */
export class CountingKeyService implements KeyService {
  readonly totals: Record<KmsMethod, number> = {
    signDigest: 0,
    getPublicKey: 0,
    generateDataKey: 0,
    decryptDataKey: 0,
  };
  private readonly current = new AsyncLocalStorage<OperationCalls>();

  constructor(private readonly inner: KeyService) {}

  /** Runs `fn` as one operation; returns its result and the KMS calls made under it. */
  async charge<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const calls: OperationCalls = { calls: 0 };
    const result = await this.current.run(calls, fn);
    return { result, calls: calls.calls };
  }

  private count(method: KmsMethod): void {
    this.totals[method]++;
    const op = this.current.getStore();
    if (op) op.calls++;
  }

  signDigest(digest: Uint8Array) {
    this.count('signDigest');
    return this.inner.signDigest(digest);
  }
  getPublicKey(keyId?: string) {
    this.count('getPublicKey');
    return this.inner.getPublicKey(keyId);
  }
  generateDataKey(context: EncryptionContext) {
    this.count('generateDataKey');
    return this.inner.generateDataKey(context);
  }
  decryptDataKey(ciphertext: Uint8Array, context: EncryptionContext) {
    this.count('decryptDataKey');
    return this.inner.decryptDataKey(ciphertext, context);
  }
}

interface OperationTally {
  count: number;
  calls: number;
  maxCalls: number;
}

export interface KmsResult {
  operations: number;
  concurrency: number;
  seconds: number;
  /** Seeding and the first read: the one public-key fetch of a container lands here. */
  setup: { writes: number; calls: Record<KmsMethod, number> };
  reads: OperationTally & { gets: number; queries: number; itemsVerified: number };
  writes: OperationTally & { creates: number; updates: number; conflicts: number };
  totals: Record<KmsMethod, number>;
}

async function measureKmsCalls(inner: LocalKeyService): Promise<KmsResult> {
  const dynamo = await startEphemeralDynamo();
  try {
    const keys = new CountingKeyService(inner);
    const table = new SignedTable(
      dynamo.documents,
      { logicalName: TABLE, tableName: TABLE, partitionKey: 'pk', sortKey: 'sk' },
      new RowSigner(keys),
      new RowVerifier(keys, async () => {
        throw new Error('a row failed verification in the KMS workload');
      }),
    );
    const random = prng(0x4b4d53);
    type Account = Row & { pk: string; sk: string };
    const existing: ItemKey[] = [];
    const devices = new Map<string, number>();

    // Setup: every partition gets an account and a limits row; then one read fetches the public key.
    for (let p = 0; p < PARTITIONS; p++) {
      const pk = `USER#u-${p}`;
      for (const sk of ['ACCOUNT', 'LIMITS']) {
        await table.create<Account>(accountRow(random, pk, sk));
        existing.push({ pk, sk });
      }
      devices.set(pk, 0);
    }
    await table.get(existing[0] as ItemKey);
    const setup = { writes: existing.length, calls: { ...keys.totals } };

    const reads = { count: 0, calls: 0, maxCalls: 0, gets: 0, queries: 0, itemsVerified: 0 };
    const writes = { count: 0, calls: 0, maxCalls: 0, creates: 0, updates: 0, conflicts: 0 };
    const tally = (t: OperationTally, calls: number) => {
      t.count++;
      t.calls += calls;
      t.maxCalls = Math.max(t.maxCalls, calls);
    };
    const plan = Array.from({ length: OPERATIONS }, () => random());

    const run = async (draw: number): Promise<void> => {
      const pk = `USER#u-${Math.floor(random() * PARTITIONS)}`;
      if (draw < 0.55) {
        const key = pick(random, existing);
        const { result, calls } = await keys.charge(() => table.get(key));
        if (!result) throw new Error(`row ${key.pk}/${key.sk} vanished`);
        reads.gets++;
        reads.itemsVerified++;
        tally(reads, calls);
      } else if (draw < 0.7) {
        const { result, calls } = await keys.charge(() => table.query(pk));
        reads.queries++;
        reads.itemsVerified += result.items.length;
        tally(reads, calls);
      } else if (draw < 0.9) {
        const key = pick(random, existing);
        const { calls } = await keys.charge(async () => {
          try {
            return await table.update<Account>(key, (row) => ({
              ...row,
              loginCount: (row.loginCount as number) + 1,
              updatedAt: new Date().toISOString(),
            }));
          } catch (err) {
            // Two of the concurrent workers updated the same row: one wins, as it must.
            if (err instanceof Conflict) writes.conflicts++;
            else throw err;
          }
        });
        writes.updates++;
        tally(writes, calls);
      } else {
        const n = (devices.get(pk) ?? 0) + 1;
        devices.set(pk, n);
        const key = { pk, sk: `DEVICE#${n}` };
        const { calls } = await keys.charge(() => table.create<Account>(accountRow(random, pk, key.sk)));
        existing.push(key);
        writes.creates++;
        tally(writes, calls);
      }
    };

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < plan.length) await run(plan[next++] as number);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const totals = { ...keys.totals };
    return { operations: OPERATIONS, concurrency: CONCURRENCY, seconds, setup, reads, writes, totals };
  } finally {
    await dynamo.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 3. Report.

export interface IntegrityResult {
  throughput: ThroughputResult;
  kms: KmsResult;
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const perOp = (calls: number, count: number) => (count ? calls / count : 0).toFixed(3);

export function integrityVerdicts({ throughput, kms }: IntegrityResult): Verdict[] {
  return [
    verifyRatioVerdict(throughput.ratio),
    kmsReadVerdict(kms.reads.calls, kms.reads.count),
    kmsWriteVerdict(kms.writes.maxCalls, kms.writes.calls, kms.writes.count),
  ];
}

function renderIntegrityText({ throughput: t, kms: k }: IntegrityResult): string {
  return [
    `E1 read-path verification, ${t.rows} signed account rows, medians of ${t.rounds} rounds (one core):`,
    `  RowVerifier.verify ${perSecond(t.verifierPerSecond)}, raw node:crypto verify ${perSecond(t.rawPerSecond)}, ratio ${t.ratio.toFixed(3)} (paired ${t.pairedRatio.toFixed(3)}); canonical form alone ${perSecond(t.canonicalPerSecond)}`,
    `E1 KMS calls, ${k.operations} operations (${k.concurrency} concurrent) against dynalite in ${k.seconds.toFixed(1)} s:`,
    `  setup: ${k.setup.writes} seeding writes, ${k.setup.calls.getPublicKey} public-key fetch(es)`,
    `  reads ${k.reads.count} (${k.reads.gets} get, ${k.reads.queries} query, ${k.reads.itemsVerified} items verified): ${k.reads.calls} KMS calls, ${perOp(k.reads.calls, k.reads.count)} per read`,
    `  writes ${k.writes.count} (${k.writes.creates} create, ${k.writes.updates} update, ${k.writes.conflicts} lost races): ${k.writes.calls} KMS calls, ${perOp(k.writes.calls, k.writes.count)} per write, max ${k.writes.maxCalls}`,
  ].join('\n');
}

function renderIntegrityMarkdown({ throughput: t, kms: k }: IntegrityResult): string {
  const calls = (c: Record<KmsMethod, number>) => KMS_METHODS.map((m) => `${m} ${c[m]}`).join(', ');
  return `## Signed rows (E1): read-path verification and KMS calls

\`bench/integrity.ts\`, after the bundles. The timing runs in a fresh node process of its own (a clean heap,
not the bench's after bundling), the KMS workload in the bench's process.

**Verification throughput.** ${t.rows} account-like rows (15 attributes besides the key: ASCII and non-ASCII
strings, integers, fractions, booleans, nested objects and arrays, a base64 ciphertext) signed once with
\`LocalKeyService\`. Measured on one core: \`RowVerifier.verify\` (the public key already cached, as after
a container's first read), i.e. the RFC 8785 canonical form, SHA-256 and ECDSA P-256 verify of each row,
against raw \`node:crypto\` \`verify('sha256', message, { key, dsaEncoding: 'der' }, signature)\` over the
same canonical messages and DER signatures with the \`KeyObject\` parsed once. ${WARMUP_ROUNDS} warm-up
rounds, then ${t.rounds} rounds of each, interleaved; items/s are medians, the ratio is the ratio of the
medians (the median of the per-round ratios next to it as a cross-check). What keeps the read path near raw
verify: \`canonicalItemBytes\` serialises plain JSON in one pass (byte-identical to the \`canonicalize\`
package, proven in \`test/unit/canonical-item.test.ts\`; about 2× faster), and \`verifySignature\` keeps the
parsed \`KeyObject\` per SPKI array without encoding the key per call.

| measurement | items/s (one core) | × raw verify |
| --- | ---: | ---: |
| raw \`node:crypto\` verify, pre-parsed key | ${Math.round(t.rawPerSecond)} | 1.000 |
| \`RowVerifier.verify\` (canonical form + SHA-256 + verify) | ${Math.round(t.verifierPerSecond)} | ${t.ratio.toFixed(3)} (paired ${t.pairedRatio.toFixed(3)}) |
| \`canonicalItemBytes\` alone | ${Math.round(t.canonicalPerSecond)} | — |

**KMS calls through the port.** A counting \`KeyService\` around \`LocalKeyService\` under a \`SignedTable\`
on an in-process dynalite, each call charged to the operation it ran under. Setup: ${k.setup.writes} rows
created (${PARTITIONS} partitions × account + limits) and one read, which fetches the public key (the
once-per-container cost): ${calls(k.setup.calls)}. Then ${k.operations} operations, ${k.concurrency} at a
time, in ${k.seconds.toFixed(1)} s: 55% \`get\`, 15% \`query\` of a partition (every item verified), 20% \`update\`
(read-verify-modify-sign-conditional-write; its verified read is part of the write), 10% \`create\`.

| operations | count | KMS calls | per operation | max in one |
| --- | ---: | ---: | ---: | ---: |
| reads (${k.reads.gets} get, ${k.reads.queries} query; ${k.reads.itemsVerified} items verified) | ${k.reads.count} | ${k.reads.calls} | ${perOp(k.reads.calls, k.reads.count)} | ${k.reads.maxCalls} |
| writes (${k.writes.creates} create, ${k.writes.updates} update, ${k.writes.conflicts} lost a race) | ${k.writes.count} | ${k.writes.calls} | ${perOp(k.writes.calls, k.writes.count)} | ${k.writes.maxCalls} |

All calls in the run: ${calls(k.totals)}.

Budgets (listed with the others under Budgets above): \`RowVerifier.verify\` ≥ ${INTEGRITY_BUDGETS.minVerifyRatio} × raw
verify; ${INTEGRITY_BUDGETS.maxKmsCallsPerRead} KMS calls in all reads after setup; ≤ ${INTEGRITY_BUDGETS.maxKmsCallsPerWrite} in every single write.
`;
}

/** The child's flag and the prefix of its one line of JSON on stdout. */
const THROUGHPUT_CHILD = '--e1-throughput-child';
const THROUGHPUT_LINE = 'E1-THROUGHPUT ';

async function throughputChildMain(): Promise<void> {
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-keys-'));
  try {
    const result = await measureThroughput(await LocalKeyService.open(stateDir));
    process.stdout.write(`${THROUGHPUT_LINE}${JSON.stringify(result)}\n`);
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/**
 * The timing runs in a fresh node process (this file, under the same tsx loader): a clean heap and JIT, not
 * the parent's after bundling every Lambda, so the figure is what one core of a warm container does.
 */
function measureThroughputInChild(): ThroughputResult {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), THROUGHPUT_CHILD],
    {
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = child.stdout?.split('\n').find((l) => l.startsWith(THROUGHPUT_LINE));
  if (child.status !== 0 || !line) {
    throw new Error(
      `E1 throughput child failed (status ${child.status}): ${child.error?.message ?? child.stderr}`,
    );
  }
  return JSON.parse(line.slice(THROUGHPUT_LINE.length)) as ThroughputResult;
}

export async function measureIntegrity(): Promise<{ text: string; markdown: string; verdicts: Verdict[] }> {
  const throughput = measureThroughputInChild();
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-keys-'));
  try {
    const kms = await measureKmsCalls(await LocalKeyService.open(stateDir));
    const result = { throughput, kms };
    return {
      text: renderIntegrityText(result),
      markdown: renderIntegrityMarkdown(result),
      verdicts: integrityVerdicts(result),
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

const runAsScript = isScript(import.meta.url);
if (runAsScript && process.argv.includes(THROUGHPUT_CHILD)) {
  throughputChildMain().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else if (runAsScript) {
  runStandalone(measureIntegrity);
}
