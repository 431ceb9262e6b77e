// F2: the re-screen of the whole roster against a list's version in force, on the local runtime: the same
// workflow start `loadListAndRescreen` makes (lambdas/screening/list-loading.ts), named after the version, so
// asking twice for one version starts it once; a sanctions list's addresses are published to the address index
// first. Used by `npm run screening:load` after a load, through the running backend's local route (it owns the
// state folder and its workflows) or a runtime of its own.

import { rescreenExecutionName } from '../lambdas/screening/contracts.js';
import { syncAddressIndex } from '../lambdas/screening/list-loading.js';
import type { LocalRuntime } from './ports.js';

export async function startRescreen(
  runtime: Pick<LocalRuntime, 'ports'>,
  list: string,
): Promise<{ list: string; version: string; rescreen: string } | undefined> {
  const manifest = await runtime.ports.lists.current(list);
  if (!manifest) return undefined;
  // a sanctions list's addresses reach the address index first, as loadListAndRescreen does in AWS
  await syncAddressIndex(runtime.ports, list);
  const name = rescreenExecutionName(list, manifest.version);
  // same name, same workflow: the execution started before (LocalStepFunctions answers it, as AWS does)
  const { executionId } = await runtime.ports.workflows.start(
    'screening',
    { trigger: 'rescreen', list, version: manifest.version },
    name,
  );
  return { list, version: manifest.version, rescreen: executionId };
}
