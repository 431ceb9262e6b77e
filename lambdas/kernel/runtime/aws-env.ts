// The Lambda runtime's environment, parsed once with zod; a missing or bad variable fails with its name.
import * as z from 'zod/mini';
import { parseSettings, type Settings } from '../settings.js';

const envSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  ACCOUNTS_TABLE: z.optional(z.string().check(z.minLength(1))),
  AUDIT_TABLE: z.optional(z.string().check(z.minLength(1))),
  SHIELD_TABLE: z.optional(z.string().check(z.minLength(1))),
  /** C2: Powertools idempotency records (withdrawal requests). */
  IDEMPOTENCY_TABLE: z.optional(z.string().check(z.minLength(1))),
  RISK_TABLE: z.optional(z.string().check(z.minLength(1))),
  USER_POOL_ID: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/))),
  USER_POOL_CLIENT_ID: z.optional(z.string().check(z.minLength(1))),
  /** D1: the admin pool and its app client (admin login, admin authorizer, offboarding). */
  ADMIN_POOL_ID: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/))),
  ADMIN_POOL_CLIENT_ID: z.optional(z.string().check(z.minLength(1))),
  SIGNING_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  DATA_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  /** E2: the personal-data vault function, the only holder of the data key. */
  VAULT_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  /** The user-mail function: emails a user by id. */
  USER_MAIL_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  /** The duress-check function (A5). */
  DURESS_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  SMS_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  /** F1: the CheckKycDocument function (magic bytes, size, PDF pages: the only holder of pdf-lib). */
  KYC_CHECK_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  /** The AnswerTask function, the one holder of Step Functions task tokens. */
  TASK_ANSWER_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  MAIL_FROM: z.optional(z.string().check(z.minLength(3))),
  /** B3: Secrets Manager secret (name or ARN) holding the platform's armored OpenPGP private key. */
  PGP_KEY_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** B3: the secret holding only the platform's public key (the public `GET /v1/pgp-key` route). */
  PGP_PUBLIC_KEY_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** B3: the PgpMailSigner function, the only one with OpenPGP.js and the platform key. */
  PGP_SIGNER_FUNCTION: z.optional(z.string().check(z.minLength(1))),
  /** C3: the custody system's SQS FIFO queue (lib/custody.ts). */
  CUSTODY_QUEUE_URL: z.optional(z.string().check(z.url())),
  /** JSON object: workflow name → state machine ARN. */
  STATE_MACHINES: z.optional(z.string()),
  /**
   * X3: the Pwned Passwords range API's base URL; unset means the public https://api.pwnedpasswords.com (a
   * test environment points it at its stub, as the cloud harness does).
   */
  PWNED_PASSWORDS_URL: z.optional(z.string().check(z.url())),
  /** JSON of the deploy settings (lambdas/kernel/settings.ts). */
  PALISADE_SETTINGS: z.optional(z.string()),
});
type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

let parsed: Env | undefined;

export function awsEnv(): Env {
  if (parsed) return parsed;
  const result = z.safeParse(envSchema, process.env);
  if (!result.success) {
    const names = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid Lambda environment: ${names}`);
  }
  parsed = result.data;
  return parsed;
}

/** A variable this function needs: absent means a deploy defect, reported by name. */
export function requireEnv<K extends keyof Env>(name: K): NonNullable<Env[K]> {
  const value = awsEnv()[name];
  if (value === undefined) throw new ConfigError(`Missing environment variable ${String(name)}`);
  return value as NonNullable<Env[K]>;
}

/** The settings parsed from the environment, and the text they were parsed from. */
let settingsOf: { raw: string | undefined; settings: Settings } | undefined;

/**
 * The deploy settings from PALISADE_SETTINGS, parsed (JSON, then the settings' zod schema) once per container:
 * the environment does not change under a running function, and handlers ask at each request (the KYC
 * limits of a withdrawal, a KYC record's rating). Nobody changes the answer; it is the same object each time.
 */
export function envSettings(): Settings {
  const raw = awsEnv().PALISADE_SETTINGS;
  if (!settingsOf || settingsOf.raw !== raw)
    settingsOf = { raw, settings: parseSettings(raw ? JSON.parse(raw) : {}) };
  return settingsOf.settings;
}

/** Builds a value once per Lambda container, on first use. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
