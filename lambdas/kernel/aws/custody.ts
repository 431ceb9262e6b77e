// Custody of the Lambda runtime: one message per withdrawal on the custody system's SQS FIFO queue
// (lib/custody.ts). The withdrawal id is the deduplication id, so a retried dispatch within SQS's
// five-minute window is dropped by SQS; the custody system dedupes on the same id beyond it.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability.js';
import { type Custody, type CustodyTransfer, CustodyUnavailable, transferRefOf } from '../ports/custody.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export class SqsCustody implements Custody {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async dispatch(transfer: CustodyTransfer): Promise<{ transferRef: string }> {
    const transferRef = transferRefOf(transfer.withdrawalId);
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify({ ...transfer, transferRef }),
          MessageDeduplicationId: transfer.withdrawalId,
          // One group per user: a user's transfers stay in order, users do not wait for each other.
          MessageGroupId: transfer.userId,
        }),
      );
    } catch (err) {
      throw new CustodyUnavailable(`The custody queue refused the transfer: ${(err as Error).name}`);
    }
    return { transferRef };
  }
}

export const awsCustody = /* @__PURE__ */ once(
  () => new SqsCustody(tracer.captureAWSv3Client(new SQSClient({})), requireEnv('CUSTODY_QUEUE_URL')),
);
