// Infra tests of data at rest: the signing key, the multi-Region data key and its replica, the Accounts
// tables, and the buckets (encryption, TLS only, no public access, versioning, access logs).
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableId } from '../../lambdas/kernel/tables.js';
import { BACKUP_RETENTION } from '../../lib/backups.js';
import { getAttArn, logicalId, ref, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

/** The first block of the UUID of the stack's own id (lib/names.ts). */
const CREATION_SUFFIX = {
  'Fn::Select': [
    0,
    { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
  ],
};

/** A replica-stack value with each read of a primary output (Fn::GetStackOutput) replaced by that output. */
function viaPrimaryOutputs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(viaPrimaryOutputs);
  if (typeof value !== 'object' || value === null) return value;
  const read = (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
    'Fn::GetStackOutput'
  ];
  if (read) {
    expect(read.StackName).toBe(s.primary.stackName);
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    return outputs[read.OutputName]?.Value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, viaPrimaryOutputs(v)]));
}

describe('keys', () => {
  it('E1 the row-signing key is a multi-Region asymmetric ECC_NIST_P256 SIGN_VERIFY key, kept on delete', () => {
    s.merged.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', MultiRegion: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('E1 the signing key has a replica in the replica Region, read from the primary stack', () => {
    const output = Object.entries(s.template.toJSON().Outputs as Record<string, { Value: unknown }>).find(
      ([, o]) => JSON.stringify(o.Value) === JSON.stringify(getAttArn(s.primary.data.signingKey)),
    );
    expect(output, 'the primary publishes the signing key ARN').toBeDefined();
    s.replicaTemplate.hasResource('AWS::KMS::ReplicaKey', {
      Properties: Match.objectLike({
        PrimaryKeyArn: {
          'Fn::GetStackOutput': {
            StackName: s.primary.stackName,
            Region: s.config.settings.primaryRegion,
            OutputName: output?.[0],
          },
        },
        Enabled: true,
      }),
      DeletionPolicy: 'Retain',
    });
    expect(logicalId(s.replica.signingKeyReplica)).toBe('SigningKeyReplica');
  });

  it('E2 the data key is a multi-Region symmetric key with rotation', () => {
    s.merged.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({
        MultiRegion: true,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        EnableKeyRotation: true,
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('E2 the data key has a replica in the replica Region, read from the primary stack', () => {
    expect(s.replica.region).toBe(s.config.settings.replicaRegion);
    expect(s.primary.region).toBe(s.config.settings.primaryRegion);
    s.replicaTemplate.hasResource('AWS::KMS::ReplicaKey', {
      Properties: Match.objectLike({
        PrimaryKeyArn: {
          'Fn::GetStackOutput': Match.objectLike({
            StackName: s.primary.stackName,
            Region: s.config.settings.primaryRegion,
          }),
        },
      }),
      DeletionPolicy: 'Retain',
    });
    // The replica Region's stack holds the key replicas and the DR vault, nothing that could drift.
    const types = Object.values(s.replicaTemplate.toJSON().Resources as Record<string, { Type: string }>);
    expect(types.map((r) => r.Type).sort()).toEqual([
      'AWS::Backup::BackupVault',
      'AWS::KMS::ReplicaKey',
      'AWS::KMS::ReplicaKey',
    ]);
  });

  it('E2 every symmetric key rotates', () => {
    const keys = s.merged.findResources('AWS::KMS::Key');
    const symmetric = Object.values(keys).filter(
      (k) => (k.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT',
    );
    expect(symmetric.length).toBeGreaterThanOrEqual(4);
    for (const key of symmetric) expect(key.Properties.EnableKeyRotation).toBe(true);
  });
});

describe('tables', () => {
  const tables = Object.entries(TABLES).map(([id, spec]) => [spec.logicalName, id as TableId, spec] as const);

  it.each(tables)(
    'E4 %s is encrypted with the table key, has PITR and deletion protection, is retained',
    (_n, id) => {
      const table = s.merged.findResources('AWS::DynamoDB::Table')[logicalId(s.primary.data.tables[id])];
      expect(table?.DeletionPolicy).toBe('Retain');
      expect(table?.Properties).toMatchObject({
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: getAttArn(s.primary.data.tableKey),
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        BillingMode: 'PAY_PER_REQUEST',
      });
    },
  );

  it.each(tables)('E4 %s has the key schema, indexes and TTL of lambdas/kernel/tables.ts', (_n, id, spec) => {
    const props =
      s.merged.findResources('AWS::DynamoDB::Table')[logicalId(s.primary.data.tables[id])]?.Properties;
    expect(props.KeySchema).toEqual([
      { AttributeName: spec.partitionKey, KeyType: 'HASH' },
      { AttributeName: spec.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.TimeToLiveSpecification).toEqual(
      'ttlAttribute' in spec ? { AttributeName: spec.ttlAttribute, Enabled: true } : undefined,
    );
    const indexes = (props.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(spec.indexes.map((i) => i.name).sort());
  });

  it('E4 the Accounts table has the key schema and TTL the DynamoDB account store writes (pk, sk, ttl)', () => {
    s.merged.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});

describe('backups', () => {
  it.each(Object.entries(TABLES).map(([id, spec]) => [spec.logicalName, id as TableId, spec] as const))(
    'E4 %s is backed up daily, kept for its retention class and copied to the replica Region',
    (_n, id, spec) => {
      const tableArn = JSON.stringify(getAttArn(s.primary.data.tables[id]));
      const selection = Object.values(s.merged.findResources('AWS::Backup::BackupSelection')).find((sel) =>
        JSON.stringify(sel.Properties.BackupSelection.Resources).includes(tableArn),
      );
      expect(selection, spec.logicalName).toBeDefined();
      const planId = selection?.Properties.BackupPlanId['Fn::GetAtt'][0];
      const plan = s.merged.findResources('AWS::Backup::BackupPlan')[planId]?.Properties.BackupPlan;
      const days = BACKUP_RETENTION[spec.retention].toDays();
      expect(plan.BackupPlanRule).toEqual([
        expect.objectContaining({
          ScheduleExpression: 'cron(0 3 * * ? *)',
          Lifecycle: { DeleteAfterDays: days },
          CopyActions: [
            {
              DestinationBackupVaultArn: expect.objectContaining({
                'Fn::Join': [
                  '',
                  expect.arrayContaining([
                    expect.stringContaining(`:backup:${s.config.settings.replicaRegion}:`),
                    `:backup-vault:${s.primary.stackName}-dr-`,
                    CREATION_SUFFIX,
                  ]),
                ],
              }),
              Lifecycle: { DeleteAfterDays: days },
            },
          ],
        }),
      ]);
    },
  );

  it('E4 the replica Region keeps the DR vault, encrypted with the data key replica', () => {
    s.replicaTemplate.hasResource('AWS::Backup::BackupVault', {
      Properties: Match.objectLike({ EncryptionKeyArn: getAttArn(s.replica.dataKeyReplica) }),
      DeletionPolicy: 'Retain',
    });
    // The vault the primary's plans copy to: named after the primary stack and its creation, read by the
    // replica from the primary's outputs.
    const [vault] = Object.values(s.replicaTemplate.findResources('AWS::Backup::BackupVault'));
    expect(viaPrimaryOutputs(vault?.Properties.BackupVaultName)).toEqual({
      'Fn::Join': ['', [`${s.primary.stackName}-dr-`, CREATION_SUFFIX]],
    });
  });
});

describe('E4 retained resources and redeploys', () => {
  const templates = () =>
    [
      ['primary', s.template],
      ...[...s.nestedTemplates].map(([id, template]) => [`nested ${id}`, template] as const),
      ['replica', s.replicaTemplate],
    ] as const;

  it('E4 no retained resource has a name fixed across creations of its stack, so a redeploy after a destroy does not collide', () => {
    const named: string[] = [];
    const fixed: string[] = [];
    for (const [stack, template] of templates()) {
      for (const [id, resource] of Object.entries(
        template.toJSON().Resources as Record<
          string,
          { DeletionPolicy?: string; Type: string; Properties?: Record<string, unknown> }
        >,
      )) {
        if (resource.DeletionPolicy !== 'Retain') continue;
        for (const [key, value] of Object.entries(resource.Properties ?? {})) {
          // LogGroupName, BackupVaultName, TableName, BucketName, UserPoolName, SecretName, …
          if (!/Name$/.test(key)) continue;
          named.push(`${stack} ${id}.${key}`);
          if (!JSON.stringify(viaPrimaryOutputs(value)).includes('{"Ref":"AWS::StackId"}')) {
            fixed.push(`${stack} ${resource.Type} ${id}.${key} = ${JSON.stringify(value)}`);
          }
        }
      }
    }
    expect(fixed).toEqual([]);
    // The three that need a name: the WAF log group (aws-waf-logs-) and both backup vaults.
    expect(named).toHaveLength(3);
  });

  it('E4 the primary backup vault and the WAF log group end with a part of their stack id', () => {
    s.merged.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: { 'Fn::Join': ['', [`${s.primary.stackName}-`, CREATION_SUFFIX]] },
    });
    s.apiTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', [`aws-waf-logs-${s.primary.stackName}-`, CREATION_SUFFIX]] },
    });
  });
});

describe('buckets', () => {
  it('E2 KYC documents: SSE-KMS with the data key, versioned, access-logged, retained', () => {
    s.merged.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: getAttArn(s.primary.data.dataKey),
              },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: ref(s.primary.data.accessLogs) }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('E3 every bucket blocks public access, is encrypted and refuses non-TLS or TLS < 1.2 requests', () => {
    const buckets = s.merged.findResources('AWS::S3::Bucket');
    const policies = Object.values(s.merged.findResources('AWS::S3::BucketPolicy'));
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(3);
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      const policy = policies.find(
        (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
      );
      const denies = (policy?.Properties.PolicyDocument.Statement ?? []).filter(
        (st: { Effect: string }) => st.Effect === 'Deny',
      );
      expect(denies, id).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  it('I1 the CloudTrail trail is multi-Region, validated and encrypted, and records KYC object access', () => {
    const trail = s.primary.auditTrail;
    if (!trail) throw new Error('the default deploy has a trail');
    s.merged.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      KMSKeyId: getAttArn(trail.key),
      S3BucketName: ref(trail.bucket),
      EventSelectors: Match.arrayWith([
        Match.objectLike({ DataResources: [Match.objectLike({ Type: 'AWS::S3::Object' })] }),
      ]),
    });
    expect(logicalId(trail.bucket)).not.toBe(logicalId(s.primary.data.kycDocuments));
  });
});

describe('B3 the platform OpenPGP key', () => {
  it('B3 both PGP secrets are retained when the stack is deleted (users verify mail with that key)', () => {
    for (const secret of [s.primary.messaging.pgpKeySecret, s.primary.messaging.pgpPublicKeySecret]) {
      const resource = s.merged.findResources('AWS::SecretsManager::Secret')[logicalId(secret)];
      expect(resource?.DeletionPolicy).toBe('Retain');
      expect(resource?.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('E4 both PGP secrets are replicated to the replica Region (a recovered deployment keeps the key)', () => {
    for (const secret of [s.primary.messaging.pgpKeySecret, s.primary.messaging.pgpPublicKeySecret]) {
      const resource = s.merged.findResources('AWS::SecretsManager::Secret')[logicalId(secret)];
      expect(resource?.Properties.ReplicaRegions).toEqual([{ Region: s.config.settings.replicaRegion }]);
    }
  });

  it('B3 the first deploy fills both secrets: Custom::PlatformPgpKey runs the key-init function once its grants exist', () => {
    const fn = s.primary.functions.get('PlatformKeyInit');
    if (!fn) throw new Error('PlatformKeyInit was not built');
    const role = fn.role.node.tryFindChild('DefaultPolicy');
    if (!role) throw new Error('the key-init role has no policy');
    s.merged.hasResource('Custom::PlatformPgpKey', {
      Properties: {
        ServiceToken: getAttArn(fn.fn),
        KeySecret: ref(s.primary.messaging.pgpKeySecret),
        PublicKeySecret: ref(s.primary.messaging.pgpPublicKeySecret),
      },
      DependsOn: Match.arrayWith([logicalId(fn.fn), logicalId(role)]),
    });
    const [id] = Object.keys(s.merged.findResources('Custom::PlatformPgpKey'));
    s.template.hasOutput('PgpKeyFingerprint', { Value: { 'Fn::GetAtt': [id, 'Fingerprint'] } });
    // The function is told both secrets (its role's grants are checked with every other role's).
    const variables =
      s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      PGP_KEY_SECRET: ref(s.primary.messaging.pgpKeySecret),
      PGP_PUBLIC_KEY_SECRET: ref(s.primary.messaging.pgpPublicKeySecret),
    });
  });
});
