// Infra tests of a login's queued emails (lib/queued-mail.ts): the user-mail function's asynchronous
// invocations are retried twice for at most an hour, then kept in an encrypted, TLS-only failures queue that
// only that function's role may send to, and the QueuedMailFailed alarm watches it.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectTlsOnlyQueue, getAttArn, logicalId, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

describe('A4 A6 A7 queued login emails', () => {
  it('A4 A6 A7 SendUserMail retries an asynchronous invocation twice, for an hour at most, then sends it to the failures queue', () => {
    const fn = s.primary.functions.get('SendUserMail');
    if (!fn) throw new Error('no SendUserMail');
    s.merged.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(fn.fn) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: getAttArn(s.primary.queuedMail.failures) } },
    });
    expect(Object.keys(s.merged.findResources('AWS::Lambda::EventInvokeConfig'))).toHaveLength(1);
  });

  it('A4 A6 A7 I2 the failures queue is encrypted, kept 4 days and refuses every request without TLS', () => {
    const queue = s.merged.findResources('AWS::SQS::Queue')[logicalId(s.primary.queuedMail.failures)];
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 86_400,
    });
    expectTlsOnlyQueue(s, s.primary.queuedMail.failures);
  });

  it('A4 A6 A7 I2 an email in the failures queue raises the QueuedMailFailed alarm', () => {
    s.merged.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('QueuedMail failures queue'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
  });
});
