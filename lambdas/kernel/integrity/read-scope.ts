// A request's reads of signed rows, made once. Inside `readOnce(run)`, SignedTable.get (signed-table.ts)
// remembers each row it read, verified (signature, watermark, E1 head), and gives the same row to every later
// get of that key in the same run instead of reading it again; a row the run writes is remembered as written
// (a deletion as absent), and a write that lost its race forgets the rows it named, so a retry reads them
// afresh. So a request that reads the account, then the security state, then the account again (a port of
// its own, a check of another context) pays one read, as if the row had been passed along.
//
// What a remembered row is: the row as it was when first read in this request, as a row passed along would
// be. Every write is still conditional on the version read (a newer row written meanwhile makes it a
// Conflict, and the retry reads again). A scope is opened by the handlers that choose it, around one
// request's work, never for a container's life: a row another function writes during the request (an invoked
// function, a workflow task) is not seen again by this request, so a handler that re-reads a row to observe
// such a write does not open a scope. docs/decisions.md, "One read per row per request".
import { AsyncLocalStorage } from 'node:async_hooks';

type Remembered = Promise<Record<string, unknown> | undefined>;

const scope = new AsyncLocalStorage<Map<string, Remembered>>();

/** Runs `run` with a fresh scope: each signed row it reads by key is read once. */
export function readOnce<T>(run: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), run);
}

/** The rows remembered by the current request's scope, or undefined outside one. */
export function scopedRows(): Map<string, Remembered> | undefined {
  return scope.getStore();
}
