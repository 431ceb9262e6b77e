// Infra tests of CORS for web clients (issue 13): none by default; with `corsOrigins`, a preflight (OPTIONS)
// on every route's resource naming only allowed origins, the same headers on API Gateway's own answers, the
// origins handed to every function as a stage variable; never `*`, never credentials. And the throttle's 429.
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/catalogue.js';
import { CORS_ORIGINS_VARIABLE } from '../../lambdas/kernel/http.js';
import { readDeployConfig } from '../../lib/config.js';
import { type Synthesised, sharedSynth, synthPalisade } from './palisade-app.js';

const ORIGINS = ['https://app.exchange.example', 'http://localhost:5173'];

let plain: Synthesised;
let two: Synthesised;
let one: Synthesised;
beforeAll(() => {
  plain = sharedSynth();
  two = synthPalisade({ corsOrigins: ORIGINS.join(',') });
  one = synthPalisade({ palisade: { corsOrigins: [ORIGINS[0]] } });
}, 600_000);
afterAll(() => {
  two?.cleanup();
  one?.cleanup();
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

const optionsMethods = (template: Template) => {
  const paths = resourcePaths(template);
  return new Map(
    Object.values(template.findResources('AWS::ApiGateway::Method'))
      .filter((m) => m.Properties.HttpMethod === 'OPTIONS')
      .map((m) => [paths.get(m.Properties.ResourceId.Ref) as string, m.Properties]),
  );
};

const gatewayResponses = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);

const stageVariables = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]?.Properties.Variables as Record<
    string,
    unknown
  >;

describe('CORS', () => {
  it('E3 none by default: no OPTIONS method, no CORS header on gateway responses, no origins stage variable', () => {
    expect(optionsMethods(plain.apiTemplate).size).toBe(0);
    for (const response of gatewayResponses(plain.apiTemplate)) {
      expect(Object.keys(response.ResponseParameters ?? {}).join()).not.toMatch(/Access-Control/i);
    }
    expect(stageVariables(plain.apiTemplate)).not.toHaveProperty(CORS_ORIGINS_VARIABLE);
  });

  it('E3 with corsOrigins every route path answers a preflight: a mock naming only allowed origins, its methods, no credentials', () => {
    const options = optionsMethods(two.apiTemplate);
    const routePaths = [...new Set(ROUTES.map((r) => r.path))];
    expect([...options.keys()].sort()).toEqual(routePaths.sort());
    for (const [path, method] of options) {
      expect(method.AuthorizationType).toBe('NONE');
      expect(method.Integration.Type).toBe('MOCK');
      const [response] = method.Integration.IntegrationResponses;
      const headers = response.ResponseParameters as Record<string, string>;
      const allowMethods = headers['method.response.header.Access-Control-Allow-Methods'] as string;
      const expected = ROUTES.filter((r) => r.path === path).map((r) => r.method);
      expect(allowMethods.replace(/'/g, '').split(',').sort()).toEqual([...expected, 'OPTIONS'].sort());
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe(
        "'Authorization,Content-Type,Idempotency-Key'",
      );
      expect(headers).not.toHaveProperty('method.response.header.Access-Control-Allow-Credentials');
      const everything = JSON.stringify(method);
      expect(everything).not.toContain("'*'");
      // The first origin is the static answer (a browser of any other origin rejects it); the template answers
      // the request's Origin instead when it is one of the others.
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(`'${ORIGINS[0]}'`);
      const template = response.ResponseTemplates['application/json'] as string;
      for (const origin of ORIGINS.slice(1)) expect(template).toContain(`$origin == "${origin}"`);
    }
  });

  it('E3 every gateway response (401, 403, 404, 413, 429, 4XX, 5XX) carries CORS headers, never *', () => {
    for (const [synth, expected] of [
      [one, `'${ORIGINS[0]}'`],
      [two, 'method.request.header.origin'],
    ] as const) {
      const responses = gatewayResponses(synth.apiTemplate);
      expect(responses.length).toBeGreaterThanOrEqual(10);
      for (const response of responses) {
        const headers = response.ResponseParameters as Record<string, string>;
        expect(headers['gatewayresponse.header.Access-Control-Allow-Origin'], response.ResponseType).toBe(
          expected,
        );
        expect(headers['gatewayresponse.header.Vary']).toBe("'Origin'");
        expect(headers['gatewayresponse.header.Access-Control-Expose-Headers']).toContain('Retry-After');
        expect(JSON.stringify(headers)).not.toContain("'*'");
        expect(headers).not.toHaveProperty('gatewayresponse.header.Access-Control-Allow-Credentials');
      }
    }
  });

  it('E3 the allowed origins reach every function as the stage variable kernel/http.ts reads', () => {
    expect(stageVariables(two.apiTemplate)[CORS_ORIGINS_VARIABLE]).toBe(ORIGINS.join(','));
    expect(stageVariables(one.apiTemplate)[CORS_ORIGINS_VARIABLE]).toBe(ORIGINS[0]);
  });

  it('E3 a wildcard, a plain-http non-loopback or a path is refused at synth', () => {
    const config = (corsOrigins: unknown) => readDeployConfig({ tryGetContext: (k) => ({ corsOrigins })[k] });
    expect(() => config('*')).toThrow(/corsOrigins.*wildcard/);
    expect(() => config(['https://*.exchange.example'])).toThrow(/wildcard/);
    expect(() => config('http://app.exchange.example')).toThrow(/https/);
    expect(() => config('https://app.exchange.example/app')).toThrow(/no path/);
    expect(() => config('null')).toThrow(/corsOrigins/);
    expect(config('https://app.exchange.example, http://127.0.0.1:8080').infra.corsOrigins).toEqual([
      'https://app.exchange.example',
      'http://127.0.0.1:8080',
    ]);
  });
});

describe('rate limits', () => {
  it("A3 the throttle's and the firewall's 429 answer RATE_LIMITED with Retry-After", () => {
    const throttled = gatewayResponses(plain.apiTemplate).find((r) => r.ResponseType === 'THROTTLED');
    expect(throttled?.StatusCode).toBe('429');
    expect(throttled?.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
    expect(JSON.parse(throttled?.ResponseTemplates['application/json']).error.code).toBe('RATE_LIMITED');

    const acl = Object.values(plain.apiTemplate.findResources('AWS::WAFv2::WebACL'))[0]?.Properties;
    const rate = acl.Rules.find((r: { Name: string }) => r.Name === 'RateLimitPerIp');
    expect(rate.Action.Block.CustomResponse).toMatchObject({
      ResponseCode: 429,
      ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
    });
    expect(JSON.parse(acl.CustomResponseBodies.rateLimited.Content).error.code).toBe('RATE_LIMITED');
  });
});
