// TransactWriteItems for the local runtime: dynalite has no transactions, so the document client's
// TransactWriteCommand is carried out here as its single conditional writes, one transaction at a time in
// this process, undoing the writes already made when a later condition fails. In AWS, DynamoDB makes the
// same command atomic; locally the difference is only that a concurrent plain read may glimpse a write that
// is undone a moment later (all local writers share this one process and its transaction queue).
import {
  DeleteCommand,
  type DocumentClient,
  type DocumentCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '../lambdas/kernel/aws/dynamo-documents.js';
import { AwsApiError } from '../lambdas/kernel/aws/signed-request.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function targetOf(item: TransactItem): { TableName: string; Key: Record<string, unknown> } {
  if (item.Delete)
    return { TableName: item.Delete.TableName as string, Key: item.Delete.Key as Record<string, unknown> };
  if (item.Put) {
    // Every Palisade table is keyed by pk and sk (lambdas/kernel/tables.ts).
    const { pk, sk } = item.Put.Item as Record<string, unknown>;
    return { TableName: item.Put.TableName as string, Key: { pk, sk } };
  }
  throw new Error('The local TransactWriteItems carries Put and Delete only');
}

async function apply(db: DocumentClient, item: TransactItem): Promise<void> {
  if (item.Put) await db.send(new PutCommand(item.Put as ConstructorParameters<typeof PutCommand>[0]));
  else if (item.Delete)
    await db.send(new DeleteCommand(item.Delete as ConstructorParameters<typeof DeleteCommand>[0]));
}

async function run(db: DocumentClient, input: TransactWriteCommandInput): Promise<void> {
  const items = input.TransactItems ?? [];
  const targets = items.map(targetOf);
  const before = await Promise.all(
    targets.map(async (t) => (await db.send(new GetCommand({ ...t, ConsistentRead: true }))).Item),
  );
  for (const [i, item] of items.entries()) {
    try {
      await apply(db, item);
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      for (let j = i - 1; j >= 0; j--) {
        const previous = before[j];
        const target = targets[j] as (typeof targets)[number];
        if (previous) await db.send(new PutCommand({ TableName: target.TableName, Item: previous }));
        else await db.send(new DeleteCommand(target));
      }
      // As DynamoDB answers (400, TransactionCanceledException), through the same error type as json-api.ts.
      throw Object.assign(
        new AwsApiError(
          'TransactionCanceledException',
          400,
          'Transaction cancelled, please refer cancellation reasons for specific reasons',
        ),
        { CancellationReasons: items.map((_, k) => ({ Code: k === i ? 'ConditionalCheckFailed' : 'None' })) },
      );
    }
  }
}

/** A client that carries out TransactWriteCommand itself (see the header) and sends every other command to `db`. */
export function emulateTransactions(db: DocumentClient): DocumentClient {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    send<I, O>(command: DocumentCommand<I, O>): Promise<O> {
      if (!(command instanceof TransactWriteCommand)) return db.send(command);
      const { input } = command;
      const result = queue.then(() => run(db, input)).then(() => command.native({}));
      queue = result.catch(() => undefined);
      return result as Promise<O>;
    },
  };
}
