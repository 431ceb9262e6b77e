// Reads a request body up to a limit without buffering more: a declared or streamed size over the limit is a
// 413 before the rest arrives; what the client still sends is drained (to a cap) so it can read the answer.
import type { IncomingMessage } from 'node:http';
import { PayloadTooLarge } from '../lambdas/kernel/errors.js';

/** Beyond this much unwanted body the connection is cut instead of drained. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const bytes = await readBytes(req, limit);
  return bytes.length === 0 ? null : Buffer.from(bytes).toString('utf8');
}

/** The body as bytes (an upload), under the same limit rules. */
export async function readBytes(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new PayloadTooLarge(`Request body exceeds ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discardBody(req);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      discardBody(req);
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function discardBody(req: IncomingMessage): void {
  if (req.readableEnded || req.destroyed) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.destroy();
  });
  req.resume();
}
