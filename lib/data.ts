// Data at rest: the DynamoDB tables and their key, the multi-Region row-signing key (E1), the multi-Region data
// key (E2), the KYC document bucket with its access-log bucket, and the audit checkpoints' bucket (D3). Both
// multi-Region keys have their replica in the replica Region's stack (lib/replica-stack.ts,
// docs/disaster-recovery.md).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLES, type TableId, type TableSpec } from '../lambdas/kernel/tables.js';
import { PENDING_UPLOAD_DAYS, UPLOAD_TAG } from '../lambdas/kyc/ports.js';
import { RECORD_RETENTION } from '../lambdas/privacy/retention.js';
import { ERASE_AFTER_DAYS, ERASE_TAG } from '../lambdas/privacy/retention-tags.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { ScreeningLists } from './screening-lists.js';
import { SECURE_BUCKET } from './secure-bucket.js';

/** F5: overwritten or deleted KYC documents stay recoverable for the retention period (RECORD_RETENTION). */
const KYC_RECORD_KEEPING = Duration.days(RECORD_RETENTION.years * 366);

/**
 * F5: the KYC document bucket's lifecycle. The versions the retention sweep tagged for erasure (its customer's
 * records are past retention) expire ERASE_AFTER_DAYS later, current and noncurrent alike (tags are per
 * version; the sweep tags each); an upload whose check never accepted it (still tagged pending by its POST)
 * expires a day later; a multipart upload never finished is aborted after a day (a presigned POST is
 * never multipart, so none is expected; this keeps none). Every other version is kept: an overwritten or
 * deleted one for the retention period.
 */
export const kycDocumentLifecycle = (): s3.LifecycleRule[] => [
  { id: 'KeepNoncurrentForRetention', noncurrentVersionExpiration: KYC_RECORD_KEEPING },
  {
    id: 'EraseTaggedAfterRetention',
    tagFilters: { [ERASE_TAG.key]: ERASE_TAG.value },
    expiration: Duration.days(ERASE_AFTER_DAYS),
    noncurrentVersionExpiration: Duration.days(ERASE_AFTER_DAYS),
  },
  {
    // An upload never completed (its check never accepted it) is not kept: tagged pending by its POST.
    id: 'ExpireUploadsNeverCompleted',
    tagFilters: { [UPLOAD_TAG.key]: UPLOAD_TAG.pending },
    expiration: Duration.days(PENDING_UPLOAD_DAYS),
    noncurrentVersionExpiration: Duration.days(PENDING_UPLOAD_DAYS),
  },
  { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
];
const ACCESS_LOG_RETENTION = Duration.days(2 * 366);

/** The key policy AWS gives a new key: the account administers it and IAM policies grant its use. */
export function rootKeyPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'EnableIamPolicies',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:*'],
        resources: ['*'],
      }),
    ],
  });
}

export class Data extends Construct {
  readonly tableKey: kms.Key;
  /** Every table of lambdas/kernel/tables.ts, by id. */
  readonly tables = {} as Record<TableId, dynamodb.Table>;
  readonly accounts: dynamodb.Table;
  /** The multi-Region primary signing key; its replica lives in the replica Region's stack. */
  readonly signingKey: kms.Key;
  /** The multi-Region primary key; its replica lives in the replica Region's stack. */
  readonly dataKey: kms.CfnKey;
  readonly dataKeyRef: kms.IKey;
  readonly accessLogs: s3.Bucket;
  readonly kycDocuments: s3.Bucket;
  /** F1: the verification provider's URL and API key, JSON {url, apiKey} (put by an operator). */
  readonly kycProviderSecret: secretsmanager.Secret;
  /** F1: the provider's webhook signing secrets, JSON {secrets: [current, previous?]} (put by an operator). */
  readonly kycWebhookSecret: secretsmanager.Secret;
  /** D3: the audit chain's checkpoints, in a bucket with Object Lock (compliance mode). */
  readonly checkpoints: AuditCheckpoints;
  /** F2: the versions of the screening lists. */
  readonly screeningLists: ScreeningLists;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.tableKey = new kms.Key(this, 'TableKey', {
      description: 'Palisade: encrypts the DynamoDB tables',
      enableKeyRotation: true,
    });
    // One table per entry of lambdas/kernel/tables.ts, the description the local runtime uses as well.
    for (const [tableId, spec] of Object.entries(TABLES) as [TableId, TableSpec][]) {
      const table = new dynamodb.Table(this, spec.logicalName, {
        partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.tableKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
        deletionProtection: true,
        ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of spec.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        });
      }
      this.tables[tableId] = table;
    }
    this.accounts = this.tables.accounts;

    // E1: signs and verifies sensitive rows; asymmetric keys cannot rotate in place (KMS5 is symmetric-only).
    // Multi-Region, so rows and audit records restored in the replica Region verify there (and new ones are
    // signed there) with the same key material. KMS cannot make an existing key multi-Region: a stack that
    // holds the former single-Region key must move to a new one (docs/disaster-recovery.md, "Upgrading").
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description: 'Palisade: signs sensitive items (ECDSA P-256, SHA-256; multi-Region primary)',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      multiRegion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // E2: a multi-Region key, so field-level ciphertext and KYC objects decrypt in the replica Region too.
    this.dataKey = new kms.CfnKey(this, 'DataKey', {
      description: 'Palisade: field-level and document encryption (multi-Region primary)',
      multiRegion: true,
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      enableKeyRotation: true,
      pendingWindowInDays: 30,
      keyPolicy: rootKeyPolicy(),
    });
    this.dataKey.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.dataKeyRef = kms.Key.fromKeyArn(this, 'DataKeyRef', this.dataKey.attrArn);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging only delivers to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      ...SECURE_BUCKET,
      lifecycleRules: [{ expiration: ACCESS_LOG_RETENTION, noncurrentVersionExpiration: Duration.days(30) }],
    });

    this.kycDocuments = new s3.Bucket(this, 'KycDocuments', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKeyRef,
      bucketKeyEnabled: true,
      ...SECURE_BUCKET,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'kyc-documents/',
      lifecycleRules: kycDocumentLifecycle(),
    });

    // F1: the verification provider's credentials, issued by the provider: an operator puts them (the
    // generated placeholder fails the functions' schema, so nothing runs against a provider by accident).
    this.kycProviderSecret = new secretsmanager.Secret(this, 'KycProviderSecret', {
      description: 'Palisade KYC verification provider (F1): {"url": "https://…", "apiKey": "…"}',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.kycWebhookSecret = new secretsmanager.Secret(this, 'KycWebhookSecret', {
      description: 'Palisade KYC provider webhook signing secrets (F1): {"secrets": ["current", "previous"]}',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const secret of [this.kycProviderSecret, this.kycWebhookSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'F1: issued by the verification provider, not by us: rotated at the provider by an operator, who puts ' +
          'the new value here; the webhook secret holds the old and the new one during a rotation.',
      });
    }

    this.checkpoints = new AuditCheckpoints(this, 'AuditCheckpoints', { accessLogs: this.accessLogs });
    this.screeningLists = new ScreeningLists(this, 'ScreeningLists', { accessLogs: this.accessLogs });
  }
}
