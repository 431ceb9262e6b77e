// The grants of the KYC accesses (F1): the document bucket's kyc/ objects (the presigned POSTs' signer puts,
// the checker reads, sizes and deletes), the data key as S3 uses it for SSE-KMS, the invoke of the checker,
// the provider's two secrets, and the webhook's seen event ids in the Shield table.
import { Stack, Validations } from 'aws-cdk-lib';
import { DOCUMENT_PREFIX, SEEN_ID_PREFIX } from '../../lambdas/kyc/ports.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, type GrantContext, type GrantTable, nagArnOf } from './grant.js';

/**
 * The data key only as S3 calls it for the document bucket (SSE-KMS with the bucket key: S3's encryption
 * context is the bucket's ARN), never directly and never for another bucket.
 */
const viaS3 = (fn: PalisadeFunction, { data }: GrantContext) => ({
  StringEquals: {
    'kms:ViaService': `s3.${Stack.of(fn).region}.amazonaws.com`,
    'kms:EncryptionContext:aws:s3:arn': data.kycDocuments.bucketArn,
  },
});
const objects = ({ data }: GrantContext) => data.kycDocuments.arnForObjects(`${DOCUMENT_PREFIX}*`);

/** cdk-nag IAM5 on kyc/*: each upload slot is a new key `kyc/<userId>/<slotId>`, named when the slot opens. */
function acknowledgeDocuments(fn: PalisadeFunction, { data }: GrantContext): void {
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn, data.kycDocuments)}/${DOCUMENT_PREFIX}*]`,
    reason:
      'F1: every upload slot is its own new key (kyc/<userId>/<slotId>, one per slot), so the objects are ' +
      'granted by the kyc/ prefix; the presigned POST pins the exact key of each slot.',
  });
}

export const KYC_GRANTS = {
  'kyc-documents:stage': {
    env: (_fn, { data }) => ({
      KYC_DOCUMENTS_BUCKET: data.kycDocuments.bucketName,
      KYC_DOCUMENTS_KEY_ARN: data.dataKey.attrArn,
    }),
    apply(fn, ctx) {
      // A presigned POST carries this role's credentials: what the slot's policy allows, under kyc/ only; its
      // `tagging` field (the pending-upload tag, F5) needs s3:PutObjectTagging too.
      allow(fn, ['s3:PutObject', 's3:PutObjectTagging'], [objects(ctx)]);
      allow(fn, ['kms:GenerateDataKey'], [ctx.data.dataKey.attrArn], viaS3(fn, ctx));
      acknowledgeDocuments(fn, ctx);
    },
  },
  'kyc-documents:check': {
    env: (_fn, { data }) => ({ KYC_DOCUMENTS_BUCKET: data.kycDocuments.bucketName }),
    apply(fn, ctx) {
      // Read and size an upload (HeadObject is s3:GetObject), delete a refused one by its version, tag an
      // accepted one complete (F5: the pending uploads' expiry leaves it).
      allow(
        fn,
        ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging'],
        [objects(ctx)],
      );
      // S3 answers a HeadObject of a missing key (nothing uploaded yet) 404 rather than 403 only to a caller who
      // may list the bucket, checked with no s3:prefix in the request: so no prefix condition here (see
      // screening-lists:read). The function is invoked by CompleteKycDocument only, never by a client.
      allow(fn, ['s3:ListBucket'], [ctx.data.kycDocuments.bucketArn]);
      allow(fn, ['kms:Decrypt'], [ctx.data.dataKey.attrArn], viaS3(fn, ctx));
      acknowledgeDocuments(fn, ctx);
    },
  },
  'kyc-documents:erase': {
    env: (_fn, { data }) => ({ KYC_DOCUMENTS_BUCKET: data.kycDocuments.bucketName }),
    apply(fn, ctx) {
      // F5: the versions under kyc/ listed (the sweep asks for kyc/<userId>/ only) and tagged; the bucket's
      // lifecycle rule on the tag expires them. No read, no delete, no key use (tagging does not decrypt).
      allow(fn, ['s3:ListBucketVersions', 's3:ListBucket'], [ctx.data.kycDocuments.bucketArn], {
        StringLike: { 's3:prefix': [`${DOCUMENT_PREFIX}*`] },
      });
      allow(fn, ['s3:PutObjectTagging', 's3:PutObjectVersionTagging'], [objects(ctx)]);
      acknowledgeDocuments(fn, ctx);
    },
  },
  'kyc-check:invoke': {
    env: (fn, ctx) => {
      const target = ctx.invokables?.get('kyc-check:invoke');
      if (!target) throw new Error(`${fn.spec.id} needs kyc-check:invoke, whose function is not built yet`);
      return { KYC_CHECK_FUNCTION: target.fn.functionName };
    },
    apply(fn, ctx) {
      const target = ctx.invokables?.get('kyc-check:invoke');
      if (!target) throw new Error(`${fn.spec.id} needs kyc-check:invoke, whose function is not built yet`);
      allow(fn, ['lambda:InvokeFunction'], [target.fn.functionArn]);
    },
  },
  'kyc-provider:call': {
    env: (_fn, { data }) => ({ KYC_PROVIDER_SECRET: data.kycProviderSecret.secretArn }),
    apply: (fn, { data }) => allow(fn, ['secretsmanager:GetSecretValue'], [data.kycProviderSecret.secretArn]),
  },
  'kyc-webhook:verify': {
    env: (_fn, { data }) => ({ KYC_WEBHOOK_SECRET: data.kycWebhookSecret.secretArn }),
    apply(fn, { data }) {
      allow(fn, ['secretsmanager:GetSecretValue'], [data.kycWebhookSecret.secretArn]);
      // The seen event ids: a conditional put of KYC-WEBHOOK# rows, nothing else in the Shield table.
      allow(fn, ['dynamodb:PutItem'], [data.tables.shield.tableArn], {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SEEN_ID_PREFIX}*`] },
      });
      allow(fn, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], {
        StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` },
      });
    },
  },
} satisfies Partial<GrantTable>;
