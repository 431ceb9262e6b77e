// The grants of the data accesses: the tables (accounts, audit, shield, idempotency), their keys, the data
// key's two purposes (blind index, field groups), and the task-token rows, which only AnswerTask reaches.
import { BLIND_INDEX_PURPOSE, FIELD_GROUP_PURPOSE } from '../../lambdas/kernel/privacy/purposes.js';
import { TASK_TOKEN_PARTITION_PREFIX } from '../../lambdas/kernel/tables.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, deny, type GrantContext, type GrantTable, viaDynamoDb } from './grant.js';
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
    apply(fn, ctx) {
      const audit = ctx.data.tables.audit.tableArn;
      allow(fn, ['dynamodb:GetItem', 'dynamodb:Query'], [audit, `${audit}/index/*`]);
      tableKeyRead(fn, ctx);
      verify(fn, ctx);
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
  'shield:forget': {
    // Deleting one known-device row when its user takes the device off the whitelist.
    apply(fn, ctx) {
      allow(fn, ['dynamodb:DeleteItem'], [ctx.data.tables.shield.tableArn]);
      tableKeyRead(fn, ctx);
    },
  },
} satisfies Partial<GrantTable>;
