// I1 intrusion monitoring: alarms on Palisade's security metrics and on failed workflows, sent to an
// encrypted, TLS-only SNS topic (optionally mailed to the on-call address).
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME, SecurityMetric } from '../lambdas/kernel/observability.js';
import { OUTBOX_STUCK_ATTEMPTS, OutboxMetric } from '../lambdas/kernel/outbox.js';

export interface MonitoringProps {
  stateMachines: ReadonlyMap<string, sfn.IStateMachine>;
  /** D3: the audit checkpoint writer: its failures and its silence are alarmed on. */
  checkpointWriter?: lambda.IFunction;
  /** The outbox sweeper (kernel/outbox.ts): alarmed when it fails or an entry keeps failing. */
  outboxSweeper?: lambda.IFunction;
  /** The on-failure queue of the queued emails (lib/queued-mail.ts): alarmed when it holds one. */
  mailFailures?: sqs.IQueue;
  alarmEmail?: string;
}

interface SecurityAlarm {
  metric: keyof typeof SecurityMetric;
  description: string;
  period: Duration;
  threshold: number;
}

/** Thresholds of the security metrics; one place to tune them. */
export const SECURITY_ALARMS: readonly SecurityAlarm[] = [
  {
    metric: 'IntegrityFailure',
    description: 'E1: a signed item failed verification (tampering or a key problem). Investigate now.',
    period: Duration.minutes(1),
    threshold: 1,
  },
  {
    metric: 'AuthorizerRefusal',
    description: 'Spike of refused tokens: token theft, replay after revocation or a broken client.',
    period: Duration.minutes(5),
    threshold: 200,
  },
  {
    metric: 'AccountSuspended',
    description: 'Unusual number of suspensions ("this wasn\'t me", duress, integrity): possible attack.',
    period: Duration.minutes(15),
    threshold: 10,
  },
  {
    metric: 'LoginLockout',
    description: 'A3: many login lockouts: credential stuffing or a password-spraying run.',
    period: Duration.minutes(5),
    threshold: 50,
  },
  {
    metric: 'DuressLogin',
    description: 'A5: a duress password was used: a user may be under coercion. Treat as an emergency.',
    period: Duration.minutes(1),
    threshold: 1,
  },
  {
    metric: 'WithdrawalBlocked',
    description:
      'C3: the withdrawal screening blocked a withdrawal (sanctioned destination, takeover chain, suspended account). Review it.',
    period: Duration.minutes(5),
    threshold: 1,
  },
  {
    metric: 'BreachDeadlineNear',
    description:
      'F6: a breach notification deadline (GDPR Art. 33/34, DORA) is near and its report is not filed. File it and record the filing.',
    period: Duration.minutes(5),
    threshold: 1,
  },
  {
    metric: 'ScreeningWithoutLists',
    description:
      'F2: customers are being signed up without screening: no version of any screened list is loaded (a fresh ' +
      'deployment). Load the lists (docs/screening.md); the first load re-screens everyone in the roster.',
    period: Duration.minutes(5),
    threshold: 1,
  },
  {
    metric: 'LoginRiskBlocked',
    description:
      'G1: logins with the right password were blocked by the login-risk model (owners emailed). A burst means ' +
      'credential stuffing with working passwords, or bands set too tight (docs/login-risk.md).',
    period: Duration.minutes(15),
    threshold: 20,
  },
  {
    metric: 'LoginRiskUnavailable',
    description:
      'G1: the LoginRisk table could not be read or written; logins fall back to the fixed rules (more proof ' +
      "asked, never less). Check the table, its key and the login functions' grants.",
    period: Duration.minutes(5),
    threshold: 5,
  },
  {
    metric: 'BreachedPasswordCheckUnavailable',
    description:
      'X3: Have I Been Pwned did not answer the breached-password check in time; new passwords are accepted ' +
      'without it (fail open; the strength check still applies). Check egress to api.pwnedpasswords.com and its status.',
    period: Duration.minutes(15),
    threshold: 5,
  },
  {
    metric: 'BreachDeadlineMissed',
    description:
      'F6: a breach notification deadline passed without its report filed. File it now, with the reasons for the delay (Art. 33(1)).',
    period: Duration.minutes(5),
    threshold: 1,
  },
];

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Palisade: encrypts the security alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic with its own service principal.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'SecurityAlarms', {
      displayName: 'Palisade security alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy, and any topic policy replaces SNS's default one (which let the
    // account's own services publish): without this Allow, CloudWatch could not deliver a single alarm.
    // Only alarms of this account and Region may publish (aws:SourceArn / aws:SourceAccount: no confused deputy).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new cwActions.SnsAction(this.topic);

    for (const spec of SECURITY_ALARMS) {
      const metric = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: SecurityMetric[spec.metric],
        // Powertools adds the service dimension to every metric it emits.
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: spec.period,
      });
      this.add(`${spec.metric}Alarm`, metric, spec.threshold, spec.description, action);
    }
    for (const [name, machine] of props.stateMachines) {
      this.add(
        `${name}-failed`,
        machine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        1,
        `Workflow ${name}: an execution failed; the action it carries did not complete.`,
        action,
      );
    }
    if (props.outboxSweeper) this.addOutbox(props.outboxSweeper, action);
    if (props.mailFailures) {
      this.add(
        'QueuedMailFailed',
        props.mailFailures.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        1,
        'A login email (code, device link, login notice, alert) failed three runs of the user-mail function, ' +
          'or waited an hour: its event is in the QueuedMail failures queue. See the function’s log, then ' +
          'purge the queue (it holds codes and links).',
        action,
      );
    }
    if (props.checkpointWriter) {
      const writer = props.checkpointWriter;
      this.add(
        'AuditCheckpointFailed',
        writer.metricErrors({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
        1,
        'D3: the audit checkpoint writer failed: the audit chain no longer matches its latest checkpoint ' +
          "(see IntegrityFailure and its log), or the chain's tail is not being anchored. Investigate now.",
        action,
      );
      const silent = new cloudwatch.Alarm(this, 'AuditCheckpointSilent', {
        metric: writer.metricInvocations({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription:
          'D3: the audit checkpoint writer has not run for 15 minutes (its schedule disabled?): the audit ' +
          "chain's unanchored tail keeps growing.",
      });
      silent.addAlarmAction(action);
      this.alarms.push(silent);
    }
  }

  private addOutbox(sweeper: lambda.IFunction, action: cloudwatch.IAlarmAction): void {
    this.add(
      'OutboxSweeperFailed',
      sweeper.metricErrors({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
      3,
      'The outbox sweeper keeps failing: audit records, emails or workflow starts that requests wrote are ' +
        'not being completed (a forged outbox entry stops it: see IntegrityFailure).',
      action,
    );
    this.add(
      'OutboxStuck',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: OutboxMetric.Stuck,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(15),
      }),
      1,
      `An outbox entry failed ${OUTBOX_STUCK_ATTEMPTS} sweeps in a row: a follow-up step (audit record, ` +
        'email, workflow start) cannot be completed. Its log line names the entry and the step.',
      action,
    );
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    action: cloudwatch.IAlarmAction,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
