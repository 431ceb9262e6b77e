// Infra tests of the C3 custody hand-off: the transfer queue and its dead letters are FIFO, encrypted with
// their own rotating customer-managed key, TLS-only, deduplicated by the sender's id; only the dispatch task
// may send, and the WithdrawalBlocked alarm exists.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions } from '../../lambdas/catalogue.js';
import { METRICS_NAMESPACE } from '../../lambdas/kernel/observability.js';
import {
  actionsOf,
  expectTlsOnlyQueue,
  getAttArn,
  logicalId,
  resourcesOf,
  roleStatements,
  type Synthesised,
  sharedSynth,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const queueProps = (which: 'queue' | 'deadLetters') =>
  s.merged.findResources('AWS::SQS::Queue')[logicalId(s.primary.custody[which])]?.Properties;

describe('C3 custody queue', () => {
  it.each(['queue', 'deadLetters'] as const)(
    'C3 the %s is FIFO and encrypted with the custody CMK',
    (which) => {
      const props = queueProps(which);
      expect(props.FifoQueue).toBe(true);
      expect(props.KmsMasterKeyId).toEqual(getAttArn(s.primary.custody.key));
    },
  );

  it('C3 the custody key is customer-managed and rotates', () => {
    const key = s.merged.findResources('AWS::KMS::Key')[logicalId(s.primary.custody.key)]?.Properties;
    expect(key.EnableKeyRotation).toBe(true);
  });

  it('C3 transfers are deduplicated by the sender (the withdrawal id) and dead-lettered after 5 receives', () => {
    const props = queueProps('queue');
    expect(props.ContentBasedDeduplication).toBe(false);
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAttArn(s.primary.custody.deadLetters),
      maxReceiveCount: 5,
    });
  });

  it.each(['queue', 'deadLetters'] as const)('C3 the %s refuses every request without TLS', (which) => {
    expectTlsOnlyQueue(s, s.primary.custody[which]);
  });

  it('C3 only the dispatch task may send to custody, and the key only through SQS', () => {
    const queue = JSON.stringify(getAttArn(s.primary.custody.queue));
    const key = JSON.stringify(getAttArn(s.primary.custody.key));
    const senders: string[] = [];
    for (const spec of allFunctions()) {
      const fn = s.primary.functions.get(spec.id);
      if (!fn) continue;
      for (const st of roleStatements(s.merged, logicalId(fn.role)).statements) {
        const resources = resourcesOf(st).map((r) => JSON.stringify(r));
        if (resources.includes(queue)) {
          expect(actionsOf(st)).toEqual(['sqs:SendMessage']);
          senders.push(spec.id);
        }
        if (resources.includes(key)) {
          expect(st.Condition).toEqual({
            StringEquals: { 'kms:ViaService': `sqs.${s.config.settings.primaryRegion}.amazonaws.com` },
          });
        }
      }
    }
    expect([...new Set(senders)]).toEqual(['DispatchWithdrawal']);
  });

  it('C3 the dispatch task is told the queue by URL', () => {
    const fn = s.primary.functions.get('DispatchWithdrawal');
    if (!fn) throw new Error('no DispatchWithdrawal');
    const props = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)]?.Properties;
    expect(props.Environment.Variables.CUSTODY_QUEUE_URL).toEqual({
      Ref: logicalId(s.primary.custody.queue),
    });
  });

  it('C3 a blocked withdrawal raises the WithdrawalBlocked alarm', () => {
    s.merged.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'WithdrawalBlocked',
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
  });
});
