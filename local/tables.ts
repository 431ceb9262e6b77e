// Creates the tables of lambdas/kernel/tables.ts in the local DynamoDB emulator, as lib/data.ts does in AWS.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableSpec } from '../lambdas/kernel/tables.js';

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

async function createTable(client: DynamoDBClient, spec: TableSpec): Promise<void> {
  const keyAttributes = new Set<string>([spec.partitionKey, spec.sortKey]);
  for (const index of spec.indexes) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: spec.logicalName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      ...(spec.indexes.length
        ? {
            GlobalSecondaryIndexes: spec.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            })),
          }
        : {}),
    }),
  );
  // Even with createTableMs 0, dynalite flips CREATING → ACTIVE on a timer; writes before that are refused.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: spec.logicalName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Table ${spec.logicalName} did not become ACTIVE`);
}

/** Creates every missing table; existing ones (a restart on the same state folder) are kept as they are. */
export async function ensureTables(client: DynamoDBClient): Promise<void> {
  for (const spec of Object.values(TABLES)) {
    if (!(await exists(client, spec.logicalName))) await createTable(client, spec);
  }
}
