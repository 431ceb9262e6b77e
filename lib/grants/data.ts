// The grants of the data accesses: the tables (accounts, audit, shield, idempotency), their keys, and the
// data key's two purposes (blind index, field groups).
import { BLIND_INDEX_PURPOSE, FIELD_GROUP_PURPOSE } from '../../lambdas/kernel/privacy/purposes.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, type GrantContext, type GrantTable, viaDynamoDb } from './grant.js';

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
