// I1: a multi-Region CloudTrail trail with file validation, delivered to a KMS-encrypted, TLS-only bucket,
// plus S3 data events on the buckets holding personal documents (who read which KYC file).
import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SECURE_BUCKET } from './secure-bucket.js';

export interface AuditTrailProps {
  accessLogs: s3.IBucket;
  /** Buckets whose object reads and writes are recorded as data events. */
  dataBuckets: readonly s3.IBucket[];
}

export class AuditTrail extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Palisade: encrypts CloudTrail log files',
      enableKeyRotation: true,
    });
    // CloudTrail encrypts each log file with a data key of this key, only for trails of this account.
    const trailsOfThisAccount = {
      StringLike: {
        'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
      },
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: trailsOfThisAccount,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      ...SECURE_BUCKET,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'cloudtrail/',
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: this.key,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
    });
    if (props.dataBuckets.length > 0) {
      this.trail.addS3EventSelector(
        props.dataBuckets.map((bucket) => ({ bucket })),
        { readWriteType: cloudtrail.ReadWriteType.ALL },
      );
    }
  }
}
