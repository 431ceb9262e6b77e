// D3: where the audit chain's checkpoints are kept (lambdas/kernel/audit/checkpoint.ts): an S3 bucket with
// Object Lock in compliance mode, so that no one, the account's root user included, can overwrite or delete a
// checkpoint for five years, and a bucket policy that refuses new objects from every principal but the
// checkpoint writer's role. Versioned, KMS-encrypted (its own key), TLS only, no public access, access-logged.
import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CHECKPOINT_PREFIX } from '../lambdas/kernel/audit/checkpoint.js';
import { SECURE_BUCKET } from './secure-bucket.js';

/** F5/D3: a checkpoint is kept at least as long as the audit records it anchors (five years). */
export const CHECKPOINT_RETENTION = Duration.days(5 * 366);

export interface AuditCheckpointsProps {
  accessLogs: s3.IBucket;
}

export class AuditCheckpoints extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  /** The roles allowed to add checkpoints (the bucket policy's only exception); filled in by the grants. */
  private readonly writers: iam.IRole[] = [];

  constructor(scope: Construct, id: string, props: AuditCheckpointsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Palisade: encrypts the audit checkpoints (D3)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      ...SECURE_BUCKET,
      // Compliance mode: the retention of a locked version cannot be shortened nor removed, by anyone.
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(CHECKPOINT_RETENTION),
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'audit-checkpoints/',
    });
    // IAM already gives no other Palisade role s3:PutObject here; this also holds against any other principal
    // of the account (an administrator's role), who could otherwise add a forged "latest" checkpoint.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheCheckpointWriterAddsObjects',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': Lazy.list({ produce: () => this.writers.map((role) => role.roleArn) }),
          },
        },
      }),
    );
  }

  /** The objects checkpoints are written as (the grants' resource). */
  get objectsArn(): string {
    return this.bucket.arnForObjects(`${CHECKPOINT_PREFIX}*`);
  }

  /** Names `role` in the bucket policy's exception: with its IAM grant, the one principal that may add. */
  allowWriter(role: iam.IRole): void {
    if (!this.writers.includes(role)) this.writers.push(role);
  }

  /** KMS calls on the bucket's key only as S3 makes them for this bucket. */
  viaS3(): Record<string, Record<string, string>> {
    return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } };
  }
}
