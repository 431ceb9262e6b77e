// F2 executor of LoadScreeningList: `load-screening-list`, requested by a compliance officer and approved by
// another (maker ≠ checker). The requester uploaded the files to the request's slots (create-request.ts); this
// reads each staged file and checks its sha-256 against the approved payload: a file missing or not the
// approved bytes fails the request (STAGED_FILE_MISSING, STAGED_FILE_MISMATCH) and nothing is loaded. Then
// loadListAndRescreen parses the files whole (a bad file fails the request with LIST_FILE_INVALID and the
// version in force stays), stores the version, makes it current and starts the re-screen. The staged files
// stay (the bucket expires `incoming/` after 7 days), so the task is idempotent: a retry reads and loads the
// same bytes, which are then `unchanged` (and the re-screen, named after the version, starts once).
import type { ListStore } from '../../kernel/ports/list-store.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import {
  type ListFormat,
  ListFormatError,
  type ListStaging,
  loadListAndRescreen,
  type SanctionedAddressIndex,
  SCREENED_LISTS,
  sha256Hex,
} from '../../screening/contracts.js';
import type { ActionsOf } from '../actions.js';
import { ActionFailed, type Execution, type ExecutionFacts, type Executors } from './types.js';

export interface ListExecutorPorts {
  staging: Pick<ListStaging, 'read'>;
  lists: ListStore;
  workflows: Pick<Workflows, 'start'>;
  /** F2/C1: the sanctioned-address index a sanctions list's addresses are published to. */
  addressIndex: Pick<SanctionedAddressIndex, 'indexes' | 'versionOf' | 'publish'>;
}

/** The list id each fixed format loads as (a FollowTheMoney dataset is named by the request's target). */
const FIXED_LIST: Partial<Record<ListFormat, string>> = { 'ofac-sdn-csv': 'ofac-sdn', 'un-xml': 'un-sc' };

export async function loadScreeningList(ports: ListExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const { requestId, target } = run.request;
  const format = run.parameters.format as ListFormat;
  const approved = run.parameters.files as { name: string; sha256: string }[];
  const fixed = FIXED_LIST[format];
  if (fixed !== undefined && fixed !== target.id) {
    throw new ActionFailed('LIST_FORMAT_MISMATCH', `The ${format} format loads the list ${fixed}`);
  }
  // a screened list is read in its configured format (the PEP list `pep`: FollowTheMoney); another format
  // under its id would leave every screening unable to read the version in force
  const screened = SCREENED_LISTS.find((l) => l.list === target.id);
  if (screened !== undefined && screened.format !== format) {
    throw new ActionFailed(
      'LIST_FORMAT_MISMATCH',
      `The list ${target.id} is screened in the ${screened.format} format`,
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const file of approved) {
    const bytes = await ports.staging.read(requestId, file.name);
    if (bytes === undefined) {
      throw new ActionFailed('STAGED_FILE_MISSING', `${file.name} was not uploaded to its slot`);
    }
    if (sha256Hex(bytes) !== file.sha256) {
      throw new ActionFailed(
        'STAGED_FILE_MISMATCH',
        `${file.name}: the uploaded bytes are not the approved ones (sha-256 differs); nothing was loaded`,
      );
    }
    files.set(file.name, bytes);
  }
  let outcome: Awaited<ReturnType<typeof loadListAndRescreen>>;
  try {
    outcome = await loadListAndRescreen(ports, {
      format,
      list: target.id,
      files,
      loadedBy: `admin-request:${requestId}`,
      now: run.at,
    });
  } catch (err) {
    if (err instanceof ListFormatError) {
      throw new ActionFailed('LIST_FILE_INVALID', `${err.message}; the version in force stays`);
    }
    throw err;
  }
  return {
    outcome: outcome.outcome,
    list: outcome.manifest.list,
    version: outcome.manifest.version,
    sha256: outcome.manifest.sha256,
    ...(outcome.rescreen ? { rescreen: outcome.rescreen } : {}),
  };
}

export const LIST_EXECUTORS: Executors<ActionsOf<'lists'>, ListExecutorPorts> = {
  'load-screening-list': loadScreeningList,
};
