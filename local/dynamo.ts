// DynamoDB for the local runtime: dynalite in-process on loopback, its LevelDB in the state folder, the tables
// of lambdas/kernel/tables.ts, and the SDK client the production stores run on, with dummy credentials.
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
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
  documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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
  const documents = emulateTransactions(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  );
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
