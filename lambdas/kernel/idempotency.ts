// C2: Powertools idempotency for withdrawal requests. Records are keyed by (user, Idempotency-Key), never by
// the key alone, and carry a hash of the request's terms (asset, amount, address, speed) so the same key with
// other terms is refused. Credentials are not part of the hash: a retry carries a fresh TOTP code, and a
// password must not be hashed into a table.
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DocumentClient } from './aws/dynamo-documents.js';
import { DynamoIdempotencyLayer } from './aws/dynamo-idempotency.js';
import { Conflict } from './errors.js';
import { TABLES } from './tables.js';

/** How long a request's first answer is replayed for its key: a day covers any client's retries. */
export const IDEMPOTENCY_HOURS = 24;
const PREFIX = 'withdrawal-request';

/**
 * The persistence of the idempotency table (tables.ts): pk is one value per operation, sk the hashed key; the
 * rows and conditional writes of Powertools' DynamoDB layer, sent through the functions' document client.
 */
export function idempotencyStore(tableName: string, documents: () => DocumentClient): BasePersistenceLayer {
  const spec = TABLES.idempotency;
  return new DynamoIdempotencyLayer(documents, {
    tableName,
    keyAttr: spec.partitionKey,
    sortKeyAttr: spec.sortKey,
    staticPkValue: `IDEMPOTENCY#${PREFIX}`,
    ...(spec.ttlAttribute ? { expiryAttr: spec.ttlAttribute } : {}),
  });
}

/** What the idempotency key and the payload check read. */
export interface IdempotentCall<T> {
  userId: string;
  idempotencyKey: string;
  /** The request's terms: the same key with other terms is IDEMPOTENCY_KEY_REUSED. */
  terms: T;
}

export interface Idempotent<T, A extends unknown[], R> {
  run(call: IdempotentCall<T>, ...rest: A): Promise<R>;
  /** The Lambda context, so a request that dies mid-way frees its key when the invocation would have ended. */
  config: IdempotencyConfig;
}

/** Wraps `fn` so one (user, key) runs it once; the result is replayed for the same terms for a day. */
export function idempotentPerUser<T, A extends unknown[], R>(
  persistenceStore: BasePersistenceLayer,
  fn: (call: IdempotentCall<T>, ...rest: A) => Promise<R>,
): Idempotent<T, A, R> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[userId, idempotencyKey]',
    payloadValidationJmesPath: 'terms',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_HOURS * 3600,
    hashFunction: 'sha256',
  });
  const wrapped = makeIdempotent(fn, { persistenceStore, config, keyPrefix: PREFIX });
  return {
    config,
    run: async (call, ...rest) => {
      try {
        return await wrapped(call, ...rest);
      } catch (err) {
        if (err instanceof IdempotencyValidationError) {
          throw new Conflict(
            'This Idempotency-Key was used for another withdrawal request; use a new key',
            'IDEMPOTENCY_KEY_REUSED',
          );
        }
        if (err instanceof IdempotencyAlreadyInProgressError) {
          throw new Conflict(
            'A request with this Idempotency-Key is still in progress; retry shortly',
            'IDEMPOTENCY_IN_PROGRESS',
          );
        }
        throw err;
      }
    },
  };
}
