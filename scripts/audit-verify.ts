// `npm run audit:verify`: exports a range of the audit chain as JSON lines, with the public keys and the
// checkpoints it needs, and verifies it offline: links and signatures (kernel/audit/chain.ts), then the chain
// against its checkpoints (kernel/audit/anchor.ts, D3): a chain cut short, a record rewritten and signed again
// after it was checkpointed, a forged checkpoint, and how far the unanchored tail reaches. Locally, a chain
// that verifies is then checkpointed (the audit export is one of the moments a checkpoint is written). Or it
// verifies an earlier export with its files alone. Progress goes to stderr; findings and a summary to stdout.
// Exit code: 0 verified, 1 a finding, 2 a usage or access error.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AnchorFinding, type AnchorReport, checkAnchors } from '../lambdas/kernel/audit/anchor.js';
import { MAIN_CHAIN } from '../lambdas/kernel/audit/audit-log.js';
import { chainPartition, seqSortKey } from '../lambdas/kernel/audit/audit-record.js';
import { type ChainReport, verifyChain } from '../lambdas/kernel/audit/chain.js';
import { type CheckpointEntry, checkpointText, parseCheckpoint } from '../lambdas/kernel/audit/checkpoint.js';
import type { CheckpointRun } from '../lambdas/kernel/audit/checkpoint-writer.js';
import { type DocumentClient, documentClient, QueryCommand } from '../lambdas/kernel/aws/dynamo-documents.js';
import type { CheckpointStore } from '../lambdas/kernel/ports/checkpoint-store.js';

type RawRecord = Record<string, unknown> & { pk: string; sk: string; seq: number; prevHash: string };

const USAGE = `usage:
  npm run audit:verify -- --state-dir .palisade [--chain main] [--from 1] [--to N] [--out audit.jsonl]
  npm run audit:verify -- --table <name> --region <region> --checkpoint-bucket <bucket> [--endpoint <url>]
                          [...same range options]
  npm run audit:verify -- --verify audit.jsonl --keys audit.jsonl.keys.json [--checkpoints audit.jsonl.checkpoints.jsonl]
options:
  --allow-unanchored   records without any checkpoint pass (a new deployment before its first checkpoint)`;

/** Progress lines, on stderr so that stdout holds the findings and the summary alone. */
const progress = (line: string) => console.error(`… ${line}`);

