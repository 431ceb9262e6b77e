// Tests of the kernel's JSON-protocol AWS clients (lambdas/kernel/aws/json-api.ts and the service clients over
// it): an independent SigV4 verifier for awsJson requests, a recorder in front of a cloud-harness service
// emulation (what each call sent, and its signature's verdict), and a scripted stand-in server (throttling,
// faults, error documents the emulations do not produce).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsTransport } from '../../lambdas/kernel/aws/signed-request.js';
import { systemClock } from '../../lambdas/kernel/ports/clock.js';
import { LocalIdentityProvider } from '../../local/adapters/identity-provider.js';
import {
  Endpoint,
  type Gate,
  type IncomingCall,
  type Service,
  standalonePrincipal,
} from '../cloud/harness/endpoints.js';
import type { PolicyStatement } from '../cloud/harness/iam.js';
import { CognitoService } from '../cloud/harness/services/cognito.js';
import type { CloudModel, CloudPool } from '../cloud/harness/template.js';
import { verifySigV4 } from './sigv4.js';

export const TEST_SECRET = 'harness-secret';

/** Credentials of a caller whose access key is `ASIA<ID>` (the harness's attribution), signed with TEST_SECRET. */
export const testCredentials = (id: string) => async () => ({
  accessKeyId: `ASIA${id.toUpperCase()}`,
  secretAccessKey: TEST_SECRET,
  sessionToken: `session-${id}`,
});

/** A transport to `<base>/<id>/<service>` (the harness's addressing), no backoff to wait for. */
export const testTransport = (
  base: string,
  id: string,
  service: string,
  region = 'eu-west-1',
): AwsTransport => ({
  region,
  endpoint: new URL(`${base}/${id}/${service}`),
  credentials: testCredentials(id),
  backoffMs: () => 1,
});

/**
 * SigV4 of a header-signed request to a JSON-protocol service (test/support/sigv4.ts, independent of
 * @smithy/signature-v4): `ok`, `unsigned`, or what differs.
 */
export const verifySigV4Json = (
  req: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer },
  service: string,
  secret = TEST_SECRET,
): string =>
  verifySigV4(
    { method: req.method, url: req.path, headers: req.headers, body: req.body },
    { secret, service, signed: ['x-amz-target', 'content-type'] },
  );

export interface SeenCall {
  operation: string;
  target: string;
  contentType: string;
  input: Record<string, unknown>;
  /** The signature's verdict (verifySigV4Json). */
  signature: string;
  headers: IncomingMessage['headers'];
}

/**
 * A harness service emulation behind a recorder: each call's operation, input and signature verdict, before
 * the emulation answers it. The path signed is the transport's (`/<caller>/<service>`, no trailing slash).
 */
export function recorded(service: Service, signingName: string): { service: Service; seen: SeenCall[] } {
  const seen: SeenCall[] = [];
  return {
    seen,
    service: {
      protocol: service.protocol,
      handle: (call: IncomingCall, gate: Gate) => {
        seen.push({
          operation: call.operation,
          target: String(call.headers['x-amz-target'] ?? ''),
          contentType: String(call.headers['content-type'] ?? ''),
          input: JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown>,
          signature: verifySigV4Json(
            {
              method: call.method,
              path: `/${call.principal.id}/${call.service}${call.path === '/' ? '' : call.path}`,
              headers: call.headers,
              body: call.body,
            },
            signingName,
          ),
          headers: call.headers,
        });
        return service.handle(call, gate);
      },
    },
  };
}

export interface ScriptedAnswer {
  /** 0: the connection is cut before any answer (a reset). */
  status: number;
  /** A JSON error or answer document. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A stand-in JSON-protocol service answering from a script (200 `{}` once it runs out), recording each
 * request with its signature's verdict.
 */
export async function scriptedService(signingName: string, answers: ScriptedAnswer[]) {
  const seen: SeenCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    seen.push({
      operation: target.split('.').pop() ?? '',
      target,
      contentType: String(req.headers['content-type'] ?? ''),
      input: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>,
      signature: verifySigV4Json(
        { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body },
        signingName,
      ),
      headers: req.headers,
    });
    const answer = answers.shift() ?? { status: 200, body: {} };
    if (answer.status === 0) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `req-${seen.length}`,
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    transport: (id = 'Fn') => testTransport(url, id, signingName),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const POOL_REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

const poolOf = (name: string, refreshRotation: boolean): CloudPool => {
  const id = `${POOL_REGION}_${name}`;
  return {
    id,
    clientId: `${name.toLowerCase()}-client`,
    arn: `arn:aws:cognito-idp:${POOL_REGION}:${ACCOUNT}:userpool/${id}`,
    authFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    passwordPolicy: {
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
    },
    mfa: 'OPTIONAL',
    refreshRotation,
  };
};

/**
 * The cloud harness's Cognito emulation (test/cloud/harness/services/cognito.ts) over local directories in a
 * temporary folder, behind an enforcing endpoint: caller `Fn` may call the pool's Admin* operations, caller
 * `Stranger` nothing. Every call is recorded with its signature's verdict.
 */
export async function cognitoHarness(options: { refreshRotation?: boolean } = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), 'cognito-harness-'));
  const model = {
    deployment: { region: POOL_REGION, account: ACCOUNT, partition: 'aws', stackName: 'Palisade' },
    userPool: poolOf('UserPool', options.refreshRotation ?? true),
    adminPool: poolOf('AdminPool', true),
  } as unknown as CloudModel;
  // One directory serves both pools (the admin pool's is never called here): one token key to generate.
  const user = await LocalIdentityProvider.open(
    stateDir,
    { region: POOL_REGION, userPoolId: model.userPool.id, clientId: model.userPool.clientId },
    systemClock,
  );
  const { service, seen } = recorded(new CognitoService(model, user, user), 'cognito-idp');
  const principals: Record<string, PolicyStatement[]> = {
    Fn: [{ Effect: 'Allow', Action: 'cognito-idp:Admin*', Resource: model.userPool.arn }],
    Stranger: [],
  };
  const endpoint = new Endpoint({
    mode: 'enforce',
    principals: new Map(
      Object.entries(principals).map(([id, statements]) => [
        id,
        standalonePrincipal(id, statements, `ASIA${id.toUpperCase()}`),
      ]),
    ),
    services: { 'cognito-idp': service },
    account: ACCOUNT,
  });
  const url = await endpoint.start();
  return {
    pool: model.userPool,
    directory: user,
    seen,
    endpoint,
    transport: (id = 'Fn') => testTransport(url, id, 'cognito-idp', POOL_REGION),
    stop: async () => {
      await endpoint.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
