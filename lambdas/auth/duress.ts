// A5 duress password: the rule that it differs from the password, and its slow hash. Argon2id (hash-wasm,
// WebAssembly) at OWASP's minimum, 19 MiB, t=2, p=1: ~55 ms per hash on one core and ~30 KB of bundle,
// where scrypt N=2^17 (node:crypto) took ~400 ms and 128 MiB. Stored as a PHC string that carries its
// parameters: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64, unpadded).
// Every login hashes the candidate exactly once, whether a duress password is set or not.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id } from 'hash-wasm';
import type { CodeOf } from '../kernel/error-codes.js';
import { ValidationError } from '../kernel/errors.js';

export interface DuressHashParams {
  /** Memory in KiB (argon2's m). */
  memoryKiB: number;
  /** Passes over the memory (argon2's t). */
  iterations: number;
  /** Lanes (argon2's p). */
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 degree of parallelism. */
export const DURESS_HASH_PARAMS: Readonly<DuressHashParams> = Object.freeze({
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
});

/** Counted in code points after NFKC normalisation, as Cognito's password policy counts characters. */
export const DURESS_MIN_LENGTH = 8;
export const DURESS_MAX_LENGTH = 256;

const ARGON2_VERSION = 19;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on parameters read back from storage: a tampered hash must not buy unbounded work. */
const LIMITS = {
  memoryKiB: 64 * 1024,
  iterations: 10,
  parallelism: 4,
  saltBytes: [8, 64],
  keyBytes: [16, 64],
};

export interface DuressHashOptions {
  /** Parameters of new hashes and of the decoy; the production ones unless a test injects cheaper ones. */
  params?: DuressHashParams;
}

export interface ParsedDuressHash {
  params: DuressHashParams;
  salt: Buffer;
  hash: Buffer;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

function format(params: DuressHashParams, salt: Uint8Array, hash: Uint8Array): string {
  const { memoryKiB: m, iterations: t, parallelism: p } = params;
  return `$argon2id$v=${ARGON2_VERSION}$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(hash)}`;
}

const PHC = /^\$argon2id\$v=(\d+)\$m=(\d{1,9}),t=(\d{1,9}),p=(\d{1,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const within = (n: number, [min, max]: readonly number[]) => n >= (min ?? 0) && n <= (max ?? 0);

/** The parameters, salt and hash of a stored duress hash; undefined when it is not one this module accepts. */
export function parseDuressHash(stored: string): ParsedDuressHash | undefined {
  const m = PHC.exec(stored);
  if (!m) return undefined;
  const [, version, memory, iterations, parallelism, salt, hash] = m;
  const params = {
    memoryKiB: Number(memory),
    iterations: Number(iterations),
    parallelism: Number(parallelism),
  };
  const saltBytes = Buffer.from(salt ?? '', 'base64');
  const hashBytes = Buffer.from(hash ?? '', 'base64');
  const ok =
    Number(version) === ARGON2_VERSION &&
    within(params.parallelism, [1, LIMITS.parallelism]) &&
    within(params.iterations, [1, LIMITS.iterations]) &&
    within(params.memoryKiB, [8 * params.parallelism, LIMITS.memoryKiB]) &&
    within(saltBytes.length, LIMITS.saltBytes) &&
    within(hashBytes.length, LIMITS.keyBytes);
  return ok ? { params, salt: saltBytes, hash: hashBytes } : undefined;
}

async function derive(
  secret: string,
  salt: Uint8Array,
  params: DuressHashParams,
  length: number,
): Promise<Buffer> {
  const key = await argon2id({
    password: secret.normalize('NFKC'),
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: length,
    outputType: 'binary',
  });
  return Buffer.from(key);
}

/** A fresh salt and one slow hash; the result carries its parameters. */
export async function hashDuress(password: string, options: DuressHashOptions = {}): Promise<string> {
  const params = options.params ?? DURESS_HASH_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  return format(params, salt, await derive(password, salt, params, KEY_BYTES));
}

/** Fixed salt and an arbitrary fixed "hash" no password is known to produce: the decoy matches nothing. */
const DECOY_SALT = createHash('sha256').update('palisade/duress/decoy-salt').digest().subarray(0, SALT_BYTES);
const DECOY_KEY = createHash('sha256').update('palisade/duress/decoy-key').digest();

/**
 * Whether `candidate` is the duress password stored as `stored`. Exactly one slow hash runs on every call:
 * with no duress password (or an unreadable stored value) the candidate is hashed against a decoy of the
 * same parameters and the answer is false, so timing tells neither whether one is set nor whether it matched.
 */
export async function verifyDuress(
  candidate: string,
  stored: string | undefined,
  options: DuressHashOptions = {},
): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parseDuressHash(stored);
  const target = parsed ?? {
    params: options.params ?? DURESS_HASH_PARAMS,
    salt: DECOY_SALT,
    hash: DECOY_KEY,
  };
  const key = await derive(candidate, target.salt, target.params, target.hash.length);
  const equal = timingSafeEqual(key, target.hash);
  return parsed !== undefined && equal;
}

const normalised = (value: string) => value.normalize('NFKC');
const codePoints = (value: string) => [...value].length;
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function assertAcceptable(value: string, what: 'Duress password' | 'Password', code: CodeOf<400>): void {
  const length = codePoints(normalised(value));
  if (length < DURESS_MIN_LENGTH || length > DURESS_MAX_LENGTH) {
    throw new ValidationError(
      `${what} must be ${DURESS_MIN_LENGTH} to ${DURESS_MAX_LENGTH} characters`,
      undefined,
      code,
    );
  }
}

/**
 * The set/change rule of A5, for setting or changing either secret while both are known in clear: both are
 * 8 to 256 characters and, after NFKC normalisation, the duress password is not the password.
 */
export function assertDuressDiffers(duress: string, password: string): void {
  assertAcceptable(duress, 'Duress password', 'DURESS_PASSWORD_INVALID');
  assertAcceptable(password, 'Password', 'PASSWORD_INVALID');
  if (timingSafeEqual(digest(normalised(duress)), digest(normalised(password)))) {
    throw new ValidationError(
      'The duress password must differ from the password',
      undefined,
      'DURESS_EQUALS_PASSWORD',
    );
  }
}

/**
 * The same rule for a password change when only the duress hash is stored: the new password must not
 * verify against it. One slow hash, also when no duress password is set.
 */
export async function assertPasswordIsNotDuress(
  newPassword: string,
  storedDuress: string | undefined,
  options: DuressHashOptions = {},
): Promise<void> {
  assertAcceptable(newPassword, 'Password', 'PASSWORD_INVALID');
  if (await verifyDuress(newPassword, storedDuress, options)) {
    throw new ValidationError(
      'The password must differ from the duress password',
      undefined,
      'DURESS_EQUALS_PASSWORD',
    );
  }
}
