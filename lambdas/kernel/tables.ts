// The DynamoDB tables: one description read by CDK (lib/data.ts) and by the local runtime, so the key
// schema, indexes and TTL are the same in the cloud and on a laptop.
export interface IndexSpec {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableSpec {
  /** Logical name: the construct id, the local table name, and the name signed into every row. */
  logicalName: string;
  /** Whether its rows are signed rows (E1), read and written only through SignedTable. */
  signed: boolean;
  /** The Lambda environment variable holding the physical table name. */
  envVar: 'ACCOUNTS_TABLE' | 'AUDIT_TABLE' | 'SHIELD_TABLE' | 'IDEMPOTENCY_TABLE' | 'RISK_TABLE';
  /**
   * Whether the key-rotation job may re-sign its rows. Audit records never are: each record's hash, which
   * the next record links to, covers its version, so they keep the key that signed them (old signing keys
   * are never deleted, only disabled for signing).
   */
  resignable: boolean;
  partitionKey: 'pk';
  sortKey: 'sk';
  /** Attribute DynamoDB expires items by; expiry is also checked on every read (dynalite has no TTL). */
  ttlAttribute?: string;
  indexes: readonly IndexSpec[];
  /**
   * E1: the rows whose rollback would undo a security decision, as a pattern over `<pk>\n<sk>`. Every write
   * of one also writes its head in the same transaction, and every read holds the row to its newest head, so
   * an older signed copy put back is refused even by a container that never saw the newer one
   * (`kernel/integrity/signed-table.ts`, docs/data-protection.md). Such a row is never deleted. The named
   * group `expiring` marks rows with a TTL, which may leave without a trace: only those whose absence
   * refuses anyway (a session).
   */
  ledger?: RegExp;
  /** Why the rows are kept: audit and verification records are kept at least five years (F5). */
  retention: 'operational' | 'five-years';
}

/** E1: the partition key of every head of the ledger starts with it; a head holds its key and nothing else. */
export const HEAD_PREFIX = 'HEAD#';

export const TABLES = {
  accounts: {
    logicalName: 'Accounts',
    signed: true,
    envVar: 'ACCOUNTS_TABLE',
    resignable: true,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'ttl',
    indexes: [],
    // Account status and revocation instant; sessions; security state and holds; withdrawal addresses and
    // their whitelist claims; whitelisted devices (A7); the withdrawal ledger and limits; admin directory
    // rows and admin sessions; admin requests; compliance cases and breach incidents (F3, F6); the KYC record
    // (X4: a rolled-back level would restore higher limits); the sanctioned-address index (F2: a rolled-back
    // shard would let a withdrawal go to a newly listed address).
    ledger:
      /^(USER#.+\n(ACCOUNT|SECURITY|KYC|(?<expiring>SESSION#.+)|(ADDRESS|WHITELIST|DEVICE)#.+|WITHDRAWAL-L(EDGER|IMITS))|ADMIN(#.+\n(PROFILE|SESSION#.+)|REQ#.+\nREQUEST)|CASE#.+\nCASE|INCIDENT#.+\nINCIDENT|SCREENING#ADDRESSES#.+\nSHARD#\d{2})$/,
    retention: 'operational',
  },
  audit: {
    logicalName: 'Audit',
    signed: true,
    envVar: 'AUDIT_TABLE',
    resignable: false,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'byTarget', partitionKey: 'targetKey', sortKey: 'at' },
      { name: 'byActor', partitionKey: 'actorKey', sortKey: 'at' },
    ],
    retention: 'five-years',
  },
  /**
   * A3 bot shield: failure counters and lockouts per account, source address and network, expiring by TTL
   * (and checked on read). Plain conditional counters, not signed rows: they change on every failed login.
   */
  shield: {
    logicalName: 'Shield',
    signed: false,
    envVar: 'SHIELD_TABLE',
    resignable: false,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'ttl',
    indexes: [],
    retention: 'operational',
  },
  /**
   * G1 login risk: each user's bounded history of successful logins as the model reads it (one row per user,
   * `USER#<id>` / `HISTORY`, the last 200 logins within 183 days, IP, network and User-Agent pseudonymised),
   * and the population's counts of every feature value, sharded counters changed only by atomic `ADD`
   * (`POP#<feature>#<value>` and `POPTOTAL`, sort key `S#<shard>`). Not signed: the counters change on every
   * login, and the rows decide only how much proof a login asks for, never grant anything by themselves.
   */
  risk: {
    logicalName: 'LoginRisk',
    signed: false,
    envVar: 'RISK_TABLE',
    resignable: false,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'ttl',
    indexes: [],
    retention: 'operational',
  },
  /**
   * C2: Powertools idempotency records of value-moving requests (a withdrawal's Idempotency-Key): the
   * request's status and its first response, expiring by TTL. Not signed: they hold no account data, only
   * a hash of the request and the response already sent to its client.
   */
  idempotency: {
    logicalName: 'Idempotency',
    signed: false,
    envVar: 'IDEMPOTENCY_TABLE',
    resignable: false,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiration',
    indexes: [],
    retention: 'operational',
  },
} as const satisfies Record<string, TableSpec>;

export type TableId = keyof typeof TABLES;
/** The tables whose rows are signed rows. */
export type SignedTableId = {
  [K in TableId]: (typeof TABLES)[K]['signed'] extends true ? K : never;
}[TableId];
export const SIGNED_TABLE_IDS = (Object.keys(TABLES) as TableId[]).filter(
  (id) => TABLES[id].signed,
) as SignedTableId[];

/**
 * The partitions of the accounts table that hold Step Functions task tokens (a withdrawal review's, an admin
 * request's). Every token row's partition key starts with it, and nothing else's does, so IAM can fence them
 * by `dynamodb:LeadingKeys`: only the AnswerTask function reaches them (lib/grants/task-tokens.ts).
 */
export const TASK_TOKEN_PARTITION_PREFIX = 'TASKTOKEN#';

/**
 * F2: the partitions of the accounts table that hold the screening roster (`SCREENROSTER#<nnn>` / `<userId>`,
 * lambdas/screening/screening-store.ts). The roster backfill's role may read and put these rows only
 * (`screening-roster:write`, by `dynamodb:LeadingKeys`); test/cloud/operator.test.ts runs the store's
 * writes under that grant, and test/unit/screening-backfill-aws.test.ts checks the store's keys against it.
 */
export const SCREENING_ROSTER_PARTITION_PREFIX = 'SCREENROSTER#';
