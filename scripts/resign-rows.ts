// `npm run rows:resign`: after a signing-key rotation, moves every row an older key signed forward to the
// current key (E1). Locally `--rotate` first rotates the state folder's signing key, as a new KMS key would.
// It is also the head ledger's migration: every ledgered row last written before the ledger existed is
// written once more at its next version, with its head record (lambdas/kernel/integrity/resign.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DocumentClient, ScanCommand } from '../lambdas/kernel/aws/dynamo-documents.js';
import { resignTable, type ScanPage } from '../lambdas/kernel/integrity/resign.js';
import type { SignedRows } from '../lambdas/kernel/integrity/signed-rows.js';

const USAGE = `usage:
  npm run rows:resign -- --state-dir .palisade [--rotate]
  npm run rows:resign -- --region <region> --accounts-table <name> --audit-table <name> \\
                         --signing-key <arn of the new key> --data-key <arn>`;

interface Target {
  rows: SignedRows;
  scan: ScanPage;
  currentKeyId: string;
  close(): Promise<void>;
}

/** Pages of a strongly consistent scan, 100 items each. */
const scanOf =
  (db: DocumentClient, TableName: string): ScanPage =>
  async (startKey) => {
    const out = await db.send(
      new ScanCommand({
        TableName,
        ConsistentRead: true,
        Limit: 100,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: out.Items ?? [], next: out.LastEvaluatedKey };
  };

async function openTarget(values: Record<string, string | boolean | undefined>): Promise<Target> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (text('accounts-table')) {
    const required = ['region', 'accounts-table', 'audit-table', 'signing-key', 'data-key'];
    const missing = required.filter((name) => !text(name));
    if (missing.length) throw new Error(`missing --${missing.join(', --')}\n${USAGE}`);
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { documentClient } = await import('../lambdas/kernel/aws/dynamo-documents.js');
    const { KMSClient } = await import('@aws-sdk/client-kms');
    const { kmsClient, kmsTransport } = await import('../lambdas/kernel/aws/kms.js');
    const { AwsKeyService } = await import('../lambdas/kernel/aws/key-service.js');
    const { signedRows } = await import('../lambdas/kernel/integrity/signed-rows.js');
    const region = text('region') as string;
    const client = new DynamoDBClient({ region });
    // The functions' KMS client, with the operator's credentials as the SDK resolves them (profiles, SSO …).
    const kmsTarget = kmsTransport(region, new KMSClient({ region }).config.credentials);
    const keys = new AwsKeyService(
      kmsClient(() => kmsTarget),
      text('signing-key') as string,
      text('data-key') as string,
    );
    // The functions' document client, with the operator's credentials as the SDK resolves them (profiles, SSO …).
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
    const transport = {
      region,
      endpoint: new URL(endpoint ?? `https://dynamodb.${region}.amazonaws.com`),
      credentials: client.config.credentials,
    };
    const documents = documentClient(() => transport);
    const rows = signedRows(
      documents,
      keys,
      { accounts: text('accounts-table') as string, audit: text('audit-table') as string },
      { now: () => new Date() },
    );
    return {
      rows,
      scan: scanOf(documents, text('accounts-table') as string),
      currentKeyId: (await keys.getPublicKey()).keyId,
      close: async () => client.destroy(),
    };
  }
  const stateDir = resolve(text('state-dir') ?? '.palisade');
  const { LocalKeyService } = await import('../local/adapters/key-service.js');
  const { openLocalState } = await import('../local/state-tables.js');
  if (values.rotate) {
    const { lockStateFolder } = await import('../local/state-lock.js');
    const lock = await lockStateFolder(stateDir);
    try {
      console.log(`rotated the signing key: ${await LocalKeyService.rotateSigningKey(stateDir)}`);
    } finally {
      await lock.release();
    }
  }
  const state = await openLocalState(stateDir);
  return {
    rows: state.rows,
    scan: scanOf(state.documents, state.tableNames.accounts),
    currentKeyId: (await state.keys.getPublicKey()).keyId,
    close: () => state.close(),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'state-dir': { type: 'string' },
      rotate: { type: 'boolean' },
      region: { type: 'string' },
      'accounts-table': { type: 'string' },
      'audit-table': { type: 'string' },
      'signing-key': { type: 'string' },
      'data-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = await openTarget(values);
  try {
    const report = await resignTable(
      'accounts',
      target.rows.tables.accounts,
      target.scan,
      target.currentKeyId,
    );
    console.log(
      `${report.table}: ${report.resigned} rows re-signed with ${target.currentKeyId} ` +
        `(${report.headed} of them given their first head record), ` +
        `${report.skipped} changed meanwhile by their writers, ${report.pages} pages`,
    );
    return 0;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
