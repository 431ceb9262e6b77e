// The DynamoDB document client and the signed-rows layer of the Lambda runtime.
import { signedRows } from '../integrity/signed-rows.js';
import { systemClock } from '../ports/clock.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { TABLES, type TableId } from '../tables.js';
import { envDocumentClient } from './dynamo-documents.js';
import { awsKeyService } from './key-service.js';

/** The document client on DynamoDB's JSON API (dynamo-documents.ts), its calls traced as the SDK's were. */
export const awsDocumentClient = /* @__PURE__ */ once(() => envDocumentClient());

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
