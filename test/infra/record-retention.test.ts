// CDK assertions of F5's wiring: the daily EventBridge rule of the RetentionSweep function, its role (the
// retained partitions and the due index only, deletes limited to due entries and its outbox entries, the KYC
// documents tagged and never read or deleted), the KYC bucket's lifecycle (versions tagged for erasure and
// uploads never completed expired, incomplete multipart uploads aborted, other noncurrent versions kept for the
// retention period), and the CloseAccount route's grants (it disables the user at the identity provider).
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULED } from '../../lambdas/catalogue.js';
import { UPLOAD_TAG } from '../../lambdas/kyc/ports.js';
import { RECORD_RETENTION } from '../../lambdas/privacy/retention.js';
import { ERASE_AFTER_DAYS, ERASE_TAG } from '../../lambdas/privacy/retention-tags.js';
import { RETENTION_SWEEP, RETENTION_SWEEP_MINUTES } from '../../lambdas/privacy/routes.js';
import {
  actionsOf,
  getAttArn,
  logicalId,
  roleStatements,
  type Statement,
  type Synthesised,
  sharedSynth,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const fnOf = (id: string) => {
  const fn = s.primary.functions.get(id) ?? s.primary.schedules.scheduled.get(id)?.fn;
  if (!fn) throw new Error(`no ${id}`);
  return fn;
};
const statementsOf = (id: string) => roleStatements(s.merged, logicalId(fnOf(id).role)).statements;
const leadingKeys = (st: Statement) =>
  (st.Condition as { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string[] } } | undefined)?.[
    'ForAllValues:StringLike'
  ]?.['dynamodb:LeadingKeys'];

describe('F5 record retention in AWS', () => {
  it('F5 an EventBridge rule runs RetentionSweep daily', () => {
    expect(SCHEDULED.map((x) => x.spec.id)).toContain(RETENTION_SWEEP.id);
    expect(RETENTION_SWEEP_MINUTES).toBe(1440);
    const built = s.primary.schedules.scheduled.get(RETENTION_SWEEP.id);
    if (!built) throw new Error('no RetentionSweep schedule');
    const rule = s.merged.findResources('AWS::Events::Rule')[logicalId(built.rule)]?.Properties;
    expect(rule.ScheduleExpression).toBe('rate(1 day)');
    expect(rule.State).toBe('ENABLED');
    expect(JSON.stringify(rule.Targets)).toContain(logicalId(built.fn.fn));
  });

  it('F5 the sweep role reaches the retained partitions only, deletes only due entries and its outbox entries, never updates', () => {
    const statements = statementsOf(RETENTION_SWEEP.id);
    const accounts = JSON.stringify(getAttArn(s.primary.data.accounts));
    const onTable = statements.filter(
      (st) => st.Effect === 'Allow' && JSON.stringify(st.Resource) === accounts,
    );
    expect(onTable.length).toBeGreaterThan(0);
    // Every Allow on the accounts table is bounded by its leading keys.
    for (const st of onTable) expect(leadingKeys(st)).toBeDefined();
    const allowed = onTable.flatMap(actionsOf);
    expect(allowed).not.toContain('dynamodb:UpdateItem');
    expect(allowed).not.toContain('dynamodb:BatchWriteItem');
    expect(allowed).not.toContain('dynamodb:Scan');
    const deletes = onTable.filter((st) => actionsOf(st).includes('dynamodb:DeleteItem'));
    expect(deletes.flatMap((st) => leadingKeys(st) ?? []).sort()).toEqual(['OUTBOX', 'RETENTION-DUE#*']);
    const puts = onTable.filter((st) => actionsOf(st).includes('dynamodb:PutItem'));
    expect(puts.flatMap((st) => leadingKeys(st) ?? []).sort()).toEqual(
      ['HEAD#*', 'KYCOWNER#*', 'OUTBOX', 'RETENTION-SWEEP', 'SCREENING#*', 'USER#*'].sort(),
    );
    // The head ledger's fence binds it like every writer of the table.
    const denies = statements.filter((st) => st.Effect === 'Deny').flatMap(actionsOf);
    expect(denies).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']));
  });

  it('F5 the sweep tags KYC document versions for the lifecycle and can neither read nor delete one', () => {
    const actions = statementsOf(RETENTION_SWEEP.id)
      .filter((st) => st.Effect === 'Allow')
      .flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['s3:ListBucketVersions', 's3:PutObjectTagging', 's3:PutObjectVersionTagging']),
    );
    for (const forbidden of ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'])
      expect(actions).not.toContain(forbidden);
    // Tagging needs no key: the data key the documents are encrypted with is not the sweep's.
    const resources = JSON.stringify(statementsOf(RETENTION_SWEEP.id).map((st) => st.Resource));
    expect(resources).not.toContain(logicalId(s.primary.data.dataKey));
  });

  it('F5 the KYC bucket expires versions tagged for erasure and uploads never completed after a day, aborts incomplete multipart uploads, keeps the rest five years', () => {
    const bucket =
      s.merged.findResources('AWS::S3::Bucket')[logicalId(s.primary.data.kycDocuments)]?.Properties;
    const rules = bucket.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'EraseTaggedAfterRetention',
          Status: 'Enabled',
          TagFilters: [{ Key: ERASE_TAG.key, Value: ERASE_TAG.value }],
          ExpirationInDays: ERASE_AFTER_DAYS,
          NoncurrentVersionExpiration: { NoncurrentDays: ERASE_AFTER_DAYS },
        }),
        expect.objectContaining({
          Id: 'ExpireUploadsNeverCompleted',
          Status: 'Enabled',
          TagFilters: [{ Key: UPLOAD_TAG.key, Value: UPLOAD_TAG.pending }],
          ExpirationInDays: 1,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
        expect.objectContaining({
          Id: 'AbortIncompleteMultipartUploads',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }),
        expect.objectContaining({
          Id: 'KeepNoncurrentForRetention',
          NoncurrentVersionExpiration: { NoncurrentDays: RECORD_RETENTION.years * 366 },
        }),
      ]),
    );
  });

  it('F5 CloseAccount may disable and sign out the user, and writes the accounts table', () => {
    const actions = statementsOf('CloseAccount')
      .filter((st) => st.Effect === 'Allow')
      .flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminUserGlobalSignOut',
        'dynamodb:PutItem',
      ]),
    );
  });
});
