// The grants of the data accesses: the tables (accounts, audit, shield, idempotency), their keys, the audit
// checkpoints (D3), the data key's two purposes (blind index, field groups), and the task-token rows, which
// only AnswerTask reaches.
import { Validations } from 'aws-cdk-lib';
import { CHECKPOINT_PREFIX } from '../../lambdas/kernel/audit/checkpoint.js';
import { OUTBOX_PARTITION } from '../../lambdas/kernel/outbox.js';
import { BLIND_INDEX_PURPOSE, FIELD_GROUP_PURPOSE } from '../../lambdas/kernel/privacy/purposes.js';
import {
  HEAD_PREFIX,
  SCREENING_ROSTER_PARTITION_PREFIX,
  TABLES,
  TASK_TOKEN_PARTITION_PREFIX,
} from '../../lambdas/kernel/tables.js';
import {
  RETAINED_PARTITIONS,
  RETENTION_CURSOR_PARTITION,
  RETENTION_DUE_PREFIX,
} from '../../lambdas/privacy/retention.js';
import type { PalisadeFunction } from '../functions.js';
import { INCOMING_PREFIX, LIST_PREFIX } from '../screening-lists.js';
import { allow, deny, type GrantContext, type GrantTable, nagArnOf, viaDynamoDb } from './grant.js';
import { answerTaskTokens } from './workflows.js';

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const tableKeyRead = (fn: PalisadeFunction, { data }: GrantContext) =>
  allow(fn, ['kms:Decrypt'], [data.tableKey.keyArn], viaDynamoDb(fn));
const tableKeyWrite = (fn: PalisadeFunction, { data }: GrantContext) =>
  allow(fn, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], viaDynamoDb(fn));
/**
 * E1: the head ledger's fence (lambdas/kernel/integrity/signed-table.ts). A head is only ever created: no
 * update, delete or batch write may touch a HEAD# partition, and a put there may carry the key and nothing
 * else, so no put can give a head a `ttl` for DynamoDB to remove it by. IAM has no condition on a request's
 * ConditionExpression: a put may still overwrite a head with the same key, which changes nothing a head says.
 */
const HEAD_KEYS = [`${HEAD_PREFIX}*`];
const HEAD_ATTRIBUTES = [TABLES.accounts.partitionKey, TABLES.accounts.sortKey];
const ledgerFence = (fn: PalisadeFunction, { data }: GrantContext) => {
  const onHeads = { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': HEAD_KEYS } };
  deny(
    fn,
    ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    [data.accounts.tableArn],
    onHeads,
  );
  deny(fn, ['dynamodb:PutItem'], [data.accounts.tableArn], {
    ...onHeads,
    'ForAnyValue:StringNotEquals': { 'dynamodb:Attributes': HEAD_ATTRIBUTES },
  });
};

/** Reading a signed row needs the signing key's public half. */
const verify = (fn: PalisadeFunction, { data }: GrantContext) =>
  allow(fn, ['kms:GetPublicKey'], [data.signingKey.keyArn]);
/** Writing a signed row also signs it. */
const sign = (fn: PalisadeFunction, { data }: GrantContext) =>
  allow(fn, ['kms:GetPublicKey', 'kms:Sign'], [data.signingKey.keyArn]);

/** The partition keys of the task-token rows (lambdas/kernel/tables.ts), as a dynamodb:LeadingKeys pattern. */
export const TASK_TOKEN_KEYS = `${TASK_TOKEN_PARTITION_PREFIX}*`;

/**
 * What AnswerTask reads beside the tokens: the withdrawal record a review decides (`USER#<userId>`,
 * lambdas/withdrawals/record.ts withdrawalKey) and the admin request an approval token follows
 * (`ADMINREQ#<requestId>`, lambdas/admin/request-store.ts). test/unit/task-answers.test.ts checks the keys.
 */
export const ANSWER_TASK_READS = [TASK_TOKEN_KEYS, 'USER#*', 'ADMINREQ#*'] as const;

/**
 * Every role that reaches the accounts table but AnswerTask's: nothing on a task-token partition. An explicit
 * Deny, so no Allow (this access's, or one added later) opens them again. Any action on the table whose
 * leading key (a key of GetItem/PutItem…, each key of a batch, a Query's partition) matches.
 */
const fenceTaskTokens = (fn: PalisadeFunction, { data }: GrantContext) =>
  deny(fn, ['dynamodb:*'], [data.accounts.tableArn], {
    'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [TASK_TOKEN_KEYS] },
  });

/** An Allow whose every leading key must match one of the patterns. */
const onPartitions = (patterns: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] },
});
/** cdk-nag IAM5 on the checkpoint objects: S3 names objects only by key, and new ones are made every run. */
function acknowledgeObjects(fn: PalisadeFunction, { data }: GrantContext): void {
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn, data.checkpoints.bucket)}/${CHECKPOINT_PREFIX}*]`,
    reason:
      'D3: a new checkpoint object is written every few minutes under its own key, so the objects are ' +
      'granted by their prefix; Object Lock (compliance) keeps the written ones from being overwritten.',
  });
}

/** cdk-nag IAM5 on the list objects: each version's files are new keys under `lists/`, named at load. */
function acknowledgeListObjects(fn: PalisadeFunction, { data }: GrantContext): void {
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn, data.screeningLists.bucket)}/${LIST_PREFIX}*]`,
    reason:
      'F2: every list version is stored under its own new keys (lists/<list>/<version>/…), so the objects are ' +
      'granted by the lists/ prefix of the bucket that holds nothing else; the bucket is versioned.',
  });
}

