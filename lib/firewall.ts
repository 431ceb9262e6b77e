// WAFv2 in front of the API stage: restricted countries (F4), a per-IP rate limit (A3), AWS managed rule
// groups, request body size limits per route, form bodies only on the emailed links' actions, and logs to an
// encrypted `aws-waf-logs-` group with the Authorization header redacted.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { STAGE_NAME } from './api.js';
import type { Logging } from './logging.js';
import { creationSuffix } from './names.js';

/** Requests per source IP per 5-minute window before WAF answers 429 (A3 bot shield, cloud side). */
export const RATE_LIMIT_PER_IP = 500;
/** What a 429 of the per-IP rule asks a client to wait (Retry-After, seconds). */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/** The body limit of every route that sets no `maxBodyBytes`: that of the managed SizeRestrictions_BODY rule. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024;

/** The body sizes API Gateway can forward to WAF for inspection (16 KiB is the default and costs nothing more). */
const INSPECTION_LIMITS = [
  { bytes: 16 * 1024, limit: 'KB_16' },
  { bytes: 32 * 1024, limit: 'KB_32' },
  { bytes: 48 * 1024, limit: 'KB_48' },
  { bytes: 64 * 1024, limit: 'KB_64' },
] as const;

/** A route that accepts a body above DEFAULT_MAX_BODY_BYTES (catalogue `maxBodyBytes`). */
export interface LargeBodyRoute {
  method: string;
  /** API Gateway path syntax: `/v1/me/pgp-key`, `/v1/things/{id}`. */
  path: string;
  maxBodyBytes: number;
}

/** A route by method and path (API Gateway path syntax). */
export interface RouteRef {
  method: string;
  path: string;
}

export interface FirewallProps {
  stage: apigw.Stage;
  /**
   * A4/A7/C1: the emailed links' action routes (catalogue `link: 'action'`), the only ones whose body may be
   * application/x-www-form-urlencoded (the link page's button); any other route gets a 415 for one.
   */
  formRoutes?: readonly RouteRef[];
  /** Routes whose bodies may exceed DEFAULT_MAX_BODY_BYTES, each up to its own limit. */
  largeBodyRoutes?: readonly LargeBodyRoute[];
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

const escapeRegex = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/**
 * Matches one route: its method and its path, with or without the stage prefix (the execute-api URL carries
 * `/<stage>`, a custom domain does not); a `{parameter}` is one path segment.
 */
function routeMatch(route: RouteRef, stageName: string): wafv2.CfnWebACL.StatementProperty {
  const path = route.path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : escapeRegex(part)))
    .join('');
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: route.method,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        {
          regexMatchStatement: {
            fieldToMatch: { uriPath: {} },
            regexString: `^(/${escapeRegex(stageName)})?${path}/?$`,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      ],
    },
  };
}

