// Password hashing for the local directory: scrypt from node:crypto, parameters stored with each hash.
// N=2^15, r=8, p=3 is one of OWASP's equivalent scrypt settings (same cost as N=2^17, p=1) with 32 MiB
// of memory per hash instead of 128 MiB; about 0.2 s per hash on a laptop. That is the cost of `npm start`,
// the bench and the census run: nothing in the local runtime changes it. The test harness alone
// (test/setup.ts) sets a test cost for new hashes with `setLocalPasswordCost` (docs/decisions.md): the e2e
// files sign up and log in hundreds of users, and the cost is the emulation's, not Cognito's. A stored hash
// verifies with the parameters it carries, whatever the current cost.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The local directory's cost (`npm start`, the bench, the census run). */
export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 } as const;
/** The test harness's cost (test/setup.ts): 1 MiB and ~1/100 of the work, same code path and format. */
export const TEST_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 10, r: 8, p: 1 } as const;

let cost: ScryptParams = SCRYPT_PARAMS;

/**
 * Tests only (test/setup.ts, and the tests of this choice): the parameters of new hashes and of the decoy in
 * this process from now on; undefined restores the local directory's own. The local runtime never calls it.
 */
export function setLocalPasswordCost(params: ScryptParams | undefined): void {
  cost = params ?? SCRYPT_PARAMS;
}

/** The parameters new hashes are made with in this process. */
export const localPasswordCost = (): ScryptParams => cost;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses scrypt above maxmem (32 MiB by default); 128·N·r is what these parameters need, plus slack.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const params = cost;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  const { N, r, p } = params;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** One decoy per cost: a decoy check takes the time of a real one at the cost users are hashed with. */
const decoys = new Map<ScryptParams, Promise<string>>();

/** Spends the time of a real check when there is no user, so timing does not reveal which usernames exist. */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  let decoy = decoys.get(cost);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'));
    decoys.set(cost, decoy);
  }
  await verifyPassword(password, await decoy);
  return false;
}
