// Encrypted CloudWatch log groups: one customer-managed key for every Palisade log group, and a factory that
// gives each group that key and a retention, so no log group is created unencrypted or kept forever.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LogGroupOptions {
  /**
   * A name, only where a service demands one (WAF wants `aws-waf-logs-` names); the group is retained, so the
   * name must not be fixed across creations of the stack (lib/names.ts).
   */
  logGroupName?: string;
  retention?: logs.RetentionDays;
}

export class Logging extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Palisade: encrypts CloudWatch log groups (functions, API access, WAF, workflows)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the caller-less service principal; the encryption context pins the key
    // to log groups of this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  logGroup(scope: Construct, id: string, options: LogGroupOptions = {}): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      encryptionKey: this.key,
      retention: options.retention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(options.logGroupName ? { logGroupName: options.logGroupName } : {}),
    });
  }
}
