// The AWS endpoint of the harness: one loopback HTTP server every bundle's SDK clients are pointed at
// (`AWS_ENDPOINT_URL_<SERVICE>` = `http://127.0.0.1:<port>/<function id>/<service>`). Each request is
// attributed to its caller (the path, checked against the SigV4 credential the call was signed with),
// authorised against the caller's role (lib's statements as the template has them), recorded, and handed to
// the service emulation, which answers in the service's own protocol. A denied call is answered as AWS
// answers it (AccessDeniedException and friends) in `enforce` mode and let through in `record` mode.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthzRequest, type Decision, evaluate, type PolicyStatement } from './iam.js';

export type Protocol = 'json' | 'rest-json' | 'query' | 'rest-xml';

export interface Principal {
  /** The function id, or `StateMachine:<workflow>`. */
  id: string;
  roleName: string;
  roleArn: string;
  /** The session name in the assumed-role ARN: the function's name. */
  sessionName: string;
  statements: PolicyStatement[];
  accessKeyId?: string;
}

/** A principal for a test that stands an endpoint up alone: role `Palisade-<id>Role`, session `Palisade-<id>`. */
export const standalonePrincipal = (
  id: string,
  statements: PolicyStatement[],
  accessKeyId?: string,
): Principal => ({
  id,
  roleName: `Palisade-${id}Role`,
  roleArn: `arn:aws:iam::123456789012:role/Palisade-${id}Role`,
  sessionName: `Palisade-${id}`,
  statements,
  ...(accessKeyId ? { accessKeyId } : {}),
});

export interface Check {
  request: AuthzRequest;
  decision: Decision | 'not-iam';
  /** Why the service makes this check on the caller's behalf (an encrypted table's key, …). */
  implied?: string;
}

export interface CallRecord {
  seq: number;
  caller: string;
  service: string;
  operation: string;
  checks: Check[];
  /** The service's error answer, if any (`AccessDeniedException`, `ResourceNotFoundException`, …). */
  error?: string;
  /** The caller's environment (`<function>~<n>`), when the call came from a function's worker. */
  environment?: string;
  /** The invocation that environment was running when the call arrived (InvocationRecord.invocationId). */
  invocation?: string;
  /** performance.now() of the harness when the request arrived and when its answer was sent. */
  started?: number;
  ended?: number;
}

/**
 * The call being served, for what the service does on its behalf (a Lambda it invokes, the execution it
 * starts): its invocations and tasks are attributed to this call.
 */
export const servingCall = new AsyncLocalStorage<CallRecord>();

export type Violation =
  | { kind: 'denied'; caller: string; operation: string; check: Check; detail: string }
  | { kind: 'missing-variable'; caller: string; variable: string; detail: string }
  | { kind: 'init-failed'; caller: string; detail: string }
  | { kind: 'escaped'; caller: string; detail: string }
  | { kind: 'not-found'; caller: string; operation: string; detail: string }
  | { kind: 'bad-request'; caller: string; operation: string; detail: string };

