// The environment variables each catalogue Access needs: lib/ hands them to a function, the runtime checks.
// Dependency-free (one type import), so a Lambda bundle can check its environment at init at no cost.
import type { Access } from '../specs.js';

/**
 * What every function gets, whatever its access: the stack's resource names and ids (no secrets), the
 * Powertools names, the source-map switch and the function's own access list (ACCESS_VARIABLE).
 */
export const BASE_ENV = [
  'ACCOUNTS_TABLE',
  'AUDIT_TABLE',
  'SHIELD_TABLE',
  'IDEMPOTENCY_TABLE',
  'RISK_TABLE',
  'USER_POOL_ID',
  'USER_POOL_CLIENT_ID',
  'ADMIN_POOL_ID',
  'ADMIN_POOL_CLIENT_ID',
  'SIGNING_KEY_ID',
  'DATA_KEY_ID',
  'MAIL_FROM',
  'PALISADE_SETTINGS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'NODE_OPTIONS',
  'PALISADE_ACCESS',
  'PALISADE_REQUIRED_ENV',
] as const;
export type BaseEnvName = (typeof BASE_ENV)[number];

/** The variable holding a function's access list, comma-separated (lib/functions.ts sets it). */
export const ACCESS_VARIABLE = 'PALISADE_ACCESS' satisfies BaseEnvName;

const USER_POOL = ['USER_POOL_ID', 'USER_POOL_CLIENT_ID'] as const;
const ADMIN_POOL = ['ADMIN_POOL_ID', 'ADMIN_POOL_CLIENT_ID'] as const;

/** The variables a function holding each Access reads; lib/grants type-checks that it provides them. */
export const ACCESS_ENV = {
  'accounts:read': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'accounts:write': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'accounts:scan': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'screening-roster:write': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'audit:append': ['AUDIT_TABLE', 'SIGNING_KEY_ID'],
  'audit:read': ['AUDIT_TABLE', 'SIGNING_KEY_ID'],
  'audit-checkpoint:read': ['AUDIT_CHECKPOINT_BUCKET', 'SIGNING_KEY_ID'],
  'audit-checkpoint:write': ['AUDIT_CHECKPOINT_BUCKET', 'SIGNING_KEY_ID'],
  'screening-lists:read': ['SCREENING_LISTS_BUCKET'],
  'screening-lists:write': ['SCREENING_LISTS_BUCKET'],
  'screening-lists:stage': ['SCREENING_LISTS_BUCKET'],
  'kyc-documents:stage': ['KYC_DOCUMENTS_BUCKET', 'KYC_DOCUMENTS_KEY_ARN'],
  'kyc-documents:check': ['KYC_DOCUMENTS_BUCKET'],
  'kyc-documents:erase': ['KYC_DOCUMENTS_BUCKET'],
  'retention:sweep': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'kyc-check:invoke': ['KYC_CHECK_FUNCTION'],
  'kyc-provider:call': ['KYC_PROVIDER_SECRET'],
  'kyc-webhook:verify': ['KYC_WEBHOOK_SECRET', 'SHIELD_TABLE'],
  'blind-index:key': ['DATA_KEY_ID'],
  'data-key:seal-open': ['DATA_KEY_ID'],
  'idempotency:use': ['IDEMPOTENCY_TABLE'],
  'shield:write': ['SHIELD_TABLE'],
  'shield:forget': ['SHIELD_TABLE'],
  'risk:write': ['RISK_TABLE'],
  'vault:invoke': ['VAULT_FUNCTION'],
  'user-mail:send': ['USER_MAIL_FUNCTION'],
  'pgp-signer:invoke': ['PGP_SIGNER_FUNCTION'],
  'duress:check': ['DURESS_FUNCTION'],
  'sms:invoke': ['SMS_FUNCTION'],
  'task-answer:invoke': ['TASK_ANSWER_FUNCTION'],
  'identity:authenticate': USER_POOL,
  'identity:mfa': USER_POOL,
  'identity:refresh': USER_POOL,
  'identity:revoke': USER_POOL,
  'identity:sign-out': USER_POOL,
  'identity:read': USER_POOL,
  'identity:create': USER_POOL,
  'identity:enable': USER_POOL,
  'identity:delete': USER_POOL,
  'identity:set-password': USER_POOL,
  'identity:update-contact': USER_POOL,
  'admin-identity:authenticate': ADMIN_POOL,
  'admin-identity:reauthenticate': ADMIN_POOL,
  'admin-identity:revoke': ADMIN_POOL,
  // JSON of workflow name → state machine ARN.
  'suspension:start': ['STATE_MACHINES'],
  'security-hold:start': ['STATE_MACHINES'],
  'withdrawal:start': ['STATE_MACHINES'],
  'admin-approval:start': ['STATE_MACHINES'],
  'breach:start': ['STATE_MACHINES'],
  'screening:start': ['STATE_MACHINES'],
  // The token rows (accounts table) and SendTask*: a task token names its execution, so no state machine.
  'task-tokens:own': ['ACCOUNTS_TABLE', 'SIGNING_KEY_ID'],
  'mail:send': ['MAIL_FROM'],
  // SMS goes to a phone number, which needs no variable.
  'sms:publish': [],
  'pgp-key:sign': ['PGP_KEY_SECRET'],
  'pgp-key:public': ['PGP_PUBLIC_KEY_SECRET'],
  'pgp-key:init': ['PGP_KEY_SECRET', 'PGP_PUBLIC_KEY_SECRET'],
  'custody:dispatch': ['CUSTODY_QUEUE_URL'],
  // Lambda itself sends to the on-failure queue with the function's role: the code names nothing.
  'mail:failures': [],
} as const satisfies Record<Access, readonly string[]>;

/** The variables an access list needs, each once, in the order of the list. */
export function requiredEnv(access: readonly Access[]): string[] {
  return [...new Set(access.flatMap((item) => ACCESS_ENV[item]))];
}

/** Throws, naming every missing (or empty) variable and the accesses that need them. */
export function checkEnv(
  access: readonly Access[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const missing = requiredEnv(access).filter((name) => !env[name]);
  if (missing.length === 0) return;
  const needing = [...new Set(access)].filter((item) =>
    ACCESS_ENV[item].some((name: string) => missing.includes(name)),
  );
  throw new Error(
    `Missing environment variable(s) ${missing.join(', ')} required by access ${needing.join(', ')}`,
  );
}

/** The access list of ACCESS_VARIABLE; an unknown name is a deploy defect. */
export function accessOf(env: Readonly<Record<string, string | undefined>> = process.env): Access[] {
  const raw = env[ACCESS_VARIABLE];
  if (raw === undefined) throw new Error(`Missing environment variable ${ACCESS_VARIABLE}`);
  const items = raw.split(',').filter((item) => item !== '');
  const unknown = items.filter((item) => !isAccess(item));
  if (unknown.length > 0) throw new Error(`${ACCESS_VARIABLE} names unknown access ${unknown.join(', ')}`);
  return items.filter(isAccess);
}

const isAccess = (item: string): item is Access => Object.hasOwn(ACCESS_ENV, item);
