// The cloud harness: the synthesised template made concrete, every function's production bundle run in
// worker threads with the template's environment, the AWS endpoint those bundles call (authorising each call
// against the caller's role and recording it), and the local gateway in front, invoking the bundles with API
// Gateway's events and authorizers. What the harness finds — a call the role does not allow, a variable the
// template does not set, a resource the template does not have — is a violation, named by function.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import {
  ADMIN_AUTHORIZER,
  type FunctionSpec,
  INVOKABLE,
  ROUTES,
  type RouteSpec,
  USER_AUTHORIZER,
} from '../../../lambdas/catalogue.js';
import { UNAUTHORIZED } from '../../../lambdas/kernel/errors.js';
import { systemClock } from '../../../lambdas/kernel/ports/clock.js';
import { ACCESS_ENV } from '../../../lambdas/kernel/runtime/access-env.js';
import { TABLES } from '../../../lambdas/kernel/tables.js';
import { ADMIN_TOKENS } from '../../../lambdas/kernel/token-lifetimes.js';
import { LocalIdentityProvider } from '../../../local/adapters/identity-provider.js';
import { LocalKeyService } from '../../../local/adapters/key-service.js';
import { LocalPgpKeySource } from '../../../local/adapters/pgp-key.js';
import { LocalSmsOutbox } from '../../../local/adapters/sms-outbox.js';
import { createGateway } from '../../../local/gateway.js';
import { LOCAL_ACCOUNT } from '../../../local/lambda-context.js';
import { close, listen, urlOf } from '../../../local/listen.js';
import { LOCAL_API_ID, LOCAL_STAGE } from '../../../local/proxy-event.js';
import { type LocalEmail, startSes } from '../../../local/ses.js';
import { productionBundles, REPO_ROOT, synthesisedTemplate, type TemplateVariant } from './cache.js';
import {
  type CallRecord,
  Endpoint,
  type IncomingCall,
  type Principal,
  type Service,
  type Violation,
} from './endpoints.js';
import { evaluate, type PolicyStatement } from './iam.js';
import { credentialsOf, type InvocationRecord, LambdaService } from './lambda-runtime.js';
import { CognitoService } from './services/cognito.js';
import { DynamoService } from './services/dynamodb.js';
import { KmsService } from './services/kms.js';
import { KycProviderService } from './services/kyc-provider.js';
import { LambdaInvokeService } from './services/lambda.js';
import {
  type QueuedMessage,
  SecretsService,
  SesService,
  SnsService,
  SqsService,
} from './services/messaging.js';
import { PwnedPasswordsService } from './services/pwned-passwords.js';
import { S3Service } from './services/s3.js';
import { StatesService } from './services/states.js';
import { type CloudFunction, type CloudModel, cloudModel } from './template.js';

export interface CloudHarnessOptions {
  variant: TemplateVariant;
  /** enforce: a denied call is refused as AWS refuses it. record: it goes through and is only reported. */
  mode?: 'enforce' | 'record';
}

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** Variables that name an INVOKABLE function, and the function: what diagnose mode fills in. */
const INVOKE_VARIABLES = new Map<string, string>(
  INVOKABLE.map((i) => [ACCESS_ENV[i.access][0] as string, i.spec.id]),
);

const MISSING = [
  /Missing environment variable\(s\) ([A-Z0-9_, ]+?) required by access/g,
  /Missing environment variable ([A-Z0-9_]+)/g,
  /Invalid Lambda environment: ([A-Z0-9_]+):/g,
];

export class CloudHarness {
  readonly invocations: InvocationRecord[] = [];
  private readonly stops: (() => Promise<void>)[] = [];
  /** Diagnose mode's additions to template environments, by function id. */
  readonly overrides = new Map<string, Record<string, string>>();
  url = '';
  lambda!: LambdaService;
  /** Function id → its production bundle (index.mjs). */
  bundles!: Map<string, string>;
  endpoint!: Endpoint;
  states!: StatesService;
  sms!: LocalSmsOutbox;
  sqs!: SqsService;
  s3!: S3Service;
  /** X3: the Pwned Passwords range API's stand-in (PWNED_PASSWORDS_URL). */
  readonly pwned = new PwnedPasswordsService();
  /** F1: the external KYC verification provider's stand-in (the calls it received). */
  readonly kycProvider = new KycProviderService();
  userDirectory!: LocalIdentityProvider;
  adminDirectory!: LocalIdentityProvider;
  private ses!: Awaited<ReturnType<typeof startSes>>;
  readonly timings: Record<string, number> = {};
  /** The emulated DynamoDB's URL, for a test that must shape the data outside IAM (a row missing, as an old one). */
  dynamoUrl = '';
  /**
   * Loopback source → the public address API Gateway reports for it (`requestContext.identity.sourceIp`), for
   * journeys that need a client somewhere in the world; no traffic leaves the machine.
   */
  readonly publicSources = new Map<string, string>();

