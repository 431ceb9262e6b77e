// The user-mail function's asynchronous invocations (a login's emails, Infra.queuedUserMail): Lambda keeps the
// event, runs the function, retries a failed run twice, and hands an event that still fails (or is an hour
// old) to the on-failure queue, which the monitoring alarms on. The queue holds what the email would have said
// (a one-time code, a suspension link): SSE, TLS only, kept 4 days, readable by no function. Lambda sends to
// it with the function's own role, which may only SendMessage there (`mail:failures`, lib/grants/messaging.ts).
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUED_MAIL_RETRIES } from '../lambdas/kernel/ports/user-mail.js';

/** An email not sent within this is given up (codes expire in 15 minutes; a notice is stale by then). */
export const QUEUED_MAIL_MAX_AGE = Duration.hours(1);

export class QueuedMail extends Construct {
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the user-mail function’s asynchronous ' +
        'invocations (Lambda’s on-failure destination); nothing consumes it, an alarm tells the operators.',
    });
  }

  /** `mail:failures`: SendMessage on the failures queue, nothing else (not GetQueueUrl, not the attributes). */
  grantFailures(role: iam.IGrantable): void {
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.failures.queueArn] }),
    );
  }

  /** The function's asynchronous invocations: two retries, an hour at most, then the failures queue. */
  attach(fn: lambda.Function): void {
    const queue = this.failures;
    fn.configureAsyncInvoke({
      retryAttempts: QUEUED_MAIL_RETRIES,
      maxEventAge: QUEUED_MAIL_MAX_AGE,
      // The destination by ARN alone: the role's grant is `mail:failures`, made with the others.
      onFailure: { bind: () => ({ destination: queue.queueArn }) },
    });
  }
}
