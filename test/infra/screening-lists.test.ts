// F2 infra: the screening lists' bucket: its own rotating KMS key, versioned, TLS only, private,
// access-logged, retained; no function holds a grant on it until the loader and the screening functions
// arrive (then only through the `screening-lists:*` accesses, test/infra/iam.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { getAttArn, logicalId, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

describe('F2 screening lists bucket', () => {
  it('F2 is KMS-encrypted with its own rotating key, versioned, private, TLS-only, logged and retained', () => {
    const resources = s.merged.toJSON().Resources as Record<
      string,
      { Properties: Record<string, unknown>; DeletionPolicy?: string }
    >;
    const bucket = resources[logicalId(s.primary.data.screeningLists.bucket)];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: getAttArn(s.primary.data.screeningLists.key),
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'screening-lists/' },
    });
    const key = resources[logicalId(s.primary.data.screeningLists.key)];
    expect(key?.Properties).toMatchObject({ EnableKeyRotation: true });
    const policies = Object.values(resources).filter(
      (r) => (r as { Type?: string }).Type === 'AWS::S3::BucketPolicy',
    );
    expect(JSON.stringify(policies)).toContain(logicalId(s.primary.data.screeningLists.bucket));
  });
});

describe('F2 LoadScreeningList sizing', () => {
  it('F2 LoadScreeningList has the memory and timeout measured for real lists (2,048 MB, 180 s), not the defaults', () => {
    const fn = s.primary.functions.get('LoadScreeningList');
    if (!fn) throw new Error('LoadScreeningList was not built');
    const resources = s.merged.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    expect(resources[logicalId(fn.fn)]?.Properties).toMatchObject({ MemorySize: 2048, Timeout: 180 });
    // the other workflow tasks keep theirs
    const other = s.primary.functions.get('ScreenCustomer');
    expect(resources[logicalId(other?.fn as never)]?.Properties).toMatchObject({
      MemorySize: 512,
      Timeout: 30,
    });
  });
});
