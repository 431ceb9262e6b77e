// The tables and the audit checkpoints of a local state folder for the operator commands (`npm run
// audit:verify`, `npm run rows:resign`): the same DynamoDB emulator, key store and checkpoint file `npm start`
// uses, opened under the state lock so a running server and a command never share it.
import type { DocumentClient } from '../lambdas/kernel/aws/dynamo-documents.js';
import { type SignedRows, signedRows } from '../lambdas/kernel/integrity/signed-rows.js';
import { systemClock } from '../lambdas/kernel/ports/clock.js';
import { LocalCheckpointStore } from './adapters/checkpoint-store.js';
import { LocalKeyService } from './adapters/key-service.js';
import { LOCAL_TABLE_NAMES, startDynamo } from './dynamo.js';
import { lockStateFolder } from './state-lock.js';

const LOCAL_REGION = 'eu-west-1';

export interface LocalState {
  documents: DocumentClient;
  keys: LocalKeyService;
  rows: SignedRows;
  tableNames: typeof LOCAL_TABLE_NAMES;
  /** D3: the audit chain's checkpoints (the state folder's append-only file). */
  checkpoints: LocalCheckpointStore;
  close(): Promise<void>;
}

export async function openLocalState(stateDir: string): Promise<LocalState> {
  const lock = await lockStateFolder(stateDir);
  try {
    const [dynamo, keys] = await Promise.all([
      startDynamo(stateDir, LOCAL_REGION),
      LocalKeyService.open(stateDir),
    ]);
    return {
      documents: dynamo.documents,
      keys,
      rows: signedRows(dynamo.documents, keys, LOCAL_TABLE_NAMES, systemClock),
      tableNames: LOCAL_TABLE_NAMES,
      checkpoints: new LocalCheckpointStore(stateDir),
      async close() {
        await dynamo.stop();
        await lock.release();
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
