// The public REST API: regional, TLS 1.2+, access-logged, every method validated, user routes behind the
// TOKEN authorizer (never cached), API Gateway's own errors in Palisade's JSON error shape, and CORS for the
// configured web origins (a preflight per route resource, the headers on the gateway's own answers).
import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as z from 'zod/mini';
import type { RouteSpec } from '../lambdas/catalogue.js';
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS } from '../lambdas/kernel/cors.js';
import {
  CORS_EXPOSED_HEADERS,
  CORS_ORIGINS_VARIABLE,
  JSON_HEADERS,
  PUBLIC_URL_VARIABLE,
} from '../lambdas/kernel/http.js';
import type { Logging } from './logging.js';

export const STAGE_NAME = 'live';

export interface ApiRoute {
  route: RouteSpec;
  handler: lambda.IFunction;
}

export interface ApiProps {
  routes: readonly ApiRoute[];
  /** The TOKEN authorizer of every `auth: 'user'` route. */
  authorizer: lambda.IFunction;
  /** D1: the TOKEN authorizer of every `auth: 'admin'` route (admin pool tokens only). */
  adminAuthorizer: lambda.IFunction;
  logging: Logging;
  throttling?: { rateLimit: number; burstLimit: number };
  /**
   * A4/A7/C1: where emailed links point (the deploy setting `publicBaseUrl`, e.g. a custom domain); without it,
   * this stage's execute-api URL. Handed to every function as a stage variable, never taken from a request.
   */
  publicBaseUrl?: string;
  /**
   * CORS: the web origins allowed to read the answers (lib/config.ts checked them: exact, never `*`). Empty or
   * absent: no preflight route and no CORS header anywhere.
   */
  corsOrigins?: readonly string[];
}

/** API Gateway's own refusals, answered like the handlers answer (lambdas/kernel/errors.ts codes). */
const GATEWAY_ERRORS: readonly { type: apigw.ResponseType; status: number; code: string; message: string }[] =
  [
    { type: apigw.ResponseType.UNAUTHORIZED, status: 401, code: 'UNAUTHORIZED', message: 'Unauthorized' },
    { type: apigw.ResponseType.ACCESS_DENIED, status: 403, code: 'FORBIDDEN', message: 'Forbidden' },
    // Without IAM auth, API Gateway says "missing authentication token" for a route that does not exist.
    {
      type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      status: 404,
      code: 'NOT_FOUND',
      message: 'Route not found',
    },
    {
      type: apigw.ResponseType.BAD_REQUEST_BODY,
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid request body',
    },
    {
      type: apigw.ResponseType.BAD_REQUEST_PARAMETERS,
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid request parameters',
    },
    {
      type: apigw.ResponseType.REQUEST_TOO_LARGE,
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request too large',
    },
    {
      type: apigw.ResponseType.THROTTLED,
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many requests',
    },
    { type: apigw.ResponseType.WAF_FILTERED, status: 403, code: 'FORBIDDEN', message: 'Forbidden' },
    { type: apigw.ResponseType.DEFAULT_4XX, status: 400, code: 'BAD_REQUEST', message: 'Bad request' },
    { type: apigw.ResponseType.DEFAULT_5XX, status: 500, code: 'INTERNAL_ERROR', message: 'Internal error' },
  ];

/** The response headers of lambdas/kernel/http.ts, in API Gateway's quoted-literal form. */
const GATEWAY_HEADERS = Object.fromEntries(
  Object.entries(JSON_HEADERS)
    .filter(([name]) => name !== 'content-type')
    .map(([name, value]) => [name, `'${value}'`]),
);

/** API Gateway's throttle is a per-second token bucket: a second is the wait it asks for. */
const THROTTLE_RETRY_AFTER_SECONDS = 1;

/**
 * The CORS headers of API Gateway's own answers (401 of the authorizer, 404, 413, 429 …), which no function
 * writes. One allowed origin: that origin, literally. Several: a gateway response cannot choose among them, so
 * it names the request's Origin; that is safe here because these answers are generic (no account data, never
 * credentials), and a page of any other origin never gets a request with a token or a JSON body this far: its
 * preflight is refused (no Access-Control-Allow-Origin for it), so the browser does not send the request.
 */
