// A stand-in for an AWS JSON-protocol service (KMS, Secrets Manager …) that answers from a script and records
// every request: its X-Amz-Target, its JSON body, its headers, and the verdict of an independent SigV4 verifier
// (recomputed from the raw request as the SigV4 documentation defines it, not with @smithy/signature-v4).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsTransport } from '../../lambdas/kernel/aws/signed-request.js';
import { type RawRequest, verifySigV4 as verifySigV4Of } from './sigv4.js';

export const STAND_IN_SECRET = 'stand-in-secret';
export const STAND_IN_KEY_ID = 'ASIASTANDIN';

/** 'ok', or what is wrong with the request's SigV4 header signature (test/support/sigv4.ts). */
export const verifySigV4 = (req: RawRequest, secret = STAND_IN_SECRET): string =>
  verifySigV4Of(req, { secret, signed: ['content-type', 'x-amz-target'] });

export interface ScriptedAnswer {
  status: number;
  /** An object is sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The X-Amz-Target. */
  target: string;
  /** The parsed JSON body. */
  input: Record<string, unknown>;
  verdict: string;
  /** The credential scope's service and Region. */
  scope: { region: string; service: string } | undefined;
}

/** A refusal as the JSON protocols send it (`__type` with the service's namespace, as KMS does). */
export const jsonError = (status: number, type: string, message = `${type} happened`): ScriptedAnswer => ({
  status,
  body: { __type: `com.amazonaws.example#${type}`, message },
});

export interface StandIn {
  url: string;
  seen: SeenRequest[];
  /** A transport to the stand-in (path `/base`), signed with its credentials, a 1 ms backoff. */
  transport: AwsTransport;
  close(): Promise<void>;
}

/** Starts a stand-in answering `answers` in order (then 200 `{}`); `answer` computes one from a request instead. */
export async function startStandIn(
  answers: ScriptedAnswer[] = [],
  answer?: (request: SeenRequest) => ScriptedAnswer | undefined,
): Promise<StandIn> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization));
    const request: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      target: String(req.headers['x-amz-target'] ?? ''),
      input: body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
      verdict: verifySigV4({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }),
      scope: scope ? { region: scope[1] as string, service: scope[2] as string } : undefined,
    };
    seen.push(request);
    const next = answers.shift() ?? answer?.(request) ?? { status: 200, body: {} };
    res.writeHead(next.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': `req-${seen.length}`,
      ...next.headers,
    });
    res.end(typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    transport: {
      region: 'eu-west-1',
      endpoint: new URL(`${url}/base`),
      credentials: async () => ({
        accessKeyId: STAND_IN_KEY_ID,
        secretAccessKey: STAND_IN_SECRET,
        sessionToken: 'stand-in-session',
      }),
      backoffMs: () => 1,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