export interface IncomingCall {
  principal: Principal;
  service: string;
  /** The path after `/<caller>/<service>`. */
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** `x-amz-target`'s operation (JSON protocols), else set by the service. */
  operation: string;
  record: CallRecord;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface Service {
  protocol: Protocol;
  handle(call: IncomingCall, gate: Gate): Promise<Answer>;
}

/** What a service asks of the endpoint: authorisation of the checks a call needs, recorded on the call. */
export interface Gate {
  /** True when every check is allowed (or in record mode); denials are recorded as violations. */
  authorize(call: IncomingCall, checks: Omit<Check, 'decision'>[]): boolean;
  /** Checks the service does not make against IAM (operations authorised by a user's access token). */
  notIam(call: IncomingCall, request: AuthzRequest, why: string): void;
  violation(v: Violation): void;
  deniedMessage(call: IncomingCall): string;
}

export function jsonAnswer(
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): Answer {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
}

/** An error answer in the caller's protocol, as the SDK's deserializers read it. */
export function errorAnswer(protocol: Protocol, status: number, type: string, message: string): Answer {
  if (protocol === 'rest-xml') {
    // S3's error document
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${type}</Code><Message>${escapeXml(message)}</Message><RequestId>harness</RequestId><HostId>harness</HostId></Error>`,
    };
  }
  if (protocol === 'query') {
    const code = type;
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>harness</RequestId></ErrorResponse>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify(
      protocol === 'json' ? { __type: type, message } : { Type: 'User', Message: message, message },
    ),
  };
}

export const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );

const ACCESS_DENIED: Record<string, { status: number; type: string }> = {
  json: { status: 400, type: 'AccessDeniedException' },
  'rest-json': { status: 403, type: 'AccessDeniedException' },
  query: { status: 403, type: 'AuthorizationError' },
  'rest-xml': { status: 403, type: 'AccessDenied' },
};

export interface EndpointOptions {
  mode: 'enforce' | 'record';
  principals: Map<string, Principal>;
  services: Record<string, Service>;
  account: string;
  /** The invocation a caller environment (`<function>~<n>`) is running now. */
  invocationOf?: (environment: string) => string | undefined;
}

export class Endpoint {
  readonly calls: CallRecord[] = [];
  readonly violations: Violation[] = [];
  /** Every `<service>` path segment a call arrived under, over the harness's life (not cleared by reset). */
  readonly servicesSeen = new Set<string>();
  private server?: Server;
  url = '';
  /**
   * The census (bench/census.ts): every answer is sent this long after its request arrived (no sooner; later
   * only if the emulation itself took longer). Longer than the emulation and the handlers' own work between
   * calls, it makes the requests' timing a function of their structure: calls a handler makes together
   * overlap, calls that wait on one another follow one another, whatever the machine's load.
   */
  minLatencyMs = 0;
  private seq = 0;

  constructor(private readonly options: EndpointOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end(
            JSON.stringify({ __type: 'InternalFailure', message: String((err as Error)?.stack ?? err) }),
          );
        }
      });
    });
    this.server.keepAliveTimeout = 0;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  readonly gate: Gate = {
    authorize: (call, checks) => {
      let allowed = true;
      for (const check of checks) {
        const decision = evaluate(call.principal.statements, check.request);
        const recorded: Check = { ...check, decision };
        call.record.checks.push(recorded);
        if (!decision.allowed) {
          allowed = false;
          this.violations.push({
            kind: 'denied',
            caller: call.principal.id,
            operation: `${call.service}:${call.operation}`,
            check: recorded,
            detail: `${call.principal.id} (role ${call.principal.roleName}) → ${check.request.action} on ${check.request.resource}${
              Object.keys(check.request.context).length ? ` ${JSON.stringify(check.request.context)}` : ''
            }${check.implied ? ` [${check.implied}]` : ''}: ${
              decision.reason === 'explicit-deny' ? 'explicitly denied' : 'no statement of the role allows it'
            }`,
          });
        }
      }
      return allowed || this.options.mode === 'record';
    },
    notIam: (call, request, why) => {
      call.record.checks.push({ request, decision: 'not-iam', implied: why });
    },
    violation: (v) => {
      this.violations.push(v);
    },
    deniedMessage: (call) => {
      const denied = call.record.checks.find((c) => c.decision !== 'not-iam' && !c.decision.allowed);
      const { account } = this.options;
      return `User: arn:aws:sts::${account}:assumed-role/${call.principal.roleName}/${call.principal.sessionName} is not authorized to perform: ${denied?.request.action} on resource: ${denied?.request.resource} because no identity-based policy allows the ${denied?.request.action} action`;
    },
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://harness');
    const arrived = performance.now();
    const [, callerSegment = '', serviceId = '', ...rest] = url.pathname.split('/');
    const environment = decodeURIComponent(callerSegment);
    const callerId = environment.replace(/~\d+$/, '');
    const principal = this.options.principals.get(callerId);
    const service = this.options.services[serviceId];
    const path = `/${rest.join('/')}${url.search}`;
    const target = String(req.headers['x-amz-target'] ?? '');
    this.servicesSeen.add(serviceId);
    const invocation = environment !== callerId ? this.options.invocationOf?.(environment) : undefined;
    const record: CallRecord = {
      seq: ++this.seq,
      caller: callerId,
      service: serviceId,
      operation: target.includes('.') ? (target.split('.').pop() as string) : `${req.method} ${path}`,
      checks: [],
      ...(environment !== callerId ? { environment } : {}),
      ...(invocation ? { invocation } : {}),
      started: arrived,
    };
    this.calls.push(record);
    const send = async (answer: Answer) => {
      const early = this.minLatencyMs - (performance.now() - arrived);
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      record.ended = performance.now();
      res.statusCode = answer.status;
      for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
      res.setHeader('x-amzn-requestid', `harness-${record.seq}`);
      res.end(answer.body);
    };
    if (!principal || !service) {
      this.violations.push({
        kind: 'escaped',
        caller: record.caller,
        detail: `a request to ${serviceId} ${path} reached no emulated service (${req.headers.host})`,
      });
      record.error = 'Escaped';
      return await send({
        status: 500,
        body: JSON.stringify({ message: `The harness refused ${req.headers.host}${path}` }),
      });
    }
    const call: IncomingCall = {
      principal,
      service: serviceId,
      path,
      method: req.method ?? 'GET',
      headers: req.headers,
      body,
      operation: record.operation,
      record,
    };
    // The SDK signs with the credentials it found: in a Lambda, the function's own role session (a presigned
    // URL carries them in its query string: whoever fetches it acts as the role that signed it).
    const credential =
      /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ??
      url.searchParams.get('X-Amz-Credential')?.split('/')[0];
    if (credential && principal.accessKeyId && credential !== principal.accessKeyId) {
      this.violations.push({
        kind: 'bad-request',
        caller: principal.id,
        operation: `${serviceId}:${record.operation}`,
        detail: `signed with ${credential}, not the function's role credentials`,
      });
    }
    const answer = await servingCall.run(record, () => service.handle(call, this.gate));
    call.record.operation = call.operation;
    const denied = call.record.checks.some((c) => c.decision !== 'not-iam' && !c.decision.allowed);
    if (denied && this.options.mode === 'enforce' && answer.status < 300) {
      // A service must not answer success for a denied call; this guards the emulations themselves.
      throw new Error(`${serviceId}:${call.operation} answered ${answer.status} to a denied call`);
    }
    if (answer.status >= 300) record.error = errorTypeOf(answer);
    await send(answer);
  }

  /** The AccessDenied answer of a service's protocol. */
  static denied(protocol: Protocol, gate: Gate, call: IncomingCall): Answer {
    const { status, type } = ACCESS_DENIED[protocol] as { status: number; type: string };
    return errorAnswer(protocol, status, type, gate.deniedMessage(call));
  }
}

function errorTypeOf(answer: Answer): string {
  const header = answer.headers?.['x-amzn-errortype'];
  if (header) return header;
  const text = String(answer.body);
  return (
    /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? /"__type":"([^"]+)"/.exec(text)?.[1] ?? `HTTP ${answer.status}`
  );
}