  private constructor(
    readonly model: CloudModel,
    private readonly mode: 'enforce' | 'record',
  ) {}

  static async start(options: CloudHarnessOptions): Promise<CloudHarness> {
    let at = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      harness.timings[name] = Math.round(now - at);
      at = now;
    };
    const synthesised = await synthesisedTemplate(options.variant);
    const model = cloudModel(
      synthesised.template,
      { stackName: synthesised.stackName, region: synthesised.region },
      synthesised.nested,
    );
    const harness = new CloudHarness(model, options.mode ?? 'enforce');
    lap('template');
    try {
      await harness.boot();
      lap('boot');
    } catch (err) {
      await harness.stop();
      throw err;
    }
    return harness;
  }

  private async boot(): Promise<void> {
    const model = this.model;
    const bundles = await productionBundles(
      model.functions.map((f) => ({ id: f.id, entry: f.entry, access: [] })),
    );
    this.timings.bundlesBuiltSeconds = bundles.builtInSeconds;
    this.bundles = bundles.files;
    const stateDir = await mkdtemp(join(tmpdir(), 'palisade-cloud-'));
    this.stops.push(() => rm(stateDir, { recursive: true, force: true }));

    const dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const dynamoUrl = urlOf('127.0.0.1', await listen(dynamoServer, 0, '127.0.0.1'));
    this.stops.push(() => close(dynamoServer));
    await createTables(dynamoUrl, model);
    this.dynamoUrl = dynamoUrl;

    this.ses = await startSes(model.deployment.region);
    this.stops.push(() => this.ses.stop());

    const [keys, user, admin] = await Promise.all([
      LocalKeyService.open(stateDir),
      LocalIdentityProvider.open(
        stateDir,
        { region: model.deployment.region, userPoolId: model.userPool.id, clientId: model.userPool.clientId },
        systemClock,
      ),
      LocalIdentityProvider.open(
        stateDir,
        {
          region: model.deployment.region,
          userPoolId: model.adminPool.id,
          clientId: model.adminPool.clientId,
        },
        systemClock,
        { folder: 'admin-identity', lifetimes: ADMIN_TOKENS, mfaRequired: model.adminPool.mfa === 'ON' },
      ),
    ]);
    this.userDirectory = user;
    this.adminDirectory = admin;
    let pgp: Promise<LocalPgpKeySource> | undefined;

    const xray: Socket = createSocket('udp4');
    xray.on('message', () => undefined);
    await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
    this.stops.push(() => new Promise<void>((resolve) => xray.close(() => resolve())));

    const principals = new Map<string, Principal>();
    for (const fn of model.functions) {
      principals.set(fn.id, {
        id: fn.id,
        roleName: fn.roleName,
        roleArn: fn.roleArn,
        sessionName: fn.name,
        statements: fn.statements,
        accessKeyId: credentialsOf(fn).AWS_ACCESS_KEY_ID,
      });
    }
    const services: Record<string, Service> = {};
    this.endpoint = new Endpoint({
      mode: this.mode,
      principals,
      services,
      account: model.deployment.account,
      invocationOf: (environment) => this.lambda?.invocationOf(environment),
    });
    const endpointUrl = await this.endpoint.start();
    this.stops.push(() => this.endpoint.stop());

    this.lambda = new LambdaService({
      model,
      bundles: bundles.files,
      endpoint: endpointUrl,
      xrayDaemon: `127.0.0.1:${xray.address().port}`,
      overrides: this.overrides,
      onInvocation: (record) => this.onInvocation(record),
    });
    this.stops.push(() => this.lambda.stop());

    const cognito = new CognitoService(model, user, admin);
    this.sms = new LocalSmsOutbox(systemClock);
    this.sqs = new SqsService(model);
    this.s3 = new S3Service(model);
    this.states = new StatesService({
      model,
      lambda: this.lambda,
      repoRoot: REPO_ROOT,
      waitTimeMs: 0,
      retryIntervalMs: 0,
      authorizeTask: (machine, functionArn) => this.authorizeTask(machine, functionArn),
    });
    this.stops.push(() => this.states.stop());
    Object.assign(services, {
      dynamodb: new DynamoService(dynamoUrl, model),
      kms: new KmsService(keys, model),
      'cognito-idp': cognito,
      jwks: { protocol: 'rest-json', handle: async (call: IncomingCall) => cognito.jwks(call.path) },
      lambda: new LambdaInvokeService(this.lambda),
      states: this.states,
      sns: new SnsService(this.sms, model.deployment.region),
      sqs: this.sqs,
      secretsmanager: new SecretsService(model, () => {
        pgp ??= LocalPgpKeySource.open(stateDir, { clock: systemClock });
        return pgp;
      }),
      ses: new SesService(model, this.ses.url),
      s3: this.s3,
      pwnedpasswords: this.pwned,
      kycprovider: this.kycProvider,
    } satisfies Record<string, Service>);

    const api = this.apiRoutes();
    const gateway: Server = createGateway({
      routes: api.routes,
      authorizer: api.userAuthorizer,
      adminAuthorizer: api.adminAuthorizer,
      localRoutes: [],
      region: model.deployment.region,
      // The stage variable lib/api.ts sets: the execute-api URL, which here is the harness's own gateway.
      publicBaseUrl: () => this.url,
      invoke: (id, event, requestId) => this.invokeFromApi(id, event, requestId),
    });
    this.url = urlOf('127.0.0.1', await listen(gateway, 0, '127.0.0.1'));
    this.stops.push(() => close(gateway));
  }

  /**
   * The routes as the template's API has them: each catalogue route's method in the API, the function its
   * integration invokes and the authorizer it names. A route the API lacks, or integrates or authorises
   * otherwise than the catalogue says, is a violation; API Gateway serves what the template says.
   */
  private apiRoutes(): { routes: RouteSpec[]; userAuthorizer: FunctionSpec; adminAuthorizer: FunctionSpec } {
    const api = this.model.api;
    if (!api) throw new Error('The template has no REST API');
    const byArn = new Map(this.model.functions.map((f) => [f.arn, f]));
    const mismatch = (detail: string) =>
      this.endpoint.violations.push({
        kind: 'not-found',
        caller: 'ApiGateway',
        operation: 'apigateway:route',
        detail,
      });
    const routes: RouteSpec[] = [];
    for (const route of ROUTES) {
      const method = api.methods.find((m) => m.method === route.method && m.path === route.path);
      const fn = method && byArn.get(method.functionArn);
      if (!method || !fn) {
        mismatch(`${route.method} ${route.path} (${route.id}) is not a method of the template's API`);
        continue;
      }
      const authorizerFn = method.authorizer && byArn.get(method.authorizer.functionArn);
      const auth =
        method.authorization === 'NONE'
          ? 'public'
          : authorizerFn?.id === ADMIN_AUTHORIZER.id
            ? 'admin'
            : 'user';
      if (fn.id !== route.id) mismatch(`${route.method} ${route.path} invokes ${fn.id}, not ${route.id}`);
      if (auth !== route.auth)
        mismatch(`${route.method} ${route.path} is ${auth} in the API, ${route.auth} in the catalogue`);
      routes.push({ ...route, id: fn.id, auth } as RouteSpec);
    }
    const authorizerOf = (spec: FunctionSpec): FunctionSpec => {
      const found = api.authorizers.find((a) => byArn.get(a.functionArn)?.id === spec.id);
      if (!found) mismatch(`the API has no authorizer invoking ${spec.id}`);
      return {
        id: found ? (byArn.get(found.functionArn)?.id ?? spec.id) : spec.id,
        entry: spec.entry,
        access: [],
      };
    };
    return {
      routes,
      userAuthorizer: authorizerOf(USER_AUTHORIZER),
      adminAuthorizer: authorizerOf(ADMIN_AUTHORIZER),
    };
  }

  /**
   * API Gateway invoking a function: its permission (the function's resource policy, AWS::Lambda::Permission,
   * for this API's source ARN), the authorizer's identity validation, and the event as API Gateway makes it
   * for this API and stage (the local gateway builds it; the ids are the template's here).
   */
  private async invokeFromApi(id: string, event: unknown, requestId: string): Promise<unknown> {
    const fn = this.fn(id);
    const api = this.model.api as NonNullable<CloudModel['api']>;
    const { region, account } = this.model.deployment;
    const localPrefix = `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT}:${LOCAL_API_ID}/${LOCAL_STAGE}/`;
    const cloudPrefix = `arn:aws:execute-api:${region}:${account}:${api.apiId}/${api.stage}/`;
    const e = event as Record<string, unknown> & { requestContext?: Record<string, unknown> };
    let sourceArn: string;
    if (e.type === 'TOKEN') {
      const authorizer = api.authorizers.find((a) => a.functionArn === fn.arn);
      if (
        authorizer?.identityValidation &&
        !new RegExp(authorizer.identityValidation).test(String(e.authorizationToken))
      ) {
        // API Gateway answers 401 itself, without calling the authorizer.
        throw new Error(UNAUTHORIZED);
      }
      sourceArn = `arn:aws:execute-api:${region}:${account}:${api.apiId}/authorizers/${authorizer?.id ?? 'unknown'}`;
      e.methodArn = String(e.methodArn).replace(localPrefix, cloudPrefix);
    } else {
      const context = e.requestContext ?? {};
      // A loopback client placed at a public address (publicSources): the sourceIp API Gateway would see.
      const identity = context.identity as { sourceIp?: string } | undefined;
      const placed = identity?.sourceIp ? this.publicSources.get(identity.sourceIp) : undefined;
      if (placed) context.identity = { ...identity, sourceIp: placed };
      sourceArn = `${cloudPrefix}${String(e.httpMethod)}${String(e.path)}`;
      // domainName stays unset: links in emails lead back to the harness gateway, not to execute-api.
      e.requestContext = {
        ...context,
        accountId: account,
        apiId: api.apiId,
        stage: api.stage,
        path: `/${api.stage}${String(e.path)}`,
      };
    }
    if (!this.apiMayInvoke(fn, sourceArn)) throw new Error('Internal server error');
    const outcome = await this.lambda.invoke(fn, e, requestId, { kind: 'api', requestId });
    if (!outcome.ok) throw Object.assign(new Error(outcome.errorMessage), { name: outcome.errorType });
    // The local gateway evaluates the authorizer's policy against its own method ARNs.
    const payload =
      e.type === 'TOKEN' ? outcome.payload.split(cloudPrefix).join(localPrefix) : outcome.payload;
    return JSON.parse(payload);
  }

  /** The function's resource policy (its AWS::Lambda::Permission resources) allows API Gateway from this source. */
  apiMayInvoke(fn: CloudFunction, sourceArn: string): boolean {
    const statements: PolicyStatement[] = (this.model.api?.permissions ?? [])
      .filter((p) => p.functionArn === fn.arn && p.principal === 'apigateway.amazonaws.com')
      .map((p) => ({
        Effect: 'Allow',
        Action: p.action,
        Resource: p.functionArn,
        ...(p.sourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': p.sourceArn } } } : {}),
      }));
    const request = {
      action: 'lambda:InvokeFunction',
      resource: fn.arn,
      context: { 'aws:SourceArn': sourceArn },
    };
    const decision = evaluate(statements, request);
    this.endpoint.calls.push({
      seq: this.endpoint.calls.length + 1,
      caller: 'ApiGateway',
      service: 'lambda',
      operation: 'Invoke',
      checks: [{ request, decision, implied: `${fn.id}'s resource policy` }],
    });
    if (decision.allowed) return true;
    this.endpoint.violations.push({
      kind: 'denied',
      caller: 'ApiGateway',
      operation: 'lambda:Invoke',
      check: { request, decision },
      detail: `API Gateway → lambda:InvokeFunction on ${fn.id} from ${sourceArn}: no AWS::Lambda::Permission of the template allows it`,
    });
    return this.mode === 'record';
  }

  /** Step Functions invokes a task's function with the state machine's role. */
  private authorizeTask(machine: CloudModel['stateMachines'][number], functionArn: string): boolean {
    const request = { action: 'lambda:InvokeFunction', resource: functionArn, context: {} };
    const decision = evaluate(machine.statements, request);
    const record: CallRecord = {
      seq: this.endpoint.calls.length + 1,
      caller: `StateMachine:${machine.workflow}`,
      service: 'lambda',
      operation: 'Invoke',
      checks: [{ request, decision }],
    };
    this.endpoint.calls.push(record);
    if (decision.allowed) return true;
    this.endpoint.violations.push({
      kind: 'denied',
      caller: record.caller,
      operation: 'lambda:Invoke',
      check: record.checks[0] as CallRecord['checks'][number],
      detail: `state machine ${machine.workflow} (role ${machine.roleName}) → lambda:InvokeFunction on ${functionArn}: no statement of the role allows it`,
    });
    return this.mode === 'record';
  }

  private onInvocation(record: InvocationRecord): void {
    this.invocations.push(record);
    const { outcome } = record;
    if (process.env.CLOUD_HARNESS_TRACE)
      process.stderr.write(
        `[invoke] ${record.functionId} ${outcome.cold ? 'cold' : 'warm'} ${outcome.ms.toFixed(0)} ms ${outcome.ok ? 'ok' : `${outcome.errorType}: ${outcome.errorMessage}`}\n`,
      );
    const texts = [...record.logs, ...(outcome.ok ? [] : [outcome.errorMessage])];
    const found = new Set<string>();
    for (const text of texts) {
      for (const pattern of MISSING) {
        for (const match of text.matchAll(pattern)) {
          for (const name of (match[1] as string).split(/,\s*/)) if (name) found.add(name);
        }
      }
    }
    for (const variable of found) {
      if (
        this.endpoint.violations.some(
          (v) => v.kind === 'missing-variable' && v.caller === record.functionId && v.variable === variable,
        )
      )
        continue;
      this.endpoint.violations.push({
        kind: 'missing-variable',
        caller: record.functionId,
        variable,
        detail: `${record.functionId} reads ${variable}, which the template does not set${this.providerOf(variable)}`,
      });
    }
    if (!outcome.ok && outcome.phase === 'init') {
      if (!this.endpoint.violations.some((v) => v.kind === 'init-failed' && v.caller === record.functionId)) {
        this.endpoint.violations.push({
          kind: 'init-failed',
          caller: record.functionId,
          detail: `${record.functionId} failed its init: ${outcome.errorType}: ${outcome.errorMessage}`,
        });
      }
    }
  }

  /** Which access gives a variable (and, for a function variable, which function it names). */
  private providerOf(variable: string): string {
    const accesses = Object.entries(ACCESS_ENV)
      .filter(([, names]) => (names as readonly string[]).includes(variable))
      .map(([access]) => access);
    const target = INVOKE_VARIABLES.get(variable);
    if (accesses.length === 0) return '';
    return ` (given with access ${accesses.join(' or ')}${target ? `, it names ${target}` : ''})`;
  }

  get calls(): CallRecord[] {
    return this.endpoint.calls;
  }

  get violations(): Violation[] {
    return this.endpoint.violations;
  }

  fn(id: string): CloudFunction {
    const fn = this.lambda.byId.get(id);
    if (!fn) throw new Error(`The template has no function ${id}`);
    return fn;
  }

  /**
   * Invokes a function directly, as EventBridge does a scheduled one; its answer parsed. `clockOffsetMs` runs
   * the bundle's clock that far ahead for this invocation (a scheduled run years later, F5).
   */
  async invokeFunction(
    id: string,
    event: unknown,
    options: { clockOffsetMs?: number } = {},
  ): Promise<unknown> {
    const outcome = await this.lambda.invoke(this.fn(id), event, undefined, { kind: 'direct' }, options);
    if (!outcome.ok) throw Object.assign(new Error(outcome.errorMessage), { name: outcome.errorType });
    return JSON.parse(outcome.payload);
  }

  /** The violations, one line each; empty when the AWS path holds. */
  report(violations: readonly Violation[] = this.violations): string {
    return violations.map((v) => `- [${v.kind}] ${v.detail}`).join('\n');
  }

  /** Fails naming every violation: the journey works locally but not under the template. */
  assertClean(): void {
    if (this.violations.length === 0) return;
    throw new Error(`The AWS path of this journey fails under the template:\n${this.report()}`);
  }

  /** Forgets what was recorded so far (a test's own violations only). */
  reset(): void {
    this.endpoint.calls.length = 0;
    this.endpoint.violations.length = 0;
    this.invocations.length = 0;
    this.states.executions.length = 0;
    this.states.transitions.length = 0;
  }

  /**
   * Diagnose mode: runs the journey; for every variable a function misses, sets what the template would
   * give it (the function an invoke variable names, or the value other functions get) and runs it again,
   * until no new variable is missing. Every violation of every run is returned; the journey may fail.
   */
  async diagnose(
    journey: () => Promise<unknown>,
    maxRuns = 4,
  ): Promise<{ violations: Violation[]; filled: string[] }> {
    const all: Violation[] = [];
    const filled: string[] = [];
    for (let run = 0; run < maxRuns; run++) {
      this.reset();
      await journey().catch(() => undefined);
      for (const v of this.violations) if (!all.some((a) => a.detail === v.detail)) all.push(v);
      const missing = this.violations.filter((v) => v.kind === 'missing-variable') as Extract<
        Violation,
        { kind: 'missing-variable' }
      >[];
      let added = false;
      for (const v of missing) {
        const current = this.overrides.get(v.caller) ?? {};
        if (current[v.variable] !== undefined) continue;
        const value = this.shadowValue(v.variable);
        if (value === undefined) continue;
        this.overrides.set(v.caller, { ...current, [v.variable]: value });
        await this.lambda.restart(v.caller);
        filled.push(`${v.caller}.${v.variable}=${value}`);
        added = true;
      }
      if (!added) break;
    }
    this.reset();
    return { violations: all, filled };
  }

  private shadowValue(variable: string): string | undefined {
    const target = INVOKE_VARIABLES.get(variable);
    if (target) return this.lambda.byId.get(target)?.name;
    const values = this.model.variables.get(variable);
    return values?.size === 1 ? [...values][0] : undefined;
  }

  /** A call through the gateway, as a client over HTTP; `source` is the client's loopback address. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string; source?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.url}${path}`,
        {
          method,
          localAddress: options.source ?? '127.0.0.1',
          headers: {
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
            'user-agent': 'PalisadeCloudHarness/1.0 (iPhone)',
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: JsonAnswer['body'] = {};
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = { raw: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The emails sent, once every queued invocation (a login's emails) has run. */
  async emails(): Promise<LocalEmail[]> {
    await this.lambda.settled();
    return this.ses.emails();
  }

  /** The text of the newest email to `address` whose subject matches. */
  async mailText(address: string, subject: RegExp): Promise<string> {
    const mail = (await this.emails())
      .filter((e) => e.to.includes(address) && subject.test(e.subject))
      .at(-1);
    if (!mail) throw new Error(`no mail ${subject} to ${address}`);
    return mail.text ?? '';
  }

  custodyMessages(): QueuedMessage[] {
    return [...this.sqs.messages];
  }

  /** Stops everything; a part that does not stop within 5 s (a workflow waiting for its token) is left behind. */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 5000);
        timer.unref();
      });
      await Promise.race([stop().catch(() => undefined), late]);
      clearTimeout(timer);
    }
  }
}

/** The template's tables in dynalite, under their physical names, with the key schema of lambdas/kernel/tables.ts. */
async function createTables(url: string, model: CloudModel): Promise<void> {
  const client = new DynamoDBClient({
    region: model.deployment.region,
    endpoint: url,
    credentials: { accessKeyId: 'harness', secretAccessKey: 'harness' },
  });
  try {
    for (const table of model.tables) {
      const spec = TABLES[table.id];
      const keys = new Set<string>([spec.partitionKey, spec.sortKey]);
      for (const index of spec.indexes) keys.add(index.partitionKey).add(index.sortKey);
      await client.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...keys].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: spec.partitionKey, KeyType: 'HASH' },
            { AttributeName: spec.sortKey, KeyType: 'RANGE' },
          ],
          ...(spec.indexes.length
            ? {
                GlobalSecondaryIndexes: spec.indexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: index.partitionKey, KeyType: 'HASH' },
                    { AttributeName: index.sortKey, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
      for (let attempt = 0; attempt < 200; attempt++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: table.name }));
        const indexes = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
        if (Table?.TableStatus === 'ACTIVE' && indexes) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    client.destroy();
  }
}
