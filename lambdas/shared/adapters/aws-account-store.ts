// The DynamoDB document client and AccountStore of the Lambda runtime.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from '../../account/dynamo-account-store.js';
import { tracer } from '../observability.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export const awsDocumentClient = once(() =>
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export const awsAccountStore = once(
  () => new DynamoAccountStore(awsDocumentClient(), requireEnv('ACCOUNTS_TABLE')),
);
