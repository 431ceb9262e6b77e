// Infra tests of the workflows and of monitoring: one logged, traced STANDARD state machine per catalogue
// workflow wired to its task functions, and alarms on the security metrics to an encrypted topic.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../../lambdas/catalogue.js';
import { METRICS_NAMESPACE, SecurityMetric } from '../../lambdas/kernel/observability.js';
import { getAttArn, logicalId, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const machineOf = (name: string) => {
  const machine = s.primary.workflows.stateMachines.get(name as never);
  if (!machine) throw new Error(`no state machine for ${name}`);
  return s.merged.findResources('AWS::StepFunctions::StateMachine')[logicalId(machine)]?.Properties;
};

describe('state machines', () => {
  it('D2 there is one state machine per catalogue workflow', () => {
    s.merged.resourceCountIs('AWS::StepFunctions::StateMachine', WORKFLOWS.length);
  });

  it.each(WORKFLOWS.map((w) => [w.name, w] as const))(
    'I1 %s is STANDARD, traced, and logs ALL events to an encrypted log group with retention',
    (name) => {
      const props = machineOf(name);
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.TracingConfiguration).toEqual({ Enabled: true });
      expect(props.LoggingConfiguration.Level).toBe('ALL');
      const groupArn = props.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn;
      const [groupId] = groupArn['Fn::GetAtt'] as [string, string];
      const group = s.merged.findResources('AWS::Logs::LogGroup')[groupId]?.Properties;
      expect(group.KmsKeyId).toEqual(getAttArn(s.primary.logging.key));
      expect(group.RetentionInDays).toEqual(expect.any(Number));
    },
  );

  it.each(WORKFLOWS.map((w) => [w.name, w] as const))(
    'D2 %s is loaded from its ASL file with every task key bound to its own function',
    (name, workflow) => {
      const props = machineOf(name);
      expect(props.DefinitionS3Location).toBeDefined();
      const expected = Object.fromEntries(
        Object.entries(workflow.tasks).map(([key, spec]) => {
          const fn = s.primary.functions.get(spec.id);
          if (!fn) throw new Error(`task ${spec.id} was not built`);
          return [key, getAttArn(fn.fn)];
        }),
      );
      expect(props.DefinitionSubstitutions).toEqual(expected);
    },
  );

  it('D2 route functions and the authorizer know every state machine ARN (STATE_MACHINES)', () => {
    const fn = s.merged.findResources('AWS::Lambda::Function')[logicalId(s.primary.authorizerFunction.fn)];
    const value = JSON.stringify(fn?.Properties.Environment.Variables.STATE_MACHINES);
    for (const workflow of WORKFLOWS) {
      const machine = s.primary.workflows.stateMachines.get(workflow.name);
      if (!machine) throw new Error(`no state machine for ${workflow.name}`);
      expect(value).toContain(workflow.name);
      expect(value).toContain(logicalId(machine));
    }
  });
});

describe('monitoring', () => {
  it.each(Object.values(SecurityMetric))('I1 an alarm watches the %s security metric', (metric) => {
    s.merged.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: metric,
      Dimensions: [{ Name: 'service', Value: 'palisade' }],
      Statistic: 'Sum',
      AlarmActions: [{ Ref: logicalId(s.primary.monitoring.topic) }],
    });
  });

  it('I1 IntegrityFailure alarms on the first failure', () => {
    s.merged.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: SecurityMetric.IntegrityFailure,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(WORKFLOWS.map((w) => [w.name] as const))('I1 failed executions of %s raise an alarm', (name) => {
    const machine = s.primary.workflows.stateMachines.get(name);
    if (!machine) throw new Error(`no state machine for ${name}`);
    s.merged.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: logicalId(machine) } }],
      Threshold: 1,
    });
  });

  it('I1 the alarm topic is KMS-encrypted and refuses non-TLS publishers', () => {
    s.merged.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: getAttArn(s.primary.monitoring.node.findChild('TopicKey')),
    });
    s.merged.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('I1 CloudWatch may publish to the alarm topic, only for alarms of this account and Region', () => {
    const topic = s.primary.monitoring.topic;
    s.merged.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(topic) }],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: logicalId(topic) },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      `arn:aws:cloudwatch:${s.config.settings.primaryRegion}:`,
                      { Ref: 'AWS::AccountId' },
                      ':alarm:*',
                    ],
                  ],
                },
              },
            },
          },
        ]),
      }),
    });
    // The topic key lets CloudWatch encrypt what it publishes, for this account only.
    s.merged.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      }),
    });
  });
});
