// The screening context's functions (F2): the screening workflow's tasks, with the access each needs.
// Lists are read from the ListStore at run time (screening-lists:read), never bundled.
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';

/**
 * One customer: reads their roster entry (or enrols the account's username), screens, records, acts. The
 * roster's facts are sealed (E2): the vault opens and seals them.
 */
export const SCREEN_CUSTOMER: FunctionSpec = {
  id: 'ScreenCustomer',
  entry: 'lambdas/screening/handlers/screen-customer.ts',
  // The decision, roster and freeze rows, the case (openCase) and the audit records (outbox).
  access: reads('accounts:write', 'screening-lists:read', 'vault:invoke'),
};

/** The roster's partitions: the re-screen's Map items (reads nothing). */
export const LIST_ROSTER_PARTITIONS: FunctionSpec = {
  id: 'ListRosterPartitions',
  entry: 'lambdas/screening/handlers/list-roster-partitions.ts',
  access: [],
};

/** One page of one roster partition, re-screened against the versions in force. */
export const RESCREEN_PAGE: FunctionSpec = {
  id: 'RescreenPage',
  entry: 'lambdas/screening/handlers/rescreen-page.ts',
  // The roster page's facts are sealed (E2): opened by the vault, one call per customer.
  access: reads('accounts:write', 'screening-lists:read', 'vault:invoke'),
};

/**
 * The roster backfill (operator, one step per invocation): lists every account (a Scan), enrols those
 * missing from the roster, then starts one re-screen. No request, schedule or workflow invokes it.
 */
export const BACKFILL_ROSTER: FunctionSpec = {
  id: 'BackfillRoster',
  entry: 'lambdas/screening/handlers/backfill-roster.ts',
  // the roster's facts are sealed (E2): each enrolment seals through the vault
  access: reads(
    'accounts:scan',
    'screening-roster:write',
    'screening-lists:read',
    'screening:start',
    'vault:invoke',
  ),
  // a page of BACKFILL_PAGE (100) accounts: a verified scan page, then a get and a signed put per account
  // missing (~25 ms each against DynamoDB and KMS: ~3 s); a caller's `limit` up to 1,000 stays well within
  sizing: { timeoutSeconds: 120 },
};
