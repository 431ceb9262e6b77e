// D3 infra: the audit checkpoints' bucket (Object Lock in compliance mode, five years, versioned, its own KMS
// key, TLS only, private, access-logged), the one role that may add to it, and the schedule that runs it.
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CHECKPOINT, allFunctions, DEPLOY_FUNCTIONS } from '../../lambdas/catalogue.js';
import { CHECKPOINT_PREFIX } from '../../lambdas/kernel/audit/checkpoint.js';
import { AUDIT_CHECKPOINT_MINUTES } from '../../lambdas/platform/routes.js';
import {
  actionsOf,
  getAttArn,
  logicalId,
  ref,
  resourcesOf,
  roleStatements,
  type Synthesised,
  sharedSynth,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const FIVE_YEARS_DAYS = 5 * 365 + 1;

const bucketResource = () => {
  const id = logicalId(s.primary.data.checkpoints.bucket);
  const resource = s.merged.toJSON().Resources[id] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
  };
  return resource;
};

/** Every function role's statements that reach the checkpoint bucket or its objects. */
function rolesOnBucket(action: string): string[] {
  const bucket = JSON.stringify(getAttArn(s.primary.data.checkpoints.bucket));
  const objects = JSON.stringify(s.primary.resolve(s.primary.data.checkpoints.objectsArn));
  return [...allFunctions(), ...DEPLOY_FUNCTIONS]
    .filter((spec) => {
      const fn = s.primary.functions.get(spec.id);
      if (!fn) return false;
      return roleStatements(s.merged, logicalId(fn.role)).statements.some(
        (st) =>
          st.Effect === 'Allow' &&
          actionsOf(st).includes(action) &&
          resourcesOf(st).some((r) => [bucket, objects].includes(JSON.stringify(r))),
      );
    })
    .map((spec) => spec.id);
}

describe('D3 the audit checkpoint bucket', () => {
  it('D3 has Object Lock in compliance mode with a default retention of at least five years', () => {
    const { Properties } = bucketResource();
    expect(Properties.ObjectLockEnabled).toBe(true);
    const rule = (Properties.ObjectLockConfiguration as { ObjectLockEnabled: string; Rule: unknown })
      .Rule as { DefaultRetention: { Mode: string; Days?: number; Years?: number } };
    expect((Properties.ObjectLockConfiguration as { ObjectLockEnabled: string }).ObjectLockEnabled).toBe(
      'Enabled',
    );
    expect(rule.DefaultRetention.Mode).toBe('COMPLIANCE');
    const days = rule.DefaultRetention.Days ?? (rule.DefaultRetention.Years ?? 0) * 365;
    expect(days).toBeGreaterThanOrEqual(FIVE_YEARS_DAYS);
  });

  it('D3 is versioned, encrypted with its own rotating KMS key, private, TLS only, access-logged and kept on delete', () => {
    const { Properties, DeletionPolicy } = bucketResource();
    expect(DeletionPolicy).toBe('Retain');
    expect(Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: getAttArn(s.primary.data.checkpoints.key),
          },
        },
      ],
    });
    expect(Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(s.primary.data.accessLogs),
      LogFilePrefix: 'audit-checkpoints/',
    });
    const key = s.merged.toJSON().Resources[logicalId(s.primary.data.checkpoints.key)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('D3 only the checkpoint writer may put objects: by IAM, and by a bucket policy that denies every other principal', () => {
    expect(rolesOnBucket('s3:PutObject')).toEqual([AUDIT_CHECKPOINT.id]);
    // Readers: only the functions whose access says so (today the writer itself).
    const readers = allFunctions()
      .filter((spec) => spec.access.includes('audit-checkpoint:read'))
      .map((spec) => spec.id);
    expect(rolesOnBucket('s3:GetObject')).toEqual(readers);
    expect(rolesOnBucket('s3:ListBucket')).toEqual(readers);
    expect(rolesOnBucket('s3:DeleteObject')).toEqual([]);

    const writer = s.primary.functions.get(AUDIT_CHECKPOINT.id);
    if (!writer) throw new Error('no checkpoint writer');
    const policies = Object.values(s.merged.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref(s.primary.data.checkpoints.bucket)),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as {
      Sid?: string;
      Effect: string;
      Principal: unknown;
      Action: string | string[];
      Condition?: Record<string, Record<string, unknown>>;
    }[];
    const onlyWriter = statements.find((st) => st.Sid === 'OnlyTheCheckpointWriterAddsObjects');
    expect(onlyWriter).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [getAttArn(writer.role)] } },
    });
    // TLS only (enforceSSL).
    expect(
      statements.some(
        (st) =>
          st.Effect === 'Deny' && JSON.stringify(st.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
      ),
    ).toBe(true);
  });

  it("D3 the writer's grants are scoped: objects under the checkpoint prefix, the bucket key only through S3", () => {
    const writer = s.primary.functions.get(AUDIT_CHECKPOINT.id);
    if (!writer) throw new Error('no checkpoint writer');
    const { statements } = roleStatements(s.merged, logicalId(writer.role));
    const objects = s.primary.resolve(s.primary.data.checkpoints.objectsArn);
    expect(JSON.stringify(objects)).toContain(`/${CHECKPOINT_PREFIX}*`);
    const put = statements.filter((st) => actionsOf(st).includes('s3:PutObject'));
    expect(put.flatMap(resourcesOf)).toEqual([objects]);
    const key = JSON.stringify(getAttArn(s.primary.data.checkpoints.key));
    for (const st of statements.filter((st) => resourcesOf(st).some((r) => JSON.stringify(r) === key))) {
      expect(st.Condition).toEqual({
        StringEquals: { 'kms:ViaService': `s3.${s.config.settings.primaryRegion}.amazonaws.com` },
      });
    }
    const list = statements.find((st) => actionsOf(st).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': `${CHECKPOINT_PREFIX}*` } });
    // The function is told the bucket's name.
    expect(writer.environment.AUDIT_CHECKPOINT_BUCKET).toBeDefined();
  });

  it('D3 an EventBridge rule runs the writer every few minutes', () => {
    const writer = s.primary.functions.get(AUDIT_CHECKPOINT.id);
    if (!writer) throw new Error('no checkpoint writer');
    const rules = Object.values(s.merged.findResources('AWS::Events::Rule')).filter((rule) =>
      (rule.Properties.Targets as { Arn: unknown }[]).some(
        (t) => JSON.stringify(t.Arn) === JSON.stringify(getAttArn(writer.fn)),
      ),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.ScheduleExpression).toBe(`rate(${AUDIT_CHECKPOINT_MINUTES} minutes)`);
    expect(AUDIT_CHECKPOINT_MINUTES).toBeLessThanOrEqual(15);
    s.merged.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAttArn(writer.fn),
      Principal: 'events.amazonaws.com',
    });
  });

  it('D3 alarms when the writer fails and when it stops running', () => {
    const alarms = Object.values(s.merged.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as { AlarmDescription: string; MetricName?: string; TreatMissingData: string },
    );
    const failed = alarms.find((a) =>
      a.AlarmDescription.startsWith('D3: the audit checkpoint writer failed'),
    );
    const silent = alarms.find((a) =>
      a.AlarmDescription.startsWith('D3: the audit checkpoint writer has not run'),
    );
    expect(failed?.MetricName).toBe('Errors');
    expect(silent).toMatchObject({ MetricName: 'Invocations', TreatMissingData: 'breaching' });
  });
});
