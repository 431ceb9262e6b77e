// The audit chain of a local state folder, for `npm run audit:verify`: the same DynamoDB emulator and key
// store that `npm start` uses, opened under the state lock so a running server and the CLI never share it.
import { LocalKeyService } from '../lambdas/shared/adapters/local-key-service.js';
import { TABLES } from '../lambdas/shared/tables.js';
import { startDynamo } from './dynamo.js';
import { lockStateFolder } from './state-lock.js';

const LOCAL_REGION = 'eu-west-1';

export async function openLocalAudit(stateDir: string) {
  const lock = await lockStateFolder(stateDir);
  try {
    const [dynamo, keys] = await Promise.all([
      startDynamo(stateDir, LOCAL_REGION),
      LocalKeyService.open(stateDir),
    ]);
    return {
      documents: dynamo.documents,
      table: TABLES.audit.logicalName,
      publicKey: (keyId: string) => keys.getPublicKey(keyId),
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
