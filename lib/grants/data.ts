// The grants of the data accesses: the tables (accounts, audit, shield, idempotency), their keys, and the
// data key's two purposes (blind index, field groups).
import { BLIND_INDEX_PURPOSE, FIELD_GROUP_PURPOSE } from '../../lambdas/kernel/privacy/purposes.js';
import { HEAD_PREFIX, TABLES } from '../../lambdas/kernel/tables.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, deny, type GrantContext, type GrantTable, viaDynamoDb } from './grant.js';

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
      tableKeyRead(fn, ctx);
      verify(fn, ctx);
    },
  },
  'accounts:write': {
    apply(fn, ctx) {
      allow(fn, [...TABLE_READ, ...TABLE_WRITE], [ctx.data.accounts.tableArn]);
      ledgerFence(fn, ctx);
      tableKeyWrite(fn, ctx);
      sign(fn, ctx);
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
