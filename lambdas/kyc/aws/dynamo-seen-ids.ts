// F1 in AWS (and locally over dynalite): the webhook's seen event ids as rows of the Shield table, claimed by a
// conditional put (`KYC-WEBHOOK#<id>` / `SEEN`, absent or expired), kept until their TTL. The table's TTL
// removes them some time after; the condition treats an expired row as absent meanwhile.
import { type DocumentClient, PutCommand } from '../../kernel/aws/dynamo-documents.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { SEEN_ID_PREFIX, type SeenIdStore } from '../ports.js';

export class DynamoSeenIds implements SeenIdStore {
  constructor(
    private readonly documents: DocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(id: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `${SEEN_ID_PREFIX}${id}`, sk: 'SEEN', ttl: Math.ceil(expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': Math.floor(this.clock.now().getTime() / 1000) },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}
