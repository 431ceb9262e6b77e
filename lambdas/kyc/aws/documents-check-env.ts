// F1: the KYC document store of CheckKycDocument: the reads of the bucket, and the presigned GETs the
// verification provider fetches the documents with, signed with this function's role (it holds s3:GetObject on
// the documents and S3's use of the data key). Apart from documents-env.ts: only this function signs links.
import * as aws from '../../kernel/aws/infra.js';
import { s3FromEnv } from '../../kernel/aws/s3-client.js';
import { once } from '../../kernel/runtime/aws-env.js';
import { KYC_DOCUMENTS_BUCKET_ENV, S3DocumentStore } from './s3-document-store.js';

export const awsDocumentChecker = /* @__PURE__ */ once(() => {
  const bucket = process.env[KYC_DOCUMENTS_BUCKET_ENV];
  if (!bucket) throw new Error(`${KYC_DOCUMENTS_BUCKET_ENV} is not set`);
  // The checker never signs a policy: it needs the bucket only.
  return new S3DocumentStore(s3FromEnv(), { bucket, kmsKeyArn: '', clock: aws.clock }, true);
});
