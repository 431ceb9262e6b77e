// F2: a new list version is loaded (refused whole when any file is bad: the version in force stays) and,
// when it is new, the whole roster is re-screened against it: the screening workflow's re-screen, named
// after the version so a retried load starts it once. The loader an admin request or a schedule calls
// (docs/screening.md says which are built). A sanctions list's digital-currency addresses are then published
// to the address index the withdrawal destinations are screened against (address-index.ts), also when the
// version was already loaded (a retry completes what an interrupted load began).
import type { ListStore } from '../kernel/ports/list-store.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import { listedAddressesOf, type SanctionedAddressIndex } from './address-index.js';
import { entitiesOf } from './list-entities.js';
import { type ListFormat, type LoadOutcome, loadListVersion } from './versions.js';
import { rescreenExecutionName } from './workflow-contracts.js';

export async function loadListAndRescreen(
  ports: {
    lists: ListStore;
    workflows: Pick<Workflows, 'start'>;
    addressIndex: Pick<SanctionedAddressIndex, 'indexes' | 'versionOf' | 'publish'>;
  },
  input: {
    readonly format: ListFormat;
    readonly list: string;
    readonly files: ReadonlyMap<string, Uint8Array>;
    readonly loadedBy: string;
    readonly now: Date;
  },
): Promise<LoadOutcome & { /** The re-screen's execution id. */ rescreen?: string }> {
  const outcome = await loadListVersion(ports.lists, input);
  const published = await syncAddressIndex(ports, outcome.manifest.list);
  // an `unchanged` or `completed` version whose index was still to publish is a load interrupted before its
  // end: its re-screen may not have started either (the name makes a second start of one version a no-op)
  if (outcome.outcome !== 'loaded' && published === undefined) return outcome;
  const name = rescreenExecutionName(outcome.manifest.list, outcome.manifest.version);
  const { executionId } = await ports.workflows.start(
    'screening',
    { trigger: 'rescreen', list: outcome.manifest.list, version: outcome.manifest.version },
    name,
  );
  return { ...outcome, rescreen: executionId };
}

/**
 * Brings the index of `list` to its version in force: nothing when it is there already (or the list is not a
 * sanctions list), otherwise the version's entities file (written at load) is read, checked against its
 * digest and published.
 * The loader calls it after every load (a retried load that found its version `unchanged` completes an index
 * an earlier attempt did not reach), and the local runtime at start (a list loaded into the state folder
 * while no backend ran).
 */
export async function syncAddressIndex(
  ports: {
    addressIndex: Pick<SanctionedAddressIndex, 'indexes' | 'versionOf' | 'publish'>;
    lists: Pick<ListStore, 'current' | 'readDerived'>;
  },
  list: string,
): Promise<{ list: string; version: string; addresses: number; leftOut: number } | undefined> {
  const spec = ports.addressIndex.indexes(list);
  if (spec === undefined) return undefined;
  const manifest = await ports.lists.current(list);
  if (manifest === undefined) return undefined;
  if ((await ports.addressIndex.versionOf(list)) === manifest.version) return undefined;
  const { entries, leftOut } = listedAddressesOf(await entitiesOf(ports.lists, manifest));
  await ports.addressIndex.publish(manifest, entries);
  return { list, version: manifest.version, addresses: entries.length, leftOut: leftOut.length };
}
