// Builds every catalogue function in-process: calls its module's `makeHandler` with the local ports (typed, see
// handlers.ts) and invokes it with a Lambda context, as the Lambda runtime would call the exported `handler`.
import type { FunctionSpec } from '../lambdas/catalogue.js';
import { LOCAL_HANDLERS, type LocalHandlerModule } from './handlers.js';
import { InFlight } from './in-flight.js';
import { lambdaContext } from './lambda-context.js';
import type { LocalPorts } from './ports.js';

export type LambdaHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface LocalFunctions {
  invoke(functionId: string, event: unknown, requestId?: string): Promise<unknown>;
  /** Waits until no invocation is running (a stop closes the emulators only after, not under, a task). */
  drain(): Promise<void>;
}

/**
 * The deadline of a local invocation. In AWS every concurrent invocation has an execution environment (and
 * its CPU) of its own; here all of them share the machine's cores, so 64 concurrent logins queue their
 * password hashes behind one another. The deadline is generous so that queueing for the CPU never reads as a
 * function timing out; the production timeouts are the template's (lib/functions.ts), run by the cloud harness.
 */
export const LOCAL_INVOKE_DEADLINE_MS = 180_000;

const moduleOf = (id: string): LocalHandlerModule | undefined =>
  (LOCAL_HANDLERS as Record<string, LocalHandlerModule>)[id];

/** Every spec must have its module in LOCAL_HANDLERS: a function the local runtime cannot run fails at start. */
export function loadFunctions(specs: readonly FunctionSpec[], ports: LocalPorts): LocalFunctions {
  const handlers = new Map<string, LambdaHandler>();
  for (const spec of specs) {
    if (handlers.has(spec.id)) continue;
    const module = moduleOf(spec.id);
    if (!module) throw new Error(`${spec.id} (${spec.entry}) is missing from local/handlers.ts`);
    handlers.set(spec.id, module.makeHandler(ports) as LambdaHandler);
  }
  const running = new InFlight();
  return {
    invoke(functionId, event, requestId) {
      const handler = handlers.get(functionId);
      if (!handler) return Promise.reject(new Error(`No local function ${functionId}`));
      return running.track(handler(event, lambdaContext(functionId, LOCAL_INVOKE_DEADLINE_MS, requestId)));
    },
    // An invocation may start others (the user-mail function calls the vault): until none is left.
    drain: () => running.settled(),
  };
}