/** cdk-nag IAM5 on the staged files: each request's files are new keys under `incoming/<requestId>/`. */
function acknowledgeIncoming(fn: PalisadeFunction, { data }: GrantContext): void {
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn, data.screeningLists.bucket)}/${INCOMING_PREFIX}*]`,
    reason:
      'F2: the files of a load-screening-list request are staged under keys named by the request ' +
      '(incoming/<requestId>/<name>), so they are granted by the incoming/ prefix; they expire after 7 days.',
  });
}

/** Only the data-key secret of one purpose: KMS refuses these calls for any other encryption context. */
const dataKeyFor =
  (purpose: string) =>
  (fn: PalisadeFunction, { data }: GrantContext) =>
    allow(fn, ['kms:GenerateDataKey', 'kms:Decrypt'], [data.dataKey.attrArn], {
      StringEquals: { 'kms:EncryptionContext:palisade:purpose': purpose },
    });

export const DATA_GRANTS = {
  'accounts:read': {
    apply(fn, ctx) {
      allow(fn, TABLE_READ, [ctx.data.accounts.tableArn]);
      fenceTaskTokens(fn, ctx);
      tableKeyRead(fn, ctx);
      verify(fn, ctx);
    },
  },
  'accounts:write': {
    apply(fn, ctx) {
      allow(fn, [...TABLE_READ, ...TABLE_WRITE], [ctx.data.accounts.tableArn]);
      fenceTaskTokens(fn, ctx);
      ledgerFence(fn, ctx);
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
    },
  },
  'accounts:scan': {
    // F2: the roster backfill lists every account (SignedTable.scan, strongly consistent, filtered on the
    // account row's sort key) and verifies each row, a ledgered one against its newest head (a Query of its
    // HEAD# partition). A Scan carries no dynamodb:LeadingKeys, so no partition condition can narrow it: the
    // role reads every row the scan passes over, which is why only the operator's one-off function holds it
    // (no trigger, invoked by hand) and its code keeps the account rows alone. The task-token fence still
    // denies every keyed action on those partitions.
    apply(fn, ctx) {
      const table = [ctx.data.accounts.tableArn];
      allow(fn, ['dynamodb:Scan'], table);
      allow(fn, ['dynamodb:Query'], table, onPartitions([`${HEAD_PREFIX}*`]));
      fenceTaskTokens(fn, ctx);
      tableKeyRead(fn, ctx);
      verify(fn, ctx);
    },
  },
  'screening-roster:write': {
    // F2: enrol a customer in the screening roster (ScreeningStore.enrolled/enrol: a get, then a conditional
    // put of the signed row). The roster rows are not ledgered, so no head is read or written.
    apply(fn, ctx) {
      const table = [ctx.data.accounts.tableArn];
      allow(
        fn,
        ['dynamodb:GetItem', 'dynamodb:PutItem'],
        table,
        onPartitions([`${SCREENING_ROSTER_PARTITION_PREFIX}*`]),
      );
      fenceTaskTokens(fn, ctx);
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
    },
  },
  'retention:sweep': {
    // F5: the record retention sweep (lambdas/privacy/retention.ts): reads the due index's month partitions and
    // its cursor, reads and tombstones (a version-conditional put) the rows of the retained partitions
    // (USER#, SCREENING#) with their heads, writes its outbox entries (the audit records), and deletes nothing
    // but due-index entries and its own outbox entries. No UpdateItem, no batch, no other partition.
    apply(fn, ctx) {
      const table = [ctx.data.accounts.tableArn];
      const retained = RETAINED_PARTITIONS.map((prefix) => `${prefix}*`);
      const due = `${RETENTION_DUE_PREFIX}*`;
      allow(
        fn,
        ['dynamodb:GetItem', 'dynamodb:Query'],
        table,
        onPartitions([...retained, due, RETENTION_CURSOR_PARTITION, `${HEAD_PREFIX}*`]),
      );
      allow(
        fn,
        ['dynamodb:PutItem'],
        table,
        onPartitions([...retained, RETENTION_CURSOR_PARTITION, `${HEAD_PREFIX}*`, OUTBOX_PARTITION]),
      );
      allow(fn, ['dynamodb:DeleteItem'], table, onPartitions([due, OUTBOX_PARTITION]));
      fenceTaskTokens(fn, ctx);
      ledgerFence(fn, ctx);
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
    },
  },
  'task-tokens:own': {
    // AnswerTask: single items only (SignedTable get, create, version-conditional replace), by key pattern;
    // writes on the token rows alone. No accounts:read/write, so no fence: this is its only way in.
    apply(fn, ctx) {
      const table = [ctx.data.accounts.tableArn];
      allow(fn, ['dynamodb:GetItem'], table, onPartitions(ANSWER_TASK_READS));
      // E1: an admin request is a ledgered row; reading it verifies its newest head (a Query of its head
      // partition). Heads hold a key and nothing else.
      allow(fn, ['dynamodb:Query'], table, onPartitions([`${HEAD_PREFIX}*`]));
      allow(fn, ['dynamodb:PutItem'], table, onPartitions([TASK_TOKEN_KEYS]));
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
      answerTaskTokens(fn);
    },
  },
  'audit:append': {
    // Reads the chain's head and adds the next record; no update or delete, so history cannot change.
    apply(fn, ctx) {
      allow(fn, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], [ctx.data.tables.audit.tableArn]);
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
    },
  },
  'audit:read': {
    // The chain and its two indexes (by target, by actor), each named: no wildcard.
    apply(fn, ctx) {
      const audit = ctx.data.tables.audit.tableArn;
      const indexes = TABLES.audit.indexes.map((index) => `${audit}/index/${index.name}`);
      allow(fn, ['dynamodb:GetItem', 'dynamodb:Query'], [audit, ...indexes]);
      tableKeyRead(fn, ctx);
      verify(fn, ctx);
    },
  },
  'audit-checkpoint:read': {
    // D3: list and read the checkpoints (and check their signatures).
    env: (_fn, { data }) => ({ AUDIT_CHECKPOINT_BUCKET: data.checkpoints.bucket.bucketName }),
    apply(fn, ctx) {
      const { checkpoints } = ctx.data;
      allow(fn, ['s3:ListBucket'], [checkpoints.bucket.bucketArn], {
        StringLike: { 's3:prefix': `${CHECKPOINT_PREFIX}*` },
      });
      allow(fn, ['s3:GetObject'], [checkpoints.objectsArn]);
      acknowledgeObjects(fn, ctx);
      allow(fn, ['kms:Decrypt'], [checkpoints.key.keyArn], checkpoints.viaS3());
      verify(fn, ctx);
    },
  },
  'audit-checkpoint:write': {
    // D3: add a checkpoint (never overwrite: Object Lock), signed with the platform signing key. The bucket
    // policy refuses s3:PutObject to every principal it does not name; this names the function's role.
    env: (_fn, { data }) => ({ AUDIT_CHECKPOINT_BUCKET: data.checkpoints.bucket.bucketName }),
    apply(fn, ctx) {
      const { checkpoints } = ctx.data;
      allow(fn, ['s3:PutObject'], [checkpoints.objectsArn]);
      acknowledgeObjects(fn, ctx);
      allow(fn, ['kms:GenerateDataKey'], [checkpoints.key.keyArn], checkpoints.viaS3());
      sign(fn, ctx);
      checkpoints.allowWriter(fn.role);
    },
  },
  'screening-lists:read': {
    // F2: the current pointer, the manifests and the entities files of the list versions (the screening reads
    // no source file any more: lambdas/screening/list-entities.ts); nothing else in the bucket.
    env: (_fn, { data }) => ({ SCREENING_LISTS_BUCKET: data.screeningLists.bucket.bucketName }),
    apply(fn, ctx) {
      const lists = ctx.data.screeningLists;
      // ListBucket without an s3:prefix condition: S3 answers a GetObject of a missing key (no list loaded
      // yet: the current pointer is absent) 404 NoSuchKey only to a caller who may list the bucket, checked
      // with no s3:prefix in the request; with the condition it answered 403 and sign-up screening failed in
      // a fresh deployment (the cloud harness models this: test/cloud/harness/services/s3.ts). The bucket holds
      // list files and upload slots only, no personal data; reads stay limited to lists/*.
      allow(fn, ['s3:ListBucket'], [lists.bucket.bucketArn]);
      allow(fn, ['s3:GetObject'], [lists.objectsArn]);
      allow(fn, ['kms:Decrypt'], [lists.key.keyArn], lists.viaS3());
      acknowledgeListObjects(fn, ctx);
    },
  },
  'screening-lists:write': {
    // F2: add a version (its files, entities file and manifest) and move the current pointer (the loader);
    // reading back the pointer it replaces.
    env: (_fn, { data }) => ({ SCREENING_LISTS_BUCKET: data.screeningLists.bucket.bucketName }),
    apply(fn, ctx) {
      const lists = ctx.data.screeningLists;
      // ListBucket: the pointer it replaces is absent before the first load (404, not 403: see read)
      allow(fn, ['s3:ListBucket'], [lists.bucket.bucketArn]);
      allow(fn, ['s3:GetObject', 's3:PutObject'], [lists.objectsArn]);
      // the files a load-screening-list request staged, read (never written) on its approval
      allow(fn, ['s3:GetObject'], [lists.incomingArn]);
      allow(fn, ['kms:Decrypt', 'kms:GenerateDataKey'], [lists.key.keyArn], lists.viaS3());
      acknowledgeListObjects(fn, ctx);
      acknowledgeIncoming(fn, ctx);
    },
  },
  'screening-lists:stage': {
    // F2: the presigned POSTs of a load-screening-list request's upload slots are signed with this role's
    // credentials, so the role may put what the slots allow: objects under incoming/ only, encrypted by S3
    // with the bucket's key. It reads nothing.
    env: (_fn, { data }) => ({ SCREENING_LISTS_BUCKET: data.screeningLists.bucket.bucketName }),
    apply(fn, ctx) {
      const lists = ctx.data.screeningLists;
      allow(fn, ['s3:PutObject'], [lists.incomingArn]);
      allow(fn, ['kms:GenerateDataKey'], [lists.key.keyArn], lists.viaS3());
      acknowledgeIncoming(fn, ctx);
    },
  },
  'blind-index:key': { apply: dataKeyFor(BLIND_INDEX_PURPOSE) },
  'data-key:seal-open': { apply: dataKeyFor(FIELD_GROUP_PURPOSE) },
  'idempotency:use': {
    // Powertools idempotency: read, claim (conditional put), complete (update) or free (delete) a record.
    apply(fn, ctx) {
      allow(
        fn,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        [ctx.data.tables.idempotency.tableArn],
      );
      tableKeyWrite(fn, ctx);
    },
  },
  'shield:write': {
    // Counters only: batch reads, conditional updates, clearing a source's counters after a success.
    apply(fn, ctx) {
      allow(
        fn,
        ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        [ctx.data.tables.shield.tableArn],
      );
      tableKeyWrite(fn, ctx);
    },
  },
  'risk:write': {
    // G1: one BatchGetItem (the user's history row and the counters of the attempt's values), then after a
    // successful login a conditional update of the history row and atomic ADDs on the counters.
    apply(fn, ctx) {
      allow(fn, ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], [ctx.data.tables.risk.tableArn]);
      tableKeyWrite(fn, ctx);
    },
  },
  'shield:forget': {
    // Deleting one known-device row when its user takes the device off the whitelist.
    apply(fn, ctx) {
      allow(fn, ['dynamodb:DeleteItem'], [ctx.data.tables.shield.tableArn]);
      tableKeyRead(fn, ctx);
    },
  },
} satisfies Partial<GrantTable>;
