// D5: reveals in force. An executed `reveal-personal-data` request writes one grant row: the admin who asked
// for it may see those fields of that user in clear until the window ends. Rows are never removed (signed
// rows have no delete); a grant past its end simply no longer counts.
//   ADMIN-REVEAL#<adminId>#<userId> / <requestId>    fields, grantedAt, until
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PersonalField } from './permissions.js';

export interface RevealGrant {
  adminId: string;
  userId: string;
  requestId: string;
  fields: PersonalField[];
  grantedAt: string;
  until: string;
}

type GrantRow = RevealGrant & { pk: string; sk: string; version: number } & Record<string, unknown>;

const partition = (adminId: string, userId: string) => `ADMIN-REVEAL#${adminId}#${userId}`;

export class RevealGrants {
  constructor(private readonly table: SignedTable) {}

  /**
   * Writes the grant of an executed reveal request, once: a retried execution finds it written and keeps
   * the first window (it does not extend it).
   */
  async grant(grant: RevealGrant): Promise<{ grant: RevealGrant; created: boolean }> {
    const key = { pk: partition(grant.adminId, grant.userId), sk: grant.requestId };
    try {
      await this.table.create<GrantRow>({ ...key, ...grant });
      return { grant, created: true };
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      const existing = await this.table.get<GrantRow>(key);
      if (!existing) throw err;
      return { grant: strip(existing), created: false };
    }
  }

  /** Field → the latest end of a grant in force at `now` for this admin and user. */
  async inForce(adminId: string, userId: string, now: Date): Promise<Map<PersonalField, string>> {
    const fields = new Map<PersonalField, string>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<GrantRow>(partition(adminId, userId), startKey ? { startKey } : {});
      for (const row of page.items) {
        if (Date.parse(row.until) <= now.getTime() || Date.parse(row.grantedAt) > now.getTime()) continue;
        for (const field of row.fields) {
          const known = fields.get(field);
          if (!known || known < row.until) fields.set(field, row.until);
        }
      }
      startKey = page.next;
    } while (startKey);
    return fields;
  }
}

const strip = (row: GrantRow): RevealGrant => ({
  adminId: row.adminId,
  userId: row.userId,
  requestId: row.requestId,
  fields: row.fields,
  grantedAt: row.grantedAt,
  until: row.until,
});
