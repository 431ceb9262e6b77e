// F2: where the versions of the screening lists are kept (lambdas/kernel/aws/list-store.ts): an S3 bucket,
// KMS-encrypted with its own key, versioned (an overwritten or deleted object keeps its earlier version),
// TLS only, no public access, access-logged. Old object versions are kept a year: a screening decision
// records the list versions it used, and those must stay readable while the decision is reviewed.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INCOMING_PREFIX, STAGED_FILE_DAYS } from '../lambdas/screening/staging.js';
import { SECURE_BUCKET } from './secure-bucket.js';

export const LIST_PREFIX = 'lists/';
export { INCOMING_PREFIX };

export interface ScreeningListsProps {
  accessLogs: s3.IBucket;
}

export class ScreeningLists extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ScreeningListsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Palisade: encrypts the screening lists (F2)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      ...SECURE_BUCKET,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'screening-lists/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(366) },
        // F2: the files a load-screening-list request staged (lambdas/screening/staging.ts), kept for its retries.
        { prefix: INCOMING_PREFIX, expiration: Duration.days(STAGED_FILE_DAYS) },
      ],
    });
  }

  /** The list objects (the grants' resource). */
  get objectsArn(): string {
    return this.bucket.arnForObjects(`${LIST_PREFIX}*`);
  }

  /** The staged files of load-screening-list requests (incoming/<requestId>/<name>). */
  get incomingArn(): string {
    return this.bucket.arnForObjects(`${INCOMING_PREFIX}*`);
  }

  /** KMS calls on the bucket's key only as S3 makes them for this bucket. */
  viaS3(): Record<string, Record<string, string>> {
    return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } };
  }
}
