// WAFv2 in front of the API stage: restricted countries (F4), a per-IP rate limit (A3), AWS managed rule
// groups, and logs to an encrypted `aws-waf-logs-` group with the Authorization header redacted.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { Logging } from './logging.js';

/** Requests per source IP per 5-minute window before WAF answers 429 (A3 bot shield, cloud side). */
export const RATE_LIMIT_PER_IP = 500;

const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export interface FirewallProps {
  stage: apigw.Stage;
  /** ISO 3166-1 alpha-2 codes from settings.restrictedCountries; empty means no geo rule. */
  restrictedCountries: readonly string[];
  logging: Logging;
  rateLimitPerIp?: number;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const jsonError = (code: string, message: string) => ({
  contentType: 'APPLICATION_JSON',
  content: JSON.stringify({ error: { code, message } }),
});

export class Firewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    if (props.restrictedCountries.length > 0) {
      rules.push({
        name: 'BlockRestrictedCountries',
        priority: rules.length,
        statement: { geoMatchStatement: { countryCodes: [...props.restrictedCountries] } },
        action: { block: { customResponse: { responseCode: 403, customResponseBodyKey: 'forbidden' } } },
        visibilityConfig: visibility('BlockRestrictedCountries'),
      });
    }
    rules.push({
      name: 'RateLimitPerIp',
      priority: rules.length,
      statement: {
        rateBasedStatement: {
          limit: props.rateLimitPerIp ?? RATE_LIMIT_PER_IP,
          aggregateKeyType: 'IP',
          evaluationWindowSec: 300,
        },
      },
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rateLimited' } } },
      visibilityConfig: visibility('RateLimitPerIp'),
    });
    for (const name of MANAGED_RULE_GROUPS) {
      rules.push({
        name,
        priority: rules.length,
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        overrideAction: { none: {} },
        visibilityConfig: visibility(name),
      });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Palisade API: geo block, per-IP rate limit, AWS managed rules',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('PalisadeWebAcl'),
      customResponseBodies: {
        forbidden: jsonError('FORBIDDEN', 'Forbidden'),
        rateLimited: jsonError('TOO_MANY_REQUESTS', 'Too many requests'),
      },
      rules,
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
    // Named after the top-level stack (a nested stack's own name is only known at deploy time).
    const stack = Stack.of(this);
    const logGroupName = `aws-waf-logs-${(stack.nestedStackParent ?? stack).stackName}`;
    this.logGroup = props.logging.logGroup(this, 'Logs', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix CloudFormation's Arn attribute carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Bearer tokens and cookies never reach the logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup);
  }
}
