// C3: the hand-off to the custody system: an SQS FIFO queue (one message per withdrawal, deduplicated by the
// withdrawal id, ordered per user) encrypted with its own customer-managed key, TLS-only, with a
// dead-letter queue for transfers the custody system cannot take. Only the dispatch task may send.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export class Custody extends Construct {
  readonly key: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'QueueKey', {
      description: 'Palisade: encrypts the custody transfer queue and its dead letters',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const common = {
      fifo: true,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      // Reuse of the data key for 5 minutes: fewer KMS calls, still one key per queue.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    } satisfies sqs.QueueProps;
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', common);
    this.queue = new sqs.Queue(this, 'Transfers', {
      ...common,
      // The sender gives the withdrawal id as the deduplication id; content never decides what is a duplicate.
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.minutes(5),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });
  }

  /** `custody:dispatch`: SendMessage on this queue, and the key only as SQS uses it for that. */
  grantDispatch(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
