// DynamoDB for the local runtime: dynalite in-process on loopback, its LevelDB in the state folder, the tables
// of lambdas/kernel/tables.ts, and the document client the functions run on (lambdas/kernel/aws/dynamo-documents.ts),
// with dummy credentials. The SDK's own client only creates the tables.
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { type DocumentClient, documentClient } from '../lambdas/kernel/aws/dynamo-documents.js';
import type { AwsTransport } from '../lambdas/kernel/aws/signed-request.js';
import { TABLES, type TableId } from '../lambdas/kernel/tables.js';
import { emulateTransactions } from './dynamo-transactions.js';
import { close, listen, urlOf } from './listen.js';
import { ensureTables } from './tables.js';

/** Locally every table is named by its logical name. */
export const LOCAL_TABLE_NAMES = Object.fromEntries(
  (Object.keys(TABLES) as TableId[]).map((id) => [id, TABLES[id].logicalName]),
) as Record<TableId, string>;

export interface LocalDynamo {
  url: string;
  documents: DocumentClient;
  stop(): Promise<void>;
}

export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The functions' document client on a local emulator at `url` (no retries of throttling: none happens). */
export function localDocumentClient(url: string, region: string): DocumentClient {
  const transport: AwsTransport = {
    region,
    endpoint: new URL(url),
    credentials: async () => DUMMY_CREDENTIALS,
  };
  return documentClient(() => transport);
}

export async function startDynamo(stateDir: string, region: string): Promise<LocalDynamo> {
  const server = dynalite({
    path: join(stateDir, 'dynamodb'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server, 0, '127.0.0.1');
  const url = urlOf('127.0.0.1', port);
  const client = new DynamoDBClient({
    region,
    endpoint: url,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  // dynalite has no TransactWriteItems: the document client carries them out (local/dynamo-transactions.ts).
  const documents = emulateTransactions(localDocumentClient(url, region));
  try {
    await ensureTables(client);
  } catch (err) {
    client.destroy();
    await close(server);
    throw err;
  }
  return {
    url,
    documents,
    async stop() {
      client.destroy();
      await close(server);
    },
  };
}
