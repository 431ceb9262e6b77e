// The whole local cloud in one call: the runtime (emulators, adapters, functions, workflows) behind the local
// gateway. `npm start` and the e2e tests boot it the same way.
import './env.js';
import { ADMIN_AUTHORIZER, ROUTES, USER_AUTHORIZER } from '../lambdas/catalogue.js';
import type { Clock } from '../lambdas/kernel/ports/clock.js';
import { publicBaseUrl } from '../lambdas/kernel/public-url.js';
import type { Settings } from '../lambdas/kernel/settings.js';
import { createGateway } from './gateway.js';
import { gatewayObserver } from './gateway-observer.js';
import { close, listen, urlOf } from './listen.js';
import { localRoutes } from './local-routes.js';
import { newLocalToken } from './local-token.js';
import { type LocalPorts, type LocalRuntime, startLocalRuntime } from './ports.js';
import type { ExecutionOutcome, LocalStepFunctions } from './step-functions.js';

export interface LocalCloudOptions {
  stateDir: string;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /**
   * The public base URL emailed links point at (local/config.ts checked it); without one, the server's own
   * address (a wildcard host as 127.0.0.1). The gateway hands it to every function as the stage variable
   * lib/api.ts sets in the cloud, never the request's Host header.
   */
  publicUrl?: string;
  /** CORS: the web origins allowed to read the answers (checked by local/config.ts); none by default. */
  corsOrigins?: readonly string[];
  clock?: Clock;
  settings?: Settings;
  waitTimeMs?: number;
  retryIntervalMs?: number;
  /** Tests: `.waitForTaskToken` state name → its timeout in milliseconds. */
  taskTimeoutOverrides?: Record<string, number>;
  /** Milliseconds between runs of the scheduled functions (the audit checkpoint); 0 turns the timers off. */
  scheduleIntervalMs?: number;
  log?: (line: string, error?: unknown) => void;
}

export interface LocalCloud {
  url: string;
  /** Where emailed links point. */
  publicUrl: string;
  ports: LocalPorts;
  workflows: LocalStepFunctions;
  runtime: LocalRuntime;
  /** The per-start secret of the /_local/* routes (also in the state folder's `local-token`). */
  localToken: string;
  stop(): Promise<void>;
}

/** Hosts a server listens on everywhere: not an address a link can point at. */
const WILDCARD_HOSTS = ['0.0.0.0', '::'];

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  const runtime = await startLocalRuntime({
    stateDir: options.stateDir,
    resumeWorkflows: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.waitTimeMs !== undefined ? { waitTimeMs: options.waitTimeMs } : {}),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    ...(options.taskTimeoutOverrides ? { taskTimeoutOverrides: options.taskTimeoutOverrides } : {}),
    ...(options.scheduleIntervalMs !== undefined ? { scheduleIntervalMs: options.scheduleIntervalMs } : {}),
    onWorkflowUnsuccessful: (id: string, outcome: ExecutionOutcome) =>
      options.log?.(`workflow ${id} ended ${JSON.stringify(outcome)}`),
    onScheduledFailure: (id: string, error: unknown) => options.log?.(`scheduled ${id} failed`, error),
    ...(options.log ? { log: options.log } : {}),
  });
  let url = '';
  let publicUrl = options.publicUrl ?? '';
  const localToken = await newLocalToken(options.stateDir);
  const server = createGateway({
    routes: ROUTES,
    authorizer: USER_AUTHORIZER,
    adminAuthorizer: ADMIN_AUTHORIZER,
    localRoutes: localRoutes(runtime, () => url),
    localToken,
    publicBaseUrl: () => publicUrl,
    ...(options.corsOrigins?.length ? { corsOrigins: options.corsOrigins } : {}),
    // As in Lambda, each invocation has an id of its own (`awsRequestId`); the request's id reaches the
    // function in the event (requestContext.requestId), the one the answers and the logs name (kernel/http.ts).
    invoke: (id, event) => runtime.functions.invoke(id, event),
    region: runtime.ports.settings.primaryRegion,
    ...(options.log ? { log: options.log } : {}),
    ...(gatewayObserver() ? { observe: gatewayObserver() } : {}),
  });
  try {
    const port = await listen(server, options.port ?? 0, host);
    url = urlOf(host, port);
    publicUrl ||= publicBaseUrl(urlOf(WILDCARD_HOSTS.includes(host) ? '127.0.0.1' : host, port));
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return {
    url,
    publicUrl,
    localToken,
    ports: runtime.ports,
    workflows: runtime.ports.workflows,
    runtime,
    async stop() {
      await close(server);
      await runtime.stop();
    },
  };
}