/** The body is larger than `bytes`; a body beyond what WAF was forwarded counts as larger (oversize MATCH). */
const bodyLargerThan = (bytes: number): wafv2.CfnWebACL.StatementProperty => ({
  sizeConstraintStatement: {
    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
    comparisonOperator: 'GT',
    size: bytes,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

const anyOf = (statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty =>
  statements.length === 1
    ? (statements[0] as wafv2.CfnWebACL.StatementProperty)
    : { orStatement: { statements } };

/**
 * The statement of the body size rule: a body above DEFAULT_MAX_BODY_BYTES on any route but the large-body
 * ones, or above its own limit on one of those. With no large-body route, the first alone.
 */
export function bodySizeStatement(
  routes: readonly LargeBodyRoute[],
  stageName: string,
): wafv2.CfnWebACL.StatementProperty {
  if (routes.length === 0) return bodyLargerThan(DEFAULT_MAX_BODY_BYTES);
  const matches = routes.map((route) => routeMatch(route, stageName));
  return anyOf([
    {
      andStatement: {
        statements: [{ notStatement: { statement: anyOf(matches) } }, bodyLargerThan(DEFAULT_MAX_BODY_BYTES)],
      },
    },
    ...routes.map((route, i) => ({
      andStatement: {
        statements: [matches[i] as wafv2.CfnWebACL.StatementProperty, bodyLargerThan(route.maxBodyBytes)],
      },
    })),
  ]);
}

/**
 * The statement of the form rule: a form content type (application/x-www-form-urlencoded) on any route but
 * the links' actions. Without such a route, on every route.
 */
export function formBodyStatement(
  routes: readonly RouteRef[],
  stageName: string,
): wafv2.CfnWebACL.StatementProperty {
  const form: wafv2.CfnWebACL.StatementProperty = {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'content-type' } },
      positionalConstraint: 'CONTAINS',
      searchString: 'x-www-form-urlencoded',
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
  if (routes.length === 0) return form;
  const allowed = anyOf(routes.map((route) => routeMatch(route, stageName)));
  return { andStatement: { statements: [form, { notStatement: { statement: allowed } }] } };
}

/** The smallest body inspection size that covers every route's limit. */
export function inspectionLimit(routes: readonly LargeBodyRoute[]): string {
  const largest = Math.max(DEFAULT_MAX_BODY_BYTES, ...routes.map((r) => r.maxBodyBytes));
  const fit = INSPECTION_LIMITS.find((l) => l.bytes >= largest);
  if (!fit) throw new Error(`A route accepts ${largest} bytes; WAF inspects at most 64 KiB of a body`);
  return fit.limit;
}

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
      // The rule counts requests over 5 minutes and lets an address through again within about a minute of its
      // rate falling; a minute is the wait a 429 of it asks for (every 429 carries Retry-After).
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: 'rateLimited',
            responseHeaders: [{ name: 'Retry-After', value: String(RATE_LIMIT_RETRY_AFTER_SECONDS) }],
          },
        },
      },
      visibilityConfig: visibility('RateLimitPerIp'),
    });
    for (const name of MANAGED_RULE_GROUPS) {
      rules.push({
        name,
        priority: rules.length,
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            // The common rule set blocks every body over 8 KiB, on every route. Its size rule only counts
            // here; BodySizeLimits below applies the same 8 KiB everywhere but on the routes that declare a
            // larger body (catalogue `maxBodyBytes`), which get their own limit instead.
            ...(name === 'AWSManagedRulesCommonRuleSet'
              ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
              : {}),
          },
        },
        overrideAction: { none: {} },
        visibilityConfig: visibility(name),
      });
    }
    const largeBodyRoutes = props.largeBodyRoutes ?? [];
    for (const route of largeBodyRoutes) {
      if (!(route.maxBodyBytes > DEFAULT_MAX_BODY_BYTES)) {
        throw new Error(
          `${route.method} ${route.path}: maxBodyBytes ${route.maxBodyBytes} is not above the default ${DEFAULT_MAX_BODY_BYTES}`,
        );
      }
    }
    rules.push({
      name: 'BodySizeLimits',
      priority: rules.length,
      statement: bodySizeStatement(largeBodyRoutes, STAGE_NAME),
      action: {
        block: { customResponse: { responseCode: 413, customResponseBodyKey: 'payloadTooLarge' } },
      },
      visibilityConfig: visibility('BodySizeLimits'),
    });

    rules.push({
      name: 'FormBodiesOnLinkActionsOnly',
      priority: rules.length,
      statement: formBodyStatement(props.formRoutes ?? [], STAGE_NAME),
      action: {
        block: { customResponse: { responseCode: 415, customResponseBodyKey: 'unsupportedMediaType' } },
      },
      visibilityConfig: visibility('FormBodiesOnLinkActionsOnly'),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description:
        'Palisade API: geo block, per-IP rate limit, AWS managed rules, body size limits per route, form bodies on link actions only',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('PalisadeWebAcl'),
      customResponseBodies: {
        forbidden: jsonError('FORBIDDEN', 'Forbidden'),
        rateLimited: jsonError('RATE_LIMITED', 'Too many requests'),
        payloadTooLarge: jsonError('PAYLOAD_TOO_LARGE', 'Request too large'),
        unsupportedMediaType: jsonError('UNSUPPORTED_MEDIA_TYPE', 'Request body must be application/json'),
      },
      // API Gateway forwards this much of a body to WAF; the size rule needs to see past each route's limit.
      associationConfig: {
        requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: inspectionLimit(largeBodyRoutes) } },
      },
      rules,
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups whose name starts with `aws-waf-logs-`. Named after the top-level stack
    // (a nested stack's own name is only known at deploy time) and the creation of this one (lib/names.ts),
    // so a redeploy after a destroy does not collide with the retained group.
    const stack = Stack.of(this);
    const logGroupName = `aws-waf-logs-${(stack.nestedStackParent ?? stack).stackName}-${creationSuffix(stack.stackId)}`;
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
