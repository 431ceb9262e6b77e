// `npm run audit:verify`: exports a range of the audit chain as JSON lines (plus the public keys it needs)
// and verifies chain links and signatures offline; or verifies an earlier export with its keys file alone.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { MAIN_CHAIN } from '../lambdas/kernel/audit/audit-log.js';
import { chainPartition, seqSortKey } from '../lambdas/kernel/audit/audit-record.js';
import { type ChainReport, verifyChain } from '../lambdas/kernel/audit/chain.js';

type RawRecord = Record<string, unknown> & { pk: string; sk: string; seq: number; prevHash: string };

const USAGE = `usage:
  npm run audit:verify -- --state-dir .palisade [--chain main] [--from 1] [--to N] [--out audit.jsonl]
  npm run audit:verify -- --table <name> --region <region> [--endpoint <url>] [...same range options]
  npm run audit:verify -- --verify audit.jsonl --keys audit.jsonl.keys.json`;

async function exportRange(
  documents: DynamoDBDocumentClient,
  table: string,
  chain: string,
  from: number,
  to?: number,
) {
  const records: RawRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': chainPartition(chain),
          ':from': seqSortKey(from),
          ':to': to ? seqSortKey(to) : seqSortKey(999_999_999_999),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    records.push(...((out.Items ?? []) as RawRecord[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return records;
}

function describe(report: ChainReport): string {
  if (report.ok) {
    return report.checked === 0
      ? 'audit chain: no records in range'
      : `audit chain OK: ${report.checked} records, seq ${report.firstSeq}..${report.lastSeq}, head ${report.headHash}`;
  }
  const b = report.firstBreak;
  if (!b) return 'audit chain BROKEN';
  const where = `record seq ${b.seq}`;
  switch (b.reason) {
    case 'broken-link':
      return `audit chain BROKEN at ${where}: prevHash ${b.found} does not match the previous record's hash ${b.expected}`;
    case 'gap':
      return `audit chain BROKEN at ${where}: expected seq ${b.expectedSeq} (a record is missing)`;
    default:
      return `audit chain BROKEN at ${where}: ${b.reason} (${report.checked} records before it verified)`;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'state-dir': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      chain: { type: 'string', default: MAIN_CHAIN },
      from: { type: 'string', default: '1' },
      to: { type: 'string' },
      out: { type: 'string', default: 'audit-export.jsonl' },
      verify: { type: 'string' },
      keys: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  let records: RawRecord[];
  let publicKeys: Map<string, Uint8Array>;
  if (values.verify) {
    if (!values.keys) throw new Error(`--verify needs --keys\n${USAGE}`);
    const lines = (await readFile(values.verify, 'utf8')).split('\n').filter((l) => l.trim());
    records = lines.map((l) => JSON.parse(l) as RawRecord);
    const keysFile = JSON.parse(await readFile(values.keys, 'utf8')) as Record<string, string>;
    publicKeys = new Map(Object.entries(keysFile).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
  } else {
    const from = Number(values.from);
    const to = values.to ? Number(values.to) : undefined;
    if (!Number.isInteger(from) || from < 1 || (to !== undefined && (!Number.isInteger(to) || to < from))) {
      throw new Error(`--from and --to are sequence numbers, from ≥ 1 and to ≥ from\n${USAGE}`);
    }
    const source = await openSource(values);
    try {
      records = await exportRange(source.documents, source.table, values.chain, from, to);
      publicKeys = new Map();
      for (const id of new Set(records.map((r) => String(r.sigKeyId)))) {
        publicKeys.set(id, (await source.publicKey(id)).spki);
      }
    } finally {
      await source.close();
    }
    const out = resolve(values.out);
    await writeFile(out, records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
    await writeFile(
      `${out}.keys.json`,
      JSON.stringify(
        Object.fromEntries([...publicKeys].map(([id, k]) => [id, Buffer.from(k).toString('base64')])),
        null,
        2,
      ),
    );
    console.log(`exported ${records.length} records to ${out} (public keys: ${out}.keys.json)`);
  }
  records.sort((a, b) => a.seq - b.seq);
  const report = verifyChain(records, publicKeys);
  console.log(describe(report));
  return report.ok ? 0 : 1;
}

interface Source {
  documents: DynamoDBDocumentClient;
  table: string;
  publicKey(keyId: string): Promise<{ spki: Uint8Array }>;
  close(): Promise<void>;
}

async function openSource(values: Record<string, string | boolean | undefined>): Promise<Source> {
  if (typeof values.table === 'string') {
    const region = typeof values.region === 'string' ? values.region : undefined;
    const client = new DynamoDBClient({
      ...(region ? { region } : {}),
      ...(typeof values.endpoint === 'string' ? { endpoint: values.endpoint } : {}),
    });
    const { KMSClient } = await import('@aws-sdk/client-kms');
    const { AwsKeyService } = await import('../lambdas/kernel/aws/key-service.js');
    // With --region, records signed by a multi-Region key elsewhere verify through its replica there (a
    // restored audit table in the replica Region: docs/disaster-recovery.md).
    const kms = new AwsKeyService(new KMSClient(region ? { region } : {}), 'unused', 'unused', region);
    return {
      documents: DynamoDBDocumentClient.from(client),
      table: values.table,
      publicKey: (id) => kms.getPublicKey(id),
      close: async () => client.destroy(),
    };
  }
  const stateDir = resolve(typeof values['state-dir'] === 'string' ? values['state-dir'] : '.palisade');
  const { openLocalState } = await import('../local/state-tables.js');
  const state = await openLocalState(stateDir);
  return {
    documents: state.documents,
    table: state.tableNames.audit,
    publicKey: (id) => state.keys.getPublicKey(id),
    close: () => state.close(),
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