async function exportRange(
  documents: DocumentClient,
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
    progress(`exported ${records.length} records${startKey ? ' so far' : ''}`);
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

/** A record's id as the table keys it, for records that are gone. */
const recordId = (chain: string, seq: number) => `${chainPartition(chain)}/${seqSortKey(seq)}`;

function describeFinding(chain: string, f: AnchorFinding): string {
  switch (f.kind) {
    case 'truncated': {
      const missing =
        f.missingFrom === f.missingTo
          ? `record seq ${f.missingFrom} (${recordId(chain, f.missingFrom)}) is missing`
          : `records seq ${f.missingFrom}..${f.missingTo} (${recordId(chain, f.missingFrom)} .. ${recordId(chain, f.missingTo)}) are missing`;
      return (
        `audit chain TRUNCATED: ${missing}: the chain ends at seq ${f.lastSeq}, but checkpoint ` +
        `${f.checkpoint.ref} (made ${f.checkpoint.at}) anchors seq ${f.checkpoint.seq}`
      );
    }
    case 'rewritten': {
      const r = f.record;
      const what = [r.action, r.at && `at ${r.at}`, r.requestId && `request ${r.requestId}`]
        .filter(Boolean)
        .join(', ');
      return (
        `audit record REWRITTEN: record seq ${r.seq} (${r.id}${what ? `, ${what}` : ''}) is not the record ` +
        `checkpoint ${f.checkpoint.ref} (made ${f.checkpoint.at}) anchors: its hash ${f.found} differs from the ` +
        `checkpointed ${f.expected}; it was changed and signed again after the checkpoint`
      );
    }
    case 'missing':
      return `audit chain BROKEN: record seq ${f.checkpoint.seq} (${recordId(chain, f.checkpoint.seq)}), anchored by checkpoint ${f.checkpoint.ref}, is missing`;
    case 'forged-checkpoint':
      return `audit checkpoint FORGED: ${f.checkpoint.ref} (seq ${f.checkpoint.seq}, made ${f.checkpoint.at}): ${f.reason}; not used as an anchor`;
    case 'unreadable-checkpoint':
      return `audit checkpoint UNREADABLE: ${f.ref}: ${f.error}`;
    case 'not-anchored':
      return (
        `audit chain NOT ANCHORED: ${f.records} records and no valid checkpoint, so a deletion or rewrite of ` +
        'its end cannot be seen (--allow-unanchored accepts this, e.g. before the first scheduled checkpoint)'
      );
  }
}

function summary(
  chain: string,
  records: readonly RawRecord[],
  report: ChainReport,
  anchors: AnchorReport,
  entries: number,
  anchored: string | undefined,
): string {
  const first = records[0]?.seq;
  const last = records.at(-1)?.seq;
  const problems = (report.ok ? 0 : 1) + anchors.findings.length;
  const lines = [
    'audit verify summary',
    `  chain        ${chain}: ${records.length} records${first !== undefined ? `, seq ${first}..${last}` : ''}`,
    `  links, sigs  ${report.ok ? `OK (${report.checked} verified)` : `BROKEN at record seq ${report.firstBreak?.seq} (${report.firstBreak?.reason})`}`,
    `  checkpoints  ${entries} read, ${anchors.checked} matched${anchors.outOfRange ? `, ${anchors.outOfRange} outside the range` : ''}${
      anchors.latest
        ? `; latest: seq ${anchors.latest.seq}, made ${anchors.latest.at} (${anchors.latest.ref})`
        : '; none valid'
    }`,
    `  anchored     ${anchors.anchoredTo !== undefined ? `up to seq ${anchors.anchoredTo}` : 'nothing'}`,
    `  unanchored   ${
      anchors.tail
        ? `${anchors.tail.count} records after the latest checkpoint: seq ${anchors.tail.fromSeq}..${anchors.tail.toSeq}` +
          (anchors.tail.firstAt ? ` (${anchors.tail.firstAt} .. ${anchors.tail.lastAt})` : '') +
          '; their deletion or rewrite would not show'
        : 'none: every record is anchored'
    }`,
    ...(anchored ? [`  checkpoint   ${anchored}`] : []),
    `  result       ${problems === 0 ? 'OK' : `FAILED: ${problems} finding${problems === 1 ? '' : 's'}`}`,
  ];
  return lines.join('\n');
}

const describeRun = (run: CheckpointRun): string =>
  run.outcome === 'empty'
    ? 'none made (the chain is empty)'
    : run.outcome === 'unchanged'
      ? `none needed (the latest already anchors seq ${run.checkpoint.seq})`
      : `made at seq ${run.checkpoint.seq} (${run.outcome === 'written' ? 'written' : 'already there'})`;

async function readCheckpointFile(path: string): Promise<CheckpointEntry[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const name = resolve(path).split('/').at(-1) ?? path;
  return lines.flatMap((line, i) => (line.trim() ? [parseCheckpoint(`${name}:${i + 1}`, line)] : []));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'state-dir': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'checkpoint-bucket': { type: 'string' },
      chain: { type: 'string', default: MAIN_CHAIN },
      from: { type: 'string', default: '1' },
      to: { type: 'string' },
      out: { type: 'string', default: 'audit-export.jsonl' },
      verify: { type: 'string' },
      keys: { type: 'string' },
      checkpoints: { type: 'string' },
      'allow-unanchored': { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  let records: RawRecord[];
  let publicKeys: Map<string, Uint8Array>;
  let entries: CheckpointEntry[];
  // Whether the records run to the chain's end: only then is a checkpoint beyond them a truncation.
  let complete = true;
  let source: Source | undefined;
  try {
    if (values.verify) {
      if (!values.keys) throw new Error(`--verify needs --keys\n${USAGE}`);
      const lines = (await readFile(values.verify, 'utf8')).split('\n').filter((l) => l.trim());
      records = lines.map((l) => JSON.parse(l) as RawRecord);
      const keysFile = JSON.parse(await readFile(values.keys, 'utf8')) as Record<string, string>;
      publicKeys = new Map(Object.entries(keysFile).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
      const checkpointsFile = values.checkpoints ?? `${values.verify}.checkpoints.jsonl`;
      entries = existsSync(checkpointsFile) ? await readCheckpointFile(checkpointsFile) : [];
      progress(`read ${records.length} records and ${entries.length} checkpoints`);
    } else {
      const from = Number(values.from);
      const to = values.to ? Number(values.to) : undefined;
      if (!Number.isInteger(from) || from < 1 || (to !== undefined && (!Number.isInteger(to) || to < from))) {
        throw new Error(`--from and --to are sequence numbers, from ≥ 1 and to ≥ from\n${USAGE}`);
      }
      source = await openSource(values);
      records = await exportRange(source.documents, source.table, values.chain, from, to);
      complete = to === undefined || (records.at(-1)?.seq ?? from - 1) < to;
      entries = source.checkpoints
        ? await source.checkpoints.list(values.chain, {
            fromSeq: from,
            ...(to !== undefined ? { toSeq: to } : {}),
          })
        : [];
      progress(
        `read ${entries.length} checkpoints${source.checkpoints ? '' : ' (no checkpoint store given)'}`,
      );
      publicKeys = new Map();
      const keyIds = new Set([
        ...records.flatMap((r) => (typeof r.sigKeyId === 'string' ? [r.sigKeyId] : [])),
        ...entries.flatMap((e) => (e.checkpoint ? [e.checkpoint.keyId] : [])),
      ]);
      for (const id of keyIds) {
        try {
          publicKeys.set(id, (await source.publicKey(id)).spki);
        } catch (err) {
          // An unknown key: the record or checkpoint it signed is reported as such.
          if ((err as Error).name !== 'NotFoundException') throw err;
        }
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
      await writeFile(
        `${out}.checkpoints.jsonl`,
        entries.map((e) => (e.checkpoint ? `${checkpointText(e.checkpoint)}\n` : '')).join(''),
      );
      console.log(
        `exported ${records.length} records to ${out} (public keys: ${out}.keys.json, checkpoints: ${out}.checkpoints.jsonl)`,
      );
    }

    records.sort((a, b) => a.seq - b.seq);
    progress(`verifying links and signatures of ${records.length} records`);
    const report = verifyChain(records, publicKeys, undefined, (n) =>
      progress(`verified ${n} of ${records.length} records`),
    );
    console.log(describe(report));
    progress(`checking the chain against ${entries.length} checkpoints`);
    const anchors = checkAnchors(records, entries, publicKeys, {
      complete,
      allowUnanchored: values['allow-unanchored'] ?? false,
    });
    for (const finding of anchors.findings) console.log(describeFinding(values.chain, finding));

    // Locally, a chain that verifies is checkpointed now (in AWS only the scheduled writer may).
    let anchored: string | undefined;
    if (report.ok && anchors.ok && source?.anchor) anchored = describeRun(await source.anchor());
    console.log(summary(values.chain, records, report, anchors, entries.length, anchored));
    return report.ok && anchors.ok ? 0 : 1;
  } finally {
    await source?.close();
  }
}

interface Source {
  documents: DocumentClient;
  table: string;
  publicKey(keyId: string): Promise<{ spki: Uint8Array }>;
  /** Where the chain's checkpoints are; absent when the operator named none (AWS without a bucket). */
  checkpoints?: CheckpointStore;
  /** Locally: checkpoints the chain's head (the writer checks the latest checkpoint first). */
  anchor?: () => Promise<CheckpointRun>;
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
    const { kmsClient, kmsTransport } = await import('../lambdas/kernel/aws/kms.js');
    const { AwsKeyService } = await import('../lambdas/kernel/aws/key-service.js');
    // With --region, records signed by a multi-Region key elsewhere verify through its replica there (a
    // restored audit table in the replica Region: docs/disaster-recovery.md).
    // The functions' KMS client, with the operator's Region and credentials as the SDK resolves them.
    const sdkKms = new KMSClient(region ? { region } : {});
    const kmsTarget = kmsTransport(await sdkKms.config.region(), sdkKms.config.credentials);
    const kms = new AwsKeyService(
      kmsClient(() => kmsTarget),
      'unused',
      'unused',
      region,
    );
    let checkpoints: CheckpointStore | undefined;
    if (typeof values['checkpoint-bucket'] === 'string') {
      // The functions' signed S3 adapter, with the operator's region and credentials as the SDK resolves them
      // (profiles, SSO …: the whole default chain, which the functions' environment credentials are not).
      const { S3Client } = await import('@aws-sdk/client-s3');
      const { SignedS3 } = await import('../lambdas/kernel/aws/s3-client.js');
      const { S3CheckpointStore } = await import('../lambdas/kernel/aws/checkpoint-store.js');
      const sdk = new S3Client(region ? { region } : {});
      const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
      checkpoints = new S3CheckpointStore(
        new SignedS3({
          region: await sdk.config.region(),
          credentials: sdk.config.credentials,
          ...(endpoint ? { endpoint: new URL(endpoint) } : {}),
        }),
        values['checkpoint-bucket'],
      );
    } else {
      progress(
        'no --checkpoint-bucket: the chain is checked without its checkpoints (see the stack output AuditCheckpointBucket)',
      );
    }
    // The functions' document client, with the operator's region and credentials as the SDK resolves them.
    const dynamoRegion = await client.config.region();
    const dynamoEndpoint =
      typeof values.endpoint === 'string'
        ? values.endpoint
        : (process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL);
    const transport = {
      region: dynamoRegion,
      endpoint: new URL(dynamoEndpoint ?? `https://dynamodb.${dynamoRegion}.amazonaws.com`),
      credentials: client.config.credentials,
    };
    return {
      documents: documentClient(() => transport),
      table: values.table,
      publicKey: (id) => kms.getPublicKey(id),
      ...(checkpoints ? { checkpoints } : {}),
      close: async () => client.destroy(),
    };
  }
  const stateDir = resolve(typeof values['state-dir'] === 'string' ? values['state-dir'] : '.palisade');
  const { openLocalState } = await import('../local/state-tables.js');
  const { CheckpointWriter } = await import('../lambdas/kernel/audit/checkpoint-writer.js');
  const { AuditLog } = await import('../lambdas/kernel/audit/audit-log.js');
  const { systemClock } = await import('../lambdas/kernel/ports/clock.js');
  const state = await openLocalState(stateDir);
  const chain = typeof values.chain === 'string' ? values.chain : MAIN_CHAIN;
  return {
    documents: state.documents,
    table: state.tableNames.audit,
    publicKey: (id) => state.keys.getPublicKey(id),
    checkpoints: state.checkpoints,
    anchor: () =>
      new CheckpointWriter(
        new AuditLog(state.rows.tables.audit, chain),
        state.keys,
        state.checkpoints,
        systemClock,
        {
          chain,
        },
      ).run(),
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
