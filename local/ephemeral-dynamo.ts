// An in-memory dynalite with Palisade's tables, for tests and benchmarks of repositories against real
// DynamoDB semantics (no state folder: everything goes when it stops).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { DocumentClient } from '../lambdas/kernel/aws/dynamo-documents.js';
import { DUMMY_CREDENTIALS, localDocumentClient } from './dynamo.js';
import { emulateTransactions } from './dynamo-transactions.js';
import { ensureTables } from './tables.js';

export interface EphemeralDynamo {
  /** The SDK's client, for a test's raw access to the rows (tables, tampering). */
  client: DynamoDBClient;
  /** The functions' document client (lambdas/kernel/aws/dynamo-documents.ts), what the stores are given. */
  documents: DocumentClient;
  url: string;
  stop(): Promise<void>;
}

export async function startEphemeralDynamo(): Promise<EphemeralDynamo> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // As in listen(): the client, not the server, ends idle keep-alive sockets (no ECONNRESET race).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  await ensureTables(client);
  return {
    client,
    documents: emulateTransactions(localDocumentClient(`http://127.0.0.1:${port}`, 'eu-west-1')),
    url: `http://127.0.0.1:${port}`,
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
