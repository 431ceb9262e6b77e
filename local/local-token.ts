// The per-start secret of the local-only routes (/_local/*): made by `npm start`, written into the state folder
// (owner-only), printed at start, and read by the dev commands; a web page the developer opens cannot know it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The header a local-only request carries its token in. */
export const LOCAL_TOKEN_HEADER = 'x-palisade-local-token';
const FILE = 'local-token';

export async function newLocalToken(stateDir: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await writeFile(join(stateDir, FILE), `${token}\n`, { mode: 0o600 });
  return token;
}

/** The token of the server running on this state folder (for `npm run dev:user` and `dev:admin`). */
export async function readLocalToken(stateDir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(stateDir, FILE), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function sameToken(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
