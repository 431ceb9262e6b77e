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
  partitionKey: 'pk';
  sortKey: 'sk';
  /** Attribute DynamoDB expires items by; expiry is also checked on every read (dynalite has no TTL). */
  ttlAttribute?: string;
  indexes: readonly IndexSpec[];
  /** Why the rows are kept: audit and verification records are kept at least five years (F5). */
  retention: 'operational' | 'five-years';
}

export const TABLES = {
  accounts: {
    logicalName: 'Accounts',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'ttl',
    indexes: [],
    retention: 'operational',
  },
  audit: {
    logicalName: 'Audit',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'byTarget', partitionKey: 'targetKey', sortKey: 'at' },
      { name: 'byActor', partitionKey: 'actorKey', sortKey: 'at' },
    ],
    retention: 'five-years',
  },
} as const satisfies Record<string, TableSpec>;

export type TableId = keyof typeof TABLES;
