// AccountStore on DynamoDB (the same code against AWS and against the local dynalite emulator).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict, NotFound } from '../shared/errors.js';
import type { Account, AccountStore, NewAccount, Session } from './account-store.js';

const userKey = (userId: string) => `USER#${userId}`;
const ACCOUNT_SK = 'ACCOUNT';
const sessionSk = (sessionId: string) => `SESSION#${sessionId}`;

export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createAccount(input: NewAccount): Promise<Account> {
    const account: Account = { ...input, status: 'active', version: 1 };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: userKey(input.userId), sk: ACCOUNT_SK, ...account },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        throw new Conflict('Account already exists', 'ACCOUNT_EXISTS');
      throw err;
    }
    return account;
  }

  async getAccount(userId: string): Promise<Account | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: userKey(userId), sk: ACCOUNT_SK },
        ConsistentRead: true,
      }),
    );
    return Item ? stripKeys<Account>(Item) : undefined;
  }

  async suspend(userId: string, at: Date, reason: string): Promise<{ changed: boolean }> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userKey(userId), sk: ACCOUNT_SK },
          UpdateExpression:
            'SET #status = :suspended, suspendedAt = :at, suspensionReason = :reason, sessionsValidAfter = :at, version = version + :one',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :suspended',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':suspended': 'suspended',
            ':at': at.toISOString(),
            ':reason': reason,
            ':one': 1,
          },
        }),
      );
      return { changed: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const account = await this.getAccount(userId);
      if (!account) throw new NotFound('Account not found');
      return { changed: false };
    }
  }

  async putSession(session: Session): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: userKey(session.userId),
          sk: sessionSk(session.sessionId),
          ...session,
          // DynamoDB TTL removes it in the cloud; the expiry is also checked on every read.
          ttl: Math.ceil(Date.parse(session.expiresAt) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getSession(userId: string, sessionId: string): Promise<Session | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: userKey(userId), sk: sessionSk(sessionId) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { ttl: _ttl, ...rest } = Item;
    return stripKeys<Session>(rest);
  }

  async revokeSession(userId: string, sessionId: string, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userKey(userId), sk: sessionSk(sessionId) },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new NotFound('Session not found');
      throw err;
    }
  }
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
