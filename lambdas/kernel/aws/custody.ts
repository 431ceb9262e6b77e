// Custody of the Lambda runtime: one message per withdrawal on the custody system's SQS FIFO queue
// (lib/custody.ts). The withdrawal id is the deduplication id, so a retried dispatch within SQS's
// five-minute window is dropped by SQS; the custody system dedupes on the same id beyond it. SendMessage goes
// through the kernel's signed JSON caller (json-api.ts; AmazonSQS, awsJson1_0, the protocol SQS and the SDK
// speak today) rather than @aws-sdk/client-sqs: docs/decisions.md, "Bundles".
import { type Custody, type CustodyTransfer, CustodyUnavailable, transferRefOf } from '../ports/custody.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import type { AwsTransport } from './signed-request.js';

export const SQS: JsonService = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  endpointVariable: 'AWS_ENDPOINT_URL_SQS',
  traceName: 'SQS',
};

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
  DelaySeconds?: number;
}

export interface Sqs {
  sendMessage(input: SendMessageInput): Promise<{ MessageId?: string; SequenceNumber?: string }>;
}

/**
 * SQS over one transport. SendMessage to a FIFO queue with a deduplication id may be sent again after a lost
 * connection: SQS drops the repeat within its five-minute window.
 */
export function sqs(transport: () => AwsTransport): Sqs {
  const api = jsonApi(SQS, transport);
  return {
    sendMessage: (input) =>
      api.call('SendMessage', input, { idempotent: input.MessageDeduplicationId !== undefined }),
  };
}

export class SqsCustody implements Custody {
  constructor(
    private readonly sqs: Sqs,
    private readonly queueUrl: string,
  ) {}

  async dispatch(transfer: CustodyTransfer): Promise<{ transferRef: string }> {
    const transferRef = transferRefOf(transfer.withdrawalId);
    try {
      await this.sqs.sendMessage({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ ...transfer, transferRef }),
        MessageDeduplicationId: transfer.withdrawalId,
        // One group per user: a user's transfers stay in order, users do not wait for each other.
        MessageGroupId: transfer.userId,
      });
    } catch (err) {
      throw new CustodyUnavailable(`The custody queue refused the transfer: ${(err as Error).name}`);
    }
    return { transferRef };
  }
}

export const awsCustody = /* @__PURE__ */ once(
  () => new SqsCustody(sqs(once(() => jsonTransportFromEnv(SQS))), requireEnv('CUSTODY_QUEUE_URL')),
);
