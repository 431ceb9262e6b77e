// C2: Powertools idempotency records on the idempotency table through the functions' document client
// (dynamo-documents.ts) instead of Powertools' DynamoDBPersistenceLayer, which loads @aws-sdk/client-dynamodb
// (docs/decisions.md, "Bundles"). The same rows and the same conditional writes as Powertools' own layer
// (@aws-lambda-powertools/idempotency/dynamodb): a record is put only when its key is new, expired, or
// in progress past its in-progress expiry; a refused put hands the existing record (ALL_OLD) to Powertools.
import {
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS as ATTRIBUTES,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { IdempotencyRecordStatusValue } from '@aws-lambda-powertools/idempotency/types';
import {
  DeleteCommand,
  type DocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from './dynamo-documents.js';

export interface DynamoIdempotencyOptions {
  tableName: string;
  /** The partition key attribute, holding `staticPkValue`. */
  keyAttr: string;
  /** The sort key attribute, holding the hashed idempotency key. */
  sortKeyAttr: string;
  staticPkValue: string;
  expiryAttr?: string;
}

type Row = Record<string, unknown>;

export class DynamoIdempotencyLayer extends BasePersistenceLayer {
  private readonly expiryAttr: string;
  private readonly statusAttr = ATTRIBUTES.statusAttr;
  private readonly inProgressExpiryAttr = ATTRIBUTES.inProgressExpiryAttr;
  private readonly dataAttr = ATTRIBUTES.dataAttr;
  private readonly validationKeyAttr = ATTRIBUTES.validationKeyAttr;

  constructor(
    private readonly documents: () => DocumentClient,
    private readonly options: DynamoIdempotencyOptions,
  ) {
    super();
    if (options.keyAttr === options.sortKeyAttr)
      throw new Error(
        `keyAttr [${options.keyAttr}] and sortKeyAttr [${options.sortKeyAttr}] cannot be the same!`,
      );
    this.expiryAttr = options.expiryAttr ?? ATTRIBUTES.expiryAttr;
  }

  private key(idempotencyKey: string): Row {
    return { [this.options.keyAttr]: this.options.staticPkValue, [this.options.sortKeyAttr]: idempotencyKey };
  }

  private recordOf(item: Row): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey: item[this.options.keyAttr] as string,
      sortKey: item[this.options.sortKeyAttr] as string,
      status: item[this.statusAttr] as IdempotencyRecordStatusValue,
      expiryTimestamp: item[this.expiryAttr] as number | undefined,
      inProgressExpiryTimestamp: item[this.inProgressExpiryAttr] as number | undefined,
      responseData: item[this.dataAttr] as IdempotencyRecord['responseData'],
      payloadHash: item[this.validationKeyAttr] as string | undefined,
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.documents().send(
      new DeleteCommand({ TableName: this.options.tableName, Key: this.key(record.idempotencyKey) }),
    );
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const { Item } = await this.documents().send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: this.key(idempotencyKey),
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new IdempotencyItemNotFoundError();
    return this.recordOf(Item);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Row = {
      ...this.key(record.idempotencyKey),
      [this.expiryAttr]: record.expiryTimestamp,
      [this.statusAttr]: record.getStatus(),
    };
    if (record.inProgressExpiryTimestamp !== undefined)
      item[this.inProgressExpiryAttr] = record.inProgressExpiryTimestamp;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined)
      item[this.validationKeyAttr] = record.payloadHash;
    const now = Date.now();
    try {
      // Saved when the key is new (or gone by TTL), expired, or in progress past its in-progress expiry.
      await this.documents().send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: item,
          ExpressionAttributeNames: {
            '#id': this.options.keyAttr,
            '#expiry': this.expiryAttr,
            '#in_progress_expiry': this.inProgressExpiryAttr,
            '#status': this.statusAttr,
          },
          ExpressionAttributeValues: {
            ':now': now / 1000,
            ':now_in_millis': now,
            ':inprogress': IdempotencyRecordStatus.INPROGRESS,
          },
          ConditionExpression:
            'attribute_not_exists(#id) OR #expiry < :now OR ' +
            '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const old = (error as { Item?: Row }).Item;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey} and sort key: ${record.sortKey}`,
        old ? this.recordOf(old) : undefined,
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const fields = ['#expiry = :expiry', '#status = :status'];
    const names: Record<string, string> = { '#expiry': this.expiryAttr, '#status': this.statusAttr };
    const values: Row = { ':expiry': record.expiryTimestamp, ':status': record.getStatus() };
    if (record.responseData !== undefined) {
      fields.push('#response_data = :response_data');
      names['#response_data'] = this.dataAttr;
      values[':response_data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled()) {
      fields.push('#validation_key = :validation_key');
      names['#validation_key'] = this.validationKeyAttr;
      values[':validation_key'] = record.payloadHash;
    }
    await this.documents().send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key(record.idempotencyKey),
        UpdateExpression: `SET ${fields.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
