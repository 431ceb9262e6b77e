// An in-memory dynalite with Palisade's tables, for tests of repositories against real DynamoDB semantics.
import type { DocumentClient } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { KeyService } from '../../lambdas/kernel/ports/key-service.js';
import { TABLES } from '../../lambdas/kernel/tables.js';

export {
  type EphemeralDynamo as TestDynamo,
  startEphemeralDynamo as startTestDynamo,
} from '../../local/ephemeral-dynamo.js';

/**
 * The accounts table as a SignedTable on a test dynalite: its rows signed and verified with `keys` (the local
 * key service), its head ledger on, as the Lambdas build it; the integrity alarm is a no-op.
 */
export function signedAccountsTable(
  documents: DocumentClient,
  keys: Pick<KeyService, 'signDigest' | 'getPublicKey'>,
): SignedTable {
  const spec = TABLES.accounts;
  return new SignedTable(
    documents,
    {
      logicalName: spec.logicalName,
      tableName: spec.logicalName,
      partitionKey: 'pk',
      sortKey: 'sk',
      ledger: spec.ledger,
    },
    new RowSigner(keys),
    new RowVerifier(keys, async () => {}),
  );
}