export function gatewayCorsHeaders(origins: readonly string[]): Record<string, string> {
  if (origins.length === 0) return {};
  return {
    'Access-Control-Allow-Origin': origins.length === 1 ? `'${origins[0]}'` : 'method.request.header.origin',
    'Access-Control-Expose-Headers': `'${CORS_EXPOSED_HEADERS}'`,
    Vary: "'Origin'",
  };
}

export class Api extends Construct {
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.TokenAuthorizer;
  readonly adminAuthorizer: apigw.TokenAuthorizer;
  readonly validator: apigw.RequestValidator;
  readonly methods = new Map<string, apigw.Method>();
  /** The allowed web origins (CORS); empty: none. */
  readonly corsOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = props.logging.logGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const throttling = props.throttling ?? { rateLimit: 200, burstLimit: 400 };
    const corsOrigins = props.corsOrigins ?? [];
    this.corsOrigins = corsOrigins;

    this.api = new apigw.RestApi(this, 'RestApi', {
      description: 'Palisade: account security API of the exchange',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account-level role API Gateway needs to write execution logs (see the IAM4 acknowledgement).
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Never log request or response bodies: they carry personal data and tokens.
        dataTraceEnabled: false,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
        // The functions read it from the event (kernel/http.ts baseUrlOf). A stage variable, not a function
        // environment variable: the functions live in stacks this one refers to, and an API id there would be a
        // cycle.
        variables: {
          // CORS: the allowed origins reach every function (kernel/http.ts corsHeaders), as the base URL does.
          ...(corsOrigins.length > 0 ? { [CORS_ORIGINS_VARIABLE]: corsOrigins.join(',') } : {}),
          [PUBLIC_URL_VARIABLE]:
            props.publicBaseUrl ??
            Lazy.string({
              produce: () =>
                `https://${this.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${STAGE_NAME}`,
            }),
        },
      },
    });
    // E3: refuse TLS below 1.2 on the execute-api endpoint (it never speaks plain HTTP).
    (this.api.node.defaultChild as apigw.CfnRestApi).securityPolicy = 'TLS_1_2';
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-wide API Gateway logging role uses the AWS managed policy AWS documents for it: API ' +
        'Gateway creates its execution log groups itself, under names this stack does not control.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'User routes use a TOKEN Lambda authorizer that verifies the Cognito access token (aws-jwt-verify) and ' +
        'then checks the session and account state in DynamoDB, so a suspended user or a revoked session is ' +
        'refused on the next request; a COGNITO_USER_POOLS authorizer would accept them until the token expires.',
    });

    for (const error of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${error.type.responseType}`, {
        type: error.type,
        statusCode: String(error.status),
        responseHeaders: {
          ...GATEWAY_HEADERS,
          ...gatewayCorsHeaders(corsOrigins),
          ...(error.status === 429 ? { 'Retry-After': `'${THROTTLE_RETRY_AFTER_SECONDS}'` } : {}),
        },
        templates: {
          'application/json': JSON.stringify({
            error: { code: error.code, message: error.message, requestId: '$context.requestId' },
          }),
        },
      });
    }

    this.validator = new apigw.RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.authorizer = new apigw.TokenAuthorizer(this, 'UserAuthorizer', {
      handler: props.authorizer,
      identitySource: apigw.IdentitySource.header('Authorization'),
      // Malformed headers are refused by API Gateway without a Lambda invocation (same shape as authorize.ts).
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      // A suspension or a revoked session must take effect on the very next request.
      resultsCacheTtl: Duration.seconds(0),
    });
    // D1/D4: admin routes have their own authorizer (admin pool, tiers, directory), never cached either, so
    // an offboarded admin is refused on the next request; neither authorizer accepts the other pool's tokens.
    this.adminAuthorizer = new apigw.TokenAuthorizer(this, 'AdminAuthorizer', {
      handler: props.adminAuthorizer,
      identitySource: apigw.IdentitySource.header('Authorization'),
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      resultsCacheTtl: Duration.seconds(0),
    });

    for (const { route, handler } of props.routes) this.addRoute(route, handler);
    if (corsOrigins.length > 0) this.addPreflights(props.routes.map((r) => r.route));
  }

  /**
   * CORS preflight (OPTIONS) on every resource that has a route: a mock integration (no function runs) that
   * names the request's Origin when it is an allowed one (CDK's template picks it among several), the
   * resource's methods and the headers a client sends. A disallowed Origin gets no usable answer.
   */
  private addPreflights(routes: readonly RouteSpec[]): void {
    const methods = new Map<string, Set<string>>();
    for (const route of routes) {
      const set = methods.get(route.path) ?? new Set<string>();
      set.add(route.method);
      methods.set(route.path, set);
    }
    for (const [path, allowed] of methods) {
      const preflight = this.api.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: [...this.corsOrigins],
        allowMethods: [...allowed, 'OPTIONS'],
        allowHeaders: [...CORS_ALLOWED_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
        allowCredentials: false,
      });
      Validations.of(preflight).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `OPTIONS ${path} is the CORS preflight: browsers send it without credentials; it runs no function.`,
      });
      Validations.of(preflight).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `OPTIONS ${path} is the CORS preflight: browsers send it without a token; it runs no function.`,
      });
    }
  }

  private addRoute(route: RouteSpec, handler: lambda.IFunction): void {
    const resource = this.api.root.resourceForPath(route.path);
    const authorizer =
      route.auth === 'user' ? this.authorizer : route.auth === 'admin' ? this.adminAuthorizer : undefined;
    const method = resource.addMethod(
      route.method,
      new apigw.LambdaIntegration(handler, { proxy: true, allowTestInvoke: false }),
      {
        operationName: route.id,
        requestValidator: this.validator,
        ...(route.body ? { requestModels: { 'application/json': this.bodyModel(route) } } : {}),
        ...(authorizer
          ? { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }
          : { authorizationType: apigw.AuthorizationType.NONE }),
      },
    );
    if (!authorizer) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by design (catalogue auth: 'public'); WAF still applies.`,
      });
    }
    this.methods.set(route.id, method);
  }

  /** The route's zod body as a draft-4 JSON schema model, so API Gateway rejects bad bodies first. */
  private bodyModel(route: RouteSpec): apigw.IModel {
    if (!route.body) throw new Error(`Route ${route.id} has no body schema`);
    const { $schema: _ignored, ...schema } = z.toJSONSchema(route.body, {
      target: 'draft-04',
      io: 'input',
    }) as Record<string, unknown>;
    const document = { $schema: 'http://json-schema.org/draft-04/schema#', ...schema };
    const model = new apigw.CfnModel(this, `${route.id}Body`, {
      restApiId: this.api.restApiId,
      contentType: 'application/json',
      schema: document,
    });
    // A CfnModel is not part of the deployment's hash (the method only sees the model's name), so a changed
    // schema would reach the model but never the live stage. The schema in the deployment's logical id
    // makes CloudFormation create a new deployment whenever a body schema changes.
    this.api.latestDeployment?.addToLogicalId({ bodyModel: route.id, schema: document });
    return apigw.Model.fromModelName(this, `${route.id}BodyRef`, model.ref);
  }
}

const ACCESS_LOG_FIELDS = {
  requestId: apigw.AccessLogField.contextRequestId(),
  extendedRequestId: apigw.AccessLogField.contextExtendedRequestId(),
  requestTime: apigw.AccessLogField.contextRequestTimeEpoch(),
  ip: apigw.AccessLogField.contextIdentitySourceIp(),
  userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
  method: apigw.AccessLogField.contextHttpMethod(),
  resourcePath: apigw.AccessLogField.contextResourcePath(),
  status: apigw.AccessLogField.contextStatus(),
  protocol: apigw.AccessLogField.contextProtocol(),
  responseLength: apigw.AccessLogField.contextResponseLength(),
  responseLatency: apigw.AccessLogField.contextResponseLatency(),
  integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
  principalId: apigw.AccessLogField.contextAuthorizerPrincipalId(),
  authorizerStatus: apigw.AccessLogField.contextAuthorizeStatus(),
  authorizerError: apigw.AccessLogField.contextAuthorizeError(),
  errorType: apigw.AccessLogField.contextErrorResponseType(),
  wafStatus: apigw.AccessLogField.contextWafResponseCode(),
  tlsVersion: '$context.tlsVersion',
  cipherSuite: '$context.cipherSuite',
  xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
};
