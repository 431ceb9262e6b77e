// F2: a new list version is loaded (refused whole when any file is bad: the version in force stays) and,
// when it is new, the whole roster is re-screened against it: the screening workflow's re-screen, named
// after the version so a retried load starts it once. The loader an admin request or a schedule calls
// (docs/screening.md says which are built).
import type { ListStore } from '../kernel/ports/list-store.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import { type ListFormat, type LoadOutcome, loadListVersion } from './versions.js';
import { rescreenExecutionName } from './workflow-contracts.js';

export async function loadListAndRescreen(
  ports: { lists: ListStore; workflows: Pick<Workflows, 'start'> },
  input: {
    readonly format: ListFormat;
    readonly list: string;
    readonly files: ReadonlyMap<string, Uint8Array>;
    readonly loadedBy: string;
    readonly now: Date;
  },
): Promise<LoadOutcome & { /** The re-screen's execution id. */ rescreen?: string }> {
  const outcome = await loadListVersion(ports.lists, input);
  if (outcome.outcome !== 'loaded') return outcome;
  const name = rescreenExecutionName(outcome.manifest.list, outcome.manifest.version);
  const { executionId } = await ports.workflows.start(
    'screening',
    { trigger: 'rescreen', list: outcome.manifest.list, version: outcome.manifest.version },
    name,
  );
  return { ...outcome, rescreen: executionId };
}
