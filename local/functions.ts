// Builds every catalogue function in-process: imports its `entry`, calls `makeHandler` with the local ports
// and invokes it with a Lambda context, as the Lambda runtime would call the exported `handler`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionSpec } from '../lambdas/catalogue.js';
import { lambdaContext } from './lambda-context.js';

export type LambdaHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface LocalFunctions {
  invoke(functionId: string, event: unknown, requestId?: string): Promise<unknown>;
}

/**
 * `ports` is handed whole to each `makeHandler`, which takes the ports it needs by name (`accounts`,
 * `identity`, `clock` …): a handler's port parameter must be named after a key of the local ports.
 */
export async function loadFunctions(
  specs: readonly FunctionSpec[],
  repoRoot: string,
  ports: object,
): Promise<LocalFunctions> {
  const handlers = new Map<string, LambdaHandler>();
  await Promise.all(
    specs.map(async (spec) => {
      if (handlers.has(spec.id)) return;
      const module = (await import(pathToFileURL(join(repoRoot, spec.entry)).href)) as Record<
        string,
        unknown
      >;
      if (typeof module.makeHandler !== 'function' || typeof module.handler !== 'function') {
        throw new Error(`${spec.entry} must export makeHandler(ports) and handler`);
      }
      handlers.set(spec.id, module.makeHandler(ports) as LambdaHandler);
    }),
  );
  return {
    invoke(functionId, event, requestId) {
      const handler = handlers.get(functionId);
      if (!handler) return Promise.reject(new Error(`No local function ${functionId}`));
      return handler(event, lambdaContext(functionId, 30_000, requestId));
    },
  };
}
