// The DynamoDB document client and the signed-rows layer of the Lambda runtime.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { signedRows } from '../integrity/signed-rows.js';
import { tracer } from '../observability.js';
import { systemClock } from '../ports/clock.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { TABLES, type TableId } from '../tables.js';
import { awsKeyService } from './key-service.js';

export const awsDocumentClient = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export const awsSignedRows = /* @__PURE__ */ once(() =>
  signedRows(
    awsDocumentClient(),
    awsKeyService(),
    Object.fromEntries(
      (Object.keys(TABLES) as TableId[]).map((id) => [id, requireEnv(TABLES[id].envVar)]),
    ) as Record<TableId, string>,
    systemClock,
  ),
);
