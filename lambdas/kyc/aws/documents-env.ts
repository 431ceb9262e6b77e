// F1: the KYC document store in a Lambda: the bucket and the data key from the function's environment (the
// `kyc-documents:*` accesses), the S3 client built once. Apart from wiring.ts so that only the functions that
// touch documents bundle the S3 adapter.
import * as aws from '../../kernel/aws/infra.js';
import { s3FromEnv } from '../../kernel/aws/s3-client.js';
import { once } from '../../kernel/runtime/aws-env.js';
import { KYC_DOCUMENTS_BUCKET_ENV, KYC_DOCUMENTS_KEY_ENV, S3DocumentStore } from './s3-document-store.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

export const awsDocumentStore = /* @__PURE__ */ once(
  () =>
    new S3DocumentStore(s3FromEnv(), {
      bucket: required(KYC_DOCUMENTS_BUCKET_ENV),
      // The checker never signs a policy: it needs the bucket only.
      kmsKeyArn: process.env[KYC_DOCUMENTS_KEY_ENV] ?? '',
      clock: aws.clock,
    }),
);
