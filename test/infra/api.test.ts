// Infra tests of the API: every catalogue route exists, user routes (and only they) sit behind the uncached
// TOKEN authorizer, every method is validated, gateway errors are JSON, the stage is logged and traced, and
// the WAF web ACL guards the stage with the rate rule and the geo block from context.
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match, Template as Templates } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ADMIN_AUTHORIZER, ROUTES, type RouteSpec, USER_AUTHORIZER } from '../../lambdas/catalogue.js';
import { PUBLIC_URL_VARIABLE } from '../../lambdas/kernel/http.js';
import { Api, STAGE_NAME } from '../../lib/api.js';
import { readDeployConfig } from '../../lib/config.js';
import {
  bodySizeStatement,
  DEFAULT_MAX_BODY_BYTES,
  formBodyStatement,
  inspectionLimit,
} from '../../lib/firewall.js';
import { Logging } from '../../lib/logging.js';
import {
  apiRefToArn,
  getAttArn,
  logicalId,
  ref,
  type Synthesised,
  sharedSynth,
  synthPalisade,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

/** Full path of every API Gateway resource, rebuilt from the template's parent links. */
function resourcePaths(template: Template): Map<string, string> {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const props = resources[id]?.Properties;
    const parent = props.ParentId.Ref as string | undefined;
    const full = `${parent ? pathOf(parent) : ''}/${props.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

function methodOf(template: Template, method: string, path: string) {
  const paths = resourcePaths(template);
  const found = Object.entries(template.findResources('AWS::ApiGateway::Method')).filter(
    ([, m]) => m.Properties.HttpMethod === method && paths.get(m.Properties.ResourceId.Ref) === path,
  );
  expect(found, `${method} ${path}`).toHaveLength(1);
  return found[0]?.[1].Properties;
}

describe('routes', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'E5 D1 %s has the user authorizer exactly when its catalogue auth is user, the admin one when admin',
    (_name, route) => {
      const authorizerId = logicalId(s.primary.api.authorizer);
      const adminAuthorizerId = logicalId(s.primary.api.adminAuthorizer);
      const method = methodOf(s.apiTemplate, route.method, route.path);
      if (route.auth === 'user') {
        expect(method.AuthorizationType).toBe('CUSTOM');
        expect(method.AuthorizerId).toEqual({ Ref: authorizerId });
      } else if (route.auth === 'admin') {
        expect(route.path.startsWith('/v1/admin/')).toBe(true);
        expect(method.AuthorizationType).toBe('CUSTOM');
        expect(method.AuthorizerId).toEqual({ Ref: adminAuthorizerId });
      } else {
        expect(method.AuthorizationType).toBe('NONE');
        expect(method.AuthorizerId).toBeUndefined();
      }
      // The route's own function serves it, through the Lambda proxy integration.
      const fn = s.primary.routeFunctions.get(route.id);
      if (!fn) throw new Error(`no function for ${route.id}`);
      expect(method.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Integration.Uri)).toContain(JSON.stringify(apiRefToArn(s, fn.fn)));
    },
  );

  it('E5 the user authorizer is a TOKEN authorizer on the Authorization header with caching off', () => {
    const fn = s.primary.authorizerFunction;
    expect(fn.spec).toBe(USER_AUTHORIZER);
    s.apiTemplate.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([apiRefToArn(s, fn.fn)])]),
      }),
    });
    s.apiTemplate.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
  });

  it('D1 the admin authorizer is its own uncached TOKEN authorizer on the admin pool', () => {
    const fn = s.primary.adminAuthorizerFunction;
    expect(fn.spec).toBe(ADMIN_AUTHORIZER);
    expect(fn.fn).not.toBe(s.primary.authorizerFunction.fn);
    s.apiTemplate.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([apiRefToArn(s, fn.fn)])]),
      }),
    });
    // Both pools are named to every function; the admin authorizer verifies against the admin pool's.
    s.merged.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ADMIN_POOL_ID: ref(s.primary.identity.adminPool),
          ADMIN_POOL_CLIENT_ID: ref(s.primary.identity.adminPoolClient),
        }),
      },
    });
    expect(ROUTES.some((r) => r.auth === 'admin')).toBe(true);
  });

  it('E5 every method has the request validator checking body and parameters', () => {
    const validators = s.apiTemplate.findResources('AWS::ApiGateway::RequestValidator', {
      Properties: { ValidateRequestBody: true, ValidateRequestParameters: true },
    });
    const [validatorId] = Object.keys(validators);
    const methods = Object.values(s.apiTemplate.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(ROUTES.length);
    for (const m of methods) expect(m.Properties.RequestValidatorId).toEqual({ Ref: validatorId });
  });

  it.each([
    ['UNAUTHORIZED', '401', 'UNAUTHORIZED'],
    ['ACCESS_DENIED', '403', 'FORBIDDEN'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ['BAD_REQUEST_BODY', '400', 'VALIDATION_FAILED'],
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['DEFAULT_4XX', '400', 'BAD_REQUEST'],
    ['DEFAULT_5XX', '500', 'INTERNAL_ERROR'],
  ])('E5 gateway response %s answers %s with a JSON error body %s', (type, status, code) => {
    const responses = s.apiTemplate.findResources('AWS::ApiGateway::GatewayResponse', {
      Properties: { ResponseType: type },
    });
    const props = Object.values(responses)[0]?.Properties;
    expect(props.StatusCode).toBe(status);
    const body = JSON.parse(props.ResponseTemplates['application/json']);
    expect(body).toEqual({ error: { code, message: expect.any(String), requestId: '$context.requestId' } });
  });
});

/** The API construct alone, with one route whose body schema the caller chooses: the deployment's logical id. */
function deploymentIdWith(body: z.ZodMiniType): string {
  const stack = new Stack(new App(), 'ApiOnly', { env: { region: 'eu-west-1' } });
  const stub = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
  const route: RouteSpec = {
    id: 'SetThing',
    method: 'PUT',
    path: '/v1/thing',
    auth: 'user',
    entry: 'lambdas/none.ts',
    summary: 'a route of the test',
    tag: 'test',
    body,
    response: z.object({}),
    status: 200,
    access: [],
  };
  // Each authorizer must guard a route to synthesise.
  const adminRoute: RouteSpec = {
    ...route,
    id: 'AdminThing',
    method: 'GET',
    path: '/v1/admin/thing',
    auth: 'admin',
    admin: { permission: 'session' },
    body: undefined,
  };
  new Api(stack, 'Api', {
    routes: [
      { route, handler: stub('Handler') },
      { route: adminRoute, handler: stub('AdminHandler') },
    ],
    authorizer: stub('Authorizer'),
    adminAuthorizer: stub('AdminAuthorizer'),
    logging: new Logging(stack, 'Logging'),
  });
  const ids = Object.keys(Templates.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('deployment', () => {
  it("E5 a changed body schema changes the deployment's logical id, so the live stage gets the new model", () => {
    const before = deploymentIdWith(z.object({ name: z.string().check(z.maxLength(64)) }));
    expect(deploymentIdWith(z.object({ name: z.string().check(z.maxLength(64)) }))).toBe(before);
    expect(deploymentIdWith(z.object({ name: z.string().check(z.maxLength(32)) }))).not.toBe(before);
    expect(deploymentIdWith(z.object({ name: z.string(), extra: z.optional(z.boolean()) }))).not.toBe(before);
  });

  it('E5 every body model of the catalogue is in the deployment of the live stage', () => {
    const deployments = s.apiTemplate.findResources('AWS::ApiGateway::Deployment');
    expect(Object.keys(deployments)).toHaveLength(1);
    const models = s.apiTemplate.findResources('AWS::ApiGateway::Model');
    expect(Object.keys(models)).toHaveLength(ROUTES.filter((r) => r.body).length);
  });
});

describe('stage', () => {
  it('I1 the stage writes JSON access logs, traces with X-Ray, logs errors and throttles', () => {
    const stage = Object.values(s.apiTemplate.findResources('AWS::ApiGateway::Stage'))[0]?.Properties;
    expect(stage.TracingEnabled).toBe(true);
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', ip: '$context.identity.sourceIp' });
    expect(JSON.stringify(stage.AccessLogSetting.DestinationArn)).toContain(
      logicalId(s.primary.api.node.findChild('AccessLogs')),
    );
    expect(stage.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: expect.any(Number),
          ThrottlingBurstLimit: expect.any(Number),
        }),
      ]),
    );
  });

  it('E3 the API is regional and refuses TLS below 1.2', () => {
    s.apiTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
  });
});

const webAclOf = (template: Template) =>
  Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]?.Properties;

describe('WAF', () => {
  it('A3 the web ACL is associated with the API stage and has a per-IP rate rule and the managed groups', () => {
    s.apiTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: getAttArn(s.primary.firewall.webAcl),
      ResourceArn: Match.objectLike({
        'Fn::Join': Match.arrayWith([
          Match.arrayWith([ref(s.primary.api.api), ref(s.primary.api.api.deploymentStage)]),
        ]),
      }),
    });
    const acl = webAclOf(s.apiTemplate);
    expect(acl.Scope).toBe('REGIONAL');
    const rules = acl.Rules as { Statement: Record<string, { Name?: string; AggregateKeyType?: string }> }[];
    expect(rules.some((r) => r.Statement.RateBasedStatement?.AggregateKeyType === 'IP')).toBe(true);
    const managed = rules.map((r) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean);
    expect(managed).toEqual(
      expect.arrayContaining([
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesAmazonIpReputationList',
      ]),
    );
  });

  it('F4 the geo block lists the restricted countries of the default settings', () => {
    const acl = webAclOf(s.apiTemplate);
    const geo = acl.Rules.find(
      (r: { Statement: { GeoMatchStatement?: unknown } }) => r.Statement.GeoMatchStatement,
    );
    expect(geo.Statement.GeoMatchStatement.CountryCodes).toEqual(s.config.settings.restrictedCountries);
    expect(geo.Action).toHaveProperty('Block');
  });

  it('I1 WAF logs go to an encrypted aws-waf-logs- group, with tokens and cookies redacted', () => {
    const group = s.primary.firewall.logGroup;
    s.apiTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^aws-waf-logs-')])] },
      KmsKeyId: apiRefToArn(s, s.primary.logging.key),
    });
    s.apiTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: getAttArn(s.primary.firewall.webAcl),
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
    expect(logicalId(group)).toBeTruthy();
  });
});

describe('WAF body sizes', () => {
  const ruleNamed = (name: string) =>
    webAclOf(s.apiTemplate).Rules.find((r: { Name: string }) => r.Name === name);
  const byteMatch = (method: string) => ({
    ByteMatchStatement: {
      FieldToMatch: { Method: {} },
      PositionalConstraint: 'EXACTLY',
      SearchString: method,
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  });
  const pathMatch = (regex: string) => ({
    RegexMatchStatement: {
      FieldToMatch: { UriPath: {} },
      RegexString: regex,
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  });
  const larger = (size: number) => ({
    SizeConstraintStatement: {
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      ComparisonOperator: 'GT',
      Size: size,
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  });
  const pgpKey = { And: [byteMatch('PUT'), pathMatch('^(/live)?/v1/me/pgp-key/?$')] };

  it('B3 the common rule set only counts SizeRestrictions_BODY; every other rule of it still blocks', () => {
    const common = ruleNamed('AWSManagedRulesCommonRuleSet');
    expect(common.OverrideAction).toEqual({ None: {} });
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(common.Statement.ManagedRuleGroupStatement.ScopeDownStatement).toBeUndefined();
  });

  it('B3 bodies over 8 KiB are blocked (413) on every route but PUT /v1/me/pgp-key, which may send 16 KiB', () => {
    const rule = ruleNamed('BodySizeLimits');
    expect(rule.Action).toEqual({
      Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'payloadTooLarge' } },
    });
    const {
      And: [pgpMethod, pgpPath],
    } = pgpKey;
    expect(rule.Statement).toEqual({
      OrStatement: {
        Statements: [
          {
            AndStatement: {
              Statements: [
                { NotStatement: { Statement: { AndStatement: { Statements: [pgpMethod, pgpPath] } } } },
                larger(DEFAULT_MAX_BODY_BYTES),
              ],
            },
          },
          {
            AndStatement: {
              Statements: [{ AndStatement: { Statements: [pgpMethod, pgpPath] } }, larger(16 * 1024)],
            },
          },
        ],
      },
    });
    // API Gateway forwards 16 KiB of a body to WAF (the free default), enough to see past either limit.
    expect(webAclOf(s.apiTemplate).AssociationConfig).toEqual({
      RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_16' } },
    });
  });

  it('B3 the large-body routes are the catalogue routes that declare maxBodyBytes', () => {
    expect(ROUTES.filter((r) => r.maxBodyBytes !== undefined).map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /v1/me/pgp-key',
    ]);
  });

  it('B3 a further large-body route (e.g. KYC metadata) gets its own limit and widens the inspection', () => {
    const routes = [
      { method: 'PUT', path: '/v1/me/pgp-key', maxBodyBytes: 16 * 1024 },
      { method: 'POST', path: '/v1/me/kyc/{caseId}/metadata', maxBodyBytes: 40 * 1024 },
    ];
    const statement = bodySizeStatement(routes, STAGE_NAME) as {
      orStatement: { statements: { andStatement: { statements: unknown[] } }[] };
    };
    const kyc = statement.orStatement.statements[2] as { andStatement: { statements: unknown[] } };
    expect(kyc.andStatement.statements[1]).toMatchObject({ sizeConstraintStatement: { size: 40 * 1024 } });
    expect(JSON.stringify(kyc)).toContain('^(/live)?/v1/me/kyc/[^/]+/metadata/?$');
    expect(inspectionLimit(routes)).toBe('KB_48');
    expect(() => inspectionLimit([{ method: 'PUT', path: '/x', maxBodyBytes: 65 * 1024 }])).toThrow(/64 KiB/);
    // No large-body route: one size rule for all.
    expect(bodySizeStatement([], STAGE_NAME)).toEqual({
      sizeConstraintStatement: expect.objectContaining({ size: DEFAULT_MAX_BODY_BYTES }),
    });
  });
});

describe('WAF form bodies', () => {
  it('A4 A7 C1 a form body (the link page button) is refused with 415 on every route but the links’ actions', () => {
    const rule = webAclOf(s.apiTemplate).Rules.find(
      (r: { Name: string }) => r.Name === 'FormBodiesOnLinkActionsOnly',
    );
    expect(rule.Action).toEqual({
      Block: { CustomResponse: { ResponseCode: 415, CustomResponseBodyKey: 'unsupportedMediaType' } },
    });
    const actions = ROUTES.filter((r) => r.link === 'action').map((r) => `${r.method} ${r.path}`);
    expect(actions.sort()).toEqual([
      'POST /v1/addresses/confirm',
      'POST /v1/auth/device-links',
      'POST /v1/auth/suspend',
    ]);
    const [form, not] = rule.Statement.AndStatement.Statements;
    expect(form).toEqual({
      ByteMatchStatement: {
        FieldToMatch: { SingleHeader: { Name: 'content-type' } },
        PositionalConstraint: 'CONTAINS',
        SearchString: 'x-www-form-urlencoded',
        TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
      },
    });
    const allowed = JSON.stringify(not.NotStatement.Statement);
    for (const path of ['/v1/addresses/confirm', '/v1/auth/device-links', '/v1/auth/suspend']) {
      expect(allowed).toContain(`^(/live)?${path}/?$`);
    }
    expect(allowed.match(/"SearchString":"POST"/g)).toHaveLength(3);
    // Without link routes, no route takes a form.
    expect(formBodyStatement([], STAGE_NAME)).toMatchObject({
      byteMatchStatement: { searchString: 'x-www-form-urlencoded' },
    });
  });
});

describe('public base URL', () => {
  const stageVariables = (t: Template) =>
    Object.values(t.findResources('AWS::ApiGateway::Stage'))[0]?.Properties.Variables as Record<
      string,
      unknown
    >;

  it("A4 A7 C1 links point at the stage's own execute-api URL by default, handed over as a stage variable", () => {
    const variable = stageVariables(s.apiTemplate)[PUBLIC_URL_VARIABLE];
    const text = JSON.stringify(variable);
    expect(text).toContain('https://');
    expect(text).toContain('.execute-api.');
    expect(text).toContain(`/${STAGE_NAME}`);
    expect(text).toContain(logicalId(s.primary.api.api));
  });

  it('A4 A7 C1 the publicBaseUrl setting (a custom domain) replaces it; a non-https or query URL is refused', () => {
    const custom = synthPalisade({ publicBaseUrl: 'https://api.exchange.example/' });
    try {
      expect(stageVariables(custom.apiTemplate)).toEqual({
        [PUBLIC_URL_VARIABLE]: 'https://api.exchange.example',
      });
    } finally {
      custom.cleanup();
    }
    const config = (publicBaseUrl: string) =>
      readDeployConfig({ tryGetContext: (k) => ({ publicBaseUrl })[k] });
    expect(() => config('http://api.exchange.example')).toThrow(/publicBaseUrl: links must be https/);
    expect(() => config('https://api.exchange.example/?x=1')).toThrow(/publicBaseUrl: no query/);
    expect(() => config('https://user:pw@api.exchange.example')).toThrow(/publicBaseUrl/);
  }, 120_000);
});

describe('context', () => {
  it('F4 restrictedCountries from CDK context (a -c comma list) becomes the geo block; B2 holdHours reaches the Lambdas', () => {
    const custom = synthPalisade({ restrictedCountries: 'KP,RU', holdHours: '48' });
    try {
      const acl = webAclOf(custom.apiTemplate);
      const geo = acl.Rules.find(
        (r: { Statement: { GeoMatchStatement?: unknown } }) => r.Statement.GeoMatchStatement,
      );
      expect(geo.Statement.GeoMatchStatement.CountryCodes).toEqual(['KP', 'RU']);
      const fn =
        custom.merged.findResources('AWS::Lambda::Function')[logicalId(custom.primary.authorizerFunction.fn)];
      const settings = JSON.parse(fn?.Properties.Environment.Variables.PALISADE_SETTINGS);
      expect(settings).toMatchObject({ holdHours: 48, restrictedCountries: ['KP', 'RU'] });
    } finally {
      custom.cleanup();
    }
  }, 120_000);

  it('F4 an empty restrictedCountries list removes the geo rule and keeps the others', () => {
    const custom = synthPalisade({ palisade: { restrictedCountries: [] } });
    try {
      const acl = webAclOf(custom.apiTemplate);
      expect(
        acl.Rules.some((r: { Statement: { GeoMatchStatement?: unknown } }) => r.Statement.GeoMatchStatement),
      ).toBe(false);
      expect(acl.Rules.length).toBe(6);
    } finally {
      custom.cleanup();
    }
  }, 120_000);
});

describe('size', () => {
  it('I2 the primary stack and each nested stack keep a margin under CloudFormation’s 500 resources', () => {
    const count = (t: Template) => Object.keys(t.toJSON().Resources ?? {}).length;
    // CloudFormation refuses a stack of more than 500 resources. The functions (role, policy, log group,
    // function: 4 resources each) live in nested stacks (docs/architecture.md, "Stack size"): the invoked
    // functions with the workflows (Internal) and the routes' functions by auth (PublicRoutes, UserRoutes,
    // AdminRoutes). The primary stack keeps the shared resources and a few functions; the margins leave room
    // to double the routes (a route adds 4 resources to its functions' stack and about 4 to Http).
    expect(count(s.template)).toBeLessThanOrEqual(300);
    const http = logicalId(s.primary.http.nestedStackResource as CfnElement);
    for (const [id, template] of s.nestedTemplates) {
      expect(count(template), id).toBeLessThanOrEqual(id === http ? 450 : 350);
    }
    const routeStacks = Object.values(s.primary.routeStacks);
    for (const stack of routeStacks) {
      const template = s.nestedTemplates.get(logicalId(stack.nestedStackResource as CfnElement));
      if (!template) throw new Error(`${stack.node.path} has no template`);
      expect(2 * count(template), `${stack.node.path}, its routes doubled`).toBeLessThanOrEqual(350);
    }
    expect(s.nestedTemplates.size).toBe(5);
  });
});
