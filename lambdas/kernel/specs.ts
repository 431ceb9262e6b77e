// What a function is and what it may touch: the types every context's routes.ts declares its functions with,
// read by the catalogue, CDK (lib/grants) and the runtime's environment check.

/**
 * What a function may touch; lib/grants turns each into the narrowest IAM grant, and ACCESS_ENV
 * (lambdas/kernel/runtime/access-env.ts) names the environment variables it needs. Table access includes
 * the signing key: reading a signed table needs its public key (kms:GetPublicKey), writing needs kms:Sign.
 * `audit:append` may only add records (PutItem, never Update or Delete).
 */
export type Access =
  | 'accounts:read'
  | 'accounts:write'
  /**
   * F2: the roster backfill's listing of every account: dynamodb:Scan of the accounts table (an operator's
   * one-off task, never a request's path), with the head reads that verify the ledgered account rows.
   */
  | 'accounts:scan'
  /** F2: enrol customers in the screening roster (read and put SCREENROSTER# rows only). */
  | 'screening-roster:write'
  | 'audit:append'
  | 'audit:read'
  /** D3: list and read the audit chain's checkpoints (the S3 bucket with Object Lock). */
  | 'audit-checkpoint:read'
  /** D3: add a checkpoint, signed with the platform signing key; the bucket refuses every other writer. */
  | 'audit-checkpoint:write'
  /** F2: read the screening lists' versions (current pointer, manifests, files) from their bucket. */
  | 'screening-lists:read'
  /** F2: store a new version of a screening list and make it current (the loader only). */
  | 'screening-lists:write'
  /** F2: presign the upload slots of a load-screening-list request's files (incoming/* only). */
  | 'screening-lists:stage'
  /**
   * F1: sign the presigned POSTs of KYC upload slots: the role may put objects under kyc/ only, encrypted by
   * S3 with the data key (kms:GenerateDataKey via S3). It reads nothing.
   */
  | 'kyc-documents:stage'
  /** F1: the server-side check of an upload: read, size and delete (by version) the objects under kyc/. */
  | 'kyc-documents:check'
  /**
   * F5: erase the KYC documents of customers past retention: list the versions under kyc/ and tag them for
   * the bucket's lifecycle rule (palisade:erase), never read or delete an object.
   */
  | 'kyc-documents:erase'
  /** F5: the retention sweep's rows: read and tombstone the retained partitions, delete due-index entries. */
  | 'retention:sweep'
  /** F1: ask the CheckKycDocument function (the only holder of the document reader and pdf-lib). */
  | 'kyc-check:invoke'
  /** F1: the verification provider's URL and API key (its Secrets Manager secret, read only). */
  | 'kyc-provider:call'
  /**
   * F1: the provider webhook's signing secrets (read only) and its seen event ids: a conditional put of
   * `KYC-WEBHOOK#<id>` rows with a TTL in the Shield table, nothing else there.
   */
  | 'kyc-webhook:verify'
  | 'blind-index:key'
  | 'data-key:seal-open'
  | 'vault:invoke'
  | 'user-mail:send'
  | 'pgp-signer:invoke'
  | 'pgp-key:sign'
  | 'pgp-key:public'
  /** B3 at deploy time: fill the platform key's two secrets (Custom::PlatformPgpKey; read and write both). */
  | 'pgp-key:init'
  | 'duress:check'
  | 'identity:authenticate'
  | 'identity:mfa'
  /**
   * A8: the user pool's refresh-token exchange (GetTokensFromRefreshToken), which Cognito authorises by the
   * app client and the token, not by IAM: the pool's variables, no IAM action.
   */
  | 'identity:refresh'
  | 'shield:write'
  | 'shield:forget'
  /** G1: the login-risk rows: read a user's history and the population counts, add a login to both. */
  | 'risk:write'
  | 'identity:revoke'
  | 'identity:sign-out'
  | 'identity:read'
  | 'identity:create'
  | 'identity:enable'
  /** A1: deletes the directory user of a sign-up never verified within a day, to free its username. */
  | 'identity:delete'
  | 'identity:set-password'
  | 'identity:update-contact'
  | 'sms:invoke'
  | 'sms:publish'
  | 'suspension:start'
  | 'security-hold:start'
  /** C3: send a withdrawal to the custody system's queue (lib/custody.ts). */
  | 'custody:dispatch'
  /**
   * The user-mail function's own role hands a queued email that keeps failing to the on-failure queue
   * (Lambda's destination, lib/queued-mail.ts): SendMessage on that queue only.
   */
  | 'mail:failures'
  /**
   * C3/D2: ask the AnswerTask function to store or answer a task token (a withdrawal review's, an admin
   * request's), named by its domain ids; the caller never holds a token it did not receive itself.
   */
  | 'task-answer:invoke'
  /**
   * C3/D2: the AnswerTask function's own: the task-token rows (the TASKTOKEN# partitions of the accounts
   * table, read and written; the withdrawal records and admin requests they answer for, read) and
   * states:SendTaskSuccess/SendTaskFailure. Every other function's accounts access is denied those partitions.
   */
  | 'task-tokens:own'
  /** C2: start the withdrawal workflow (the request route). */
  | 'withdrawal:start'
  /** C2: Powertools idempotency records (get, put, update, delete on the idempotency table only). */
  | 'idempotency:use'
  | 'mail:send'
  /** D1: admin login against the admin pool (password, TOTP; global sign-out of a refused admin). */
  | 'admin-identity:authenticate'
  | 'admin-identity:reauthenticate'
  /** D4: offboarding in the admin pool: disable the admin and sign them out globally. */
  | 'admin-identity:revoke'
  /** D2: start the admin-approval workflow (a new admin request). */
  | 'admin-approval:start'
  /** F6: start the breach-notification workflow (a new incident). */
  | 'breach:start'
  /** F2: start the screening workflow (one customer, or the re-screen of the roster). */
  | 'screening:start';

/** Accesses that read signed rows: a function holding one must also hold INTEGRITY_ALARM. */
export const SIGNED_READS: readonly Access[] = [
  'accounts:read',
  'accounts:write',
  'accounts:scan',
  'screening-roster:write',
  'retention:sweep',
  'audit:read',
  'task-tokens:own',
];
/** A failed verification writes an audit record (E1), so every reader of signed rows may append one. */
export const INTEGRITY_ALARM: Access = 'audit:append';

/** The access of a function that reads signed rows: its own plus the integrity alarm's. */
export const reads = (...access: Access[]): Access[] => [...access, INTEGRITY_ALARM];

export interface FunctionSpec {
  /** Stable id: the construct id of the Lambda and the key of its bundle in bench/. */
  id: string;
  /** Handler module, relative to the repository root; it exports `handler` and `makeHandler`. */
  entry: string;
  access: readonly Access[];
  /**
   * A function whose work is measured to need more than its kind's default (a route 10 s, a workflow task
   * 30 s; 512 MB): the memory (MB) and timeout (s) CDK gives it, with the measurement beside the value.
   */
  sizing?: { readonly memoryMb?: number; readonly timeoutSeconds?: number };
}
