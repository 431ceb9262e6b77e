// F2: the roster backfill, an operator's one-off task. Customers who signed up before screening existed (or
// whose enrolment never happened) are not in the roster, so no re-screen covers them. The backfill lists every
// account page by page, enrols each one missing with the facts sign-up enrols (the username as the name,
// through intake's `nameOfUsername`: one source of truth), and then starts the standard re-screen of the
// whole roster once, against the list versions in force. Idempotent: a second run finds everyone enrolled,
// enrols nothing and starts nothing. With no list version in force it only enrols (the first load re-screens).
import * as z from 'zod/mini';
import type { AccountPage } from '../account/contracts.js';
import type { ListStore } from '../kernel/ports/list-store.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import { SCREENED_LISTS } from './config.js';
import { nameOfUsername } from './intake.js';
import type { ScreeningStore } from './screening-store.js';

/** Accounts read per page of the listing. */
export const BACKFILL_PAGE = 100;

/**
 * One step of the backfill, as the operator's caller asks it (the AWS function `BackfillRoster`, the local
 * route `POST /_local/screening/backfill`): a page of accounts from `cursor`, then the re-screen once every
 * page is done. The cursor is opaque to the caller (the account listing's, base64url); it is checked for its
 * alphabet and size here, and for its content by the listing (a forged one is a validation error).
 */
export const backfillRequest = z.union([
  z.object({
    step: z.literal('page'),
    cursor: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9_-]{1,2048}$/, 'an opaque cursor from the previous page')),
    ),
    limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  }),
  z.object({ step: z.literal('rescreen') }),
]);
export type BackfillRequest = z.infer<typeof backfillRequest>;

export interface BackfillPage {
  /** Accounts seen on this page. */
  readonly seen: number;
  readonly alreadyEnrolled: number;
  readonly enrolledNow: number;
  /** Where the listing resumes; absent after the last page. */
  readonly next?: string;
}

export interface BackfillPorts {
  /** The account store's listing (AccountStore.listAccounts). */
  accounts: { listAccounts(limit: number, cursor?: string): Promise<AccountPage> };
  roster: Pick<ScreeningStore, 'enrolled' | 'enrol'>;
}

/** One page of the backfill: the page's accounts missing from the roster are enrolled. */
export async function backfillPage(
  ports: BackfillPorts,
  cursor?: string,
  limit = BACKFILL_PAGE,
): Promise<BackfillPage> {
  const page = await ports.accounts.listAccounts(limit, cursor);
  let alreadyEnrolled = 0;
  let enrolledNow = 0;
  for (const account of page.accounts) {
    if (await ports.roster.enrolled(account.userId)) alreadyEnrolled += 1;
    else {
      await ports.roster.enrol({ userId: account.userId, name: nameOfUsername(account.username) });
      enrolledNow += 1;
    }
  }
  return {
    seen: page.accounts.length,
    alreadyEnrolled,
    enrolledNow,
    ...(page.next ? { next: page.next } : {}),
  };
}

/** The execution name of a backfill's re-screen: its own per run, so it is not the list load's (already run). */
export const backfillRescreenName = (at: Date): string =>
  `rescreen-backfill-${at
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}`;

export type BackfillRescreen =
  | { readonly started: true; readonly rescreen: string; readonly lists: readonly string[] }
  | { readonly started: false; readonly reason: 'no-list-version' };

/**
 * The re-screen of the whole roster after a backfill: the workflow's `rescreen` input, as a list load starts
 * it (list-loading.ts), against the versions in force; none in force: not started (nothing to screen against).
 */
export async function startBackfillRescreen(
  ports: { lists: Pick<ListStore, 'current'>; workflows: Pick<Workflows, 'start'> },
  at: Date,
): Promise<BackfillRescreen> {
  const manifests = await Promise.all(SCREENED_LISTS.map(({ list }) => ports.lists.current(list)));
  const inForce = manifests.flatMap((m) => (m ? [m] : []));
  const first = inForce[0];
  if (!first) return { started: false, reason: 'no-list-version' };
  const { executionId } = await ports.workflows.start(
    'screening',
    { trigger: 'rescreen', list: first.list, version: first.version, backfill: true },
    backfillRescreenName(at),
  );
  return { started: true, rescreen: executionId, lists: inForce.map((m) => `${m.list}@${m.version}`) };
}

/** One step of the backfill (a page, or the closing re-screen), for a caller that hands the cursor back. */
export async function backfillStep(
  ports: BackfillPorts & Parameters<typeof startBackfillRescreen>[0],
  request: BackfillRequest,
  now: () => Date,
): Promise<BackfillPage | BackfillRescreen> {
  if (request.step === 'rescreen') return startBackfillRescreen(ports, now());
  return backfillPage(ports, request.cursor, request.limit);
}

export interface BackfillSummary {
  readonly accountsSeen: number;
  readonly alreadyEnrolled: number;
  readonly enrolledNow: number;
  readonly pages: number;
  /** Started only when someone was enrolled now and a list version is in force. */
  readonly rescreen?: BackfillRescreen;
}

/** The whole backfill in one process (tests; an AWS one-off would run this): every page, then the re-screen. */
export async function backfillRoster(
  ports: BackfillPorts & Parameters<typeof startBackfillRescreen>[0],
  options: { now: () => Date; limit?: number; onPage?: (page: BackfillPage) => void },
): Promise<BackfillSummary> {
  let cursor: string | undefined;
  let accountsSeen = 0;
  let alreadyEnrolled = 0;
  let enrolledNow = 0;
  let pages = 0;
  do {
    const page = await backfillPage(ports, cursor, options.limit);
    options.onPage?.(page);
    pages += 1;
    accountsSeen += page.seen;
    alreadyEnrolled += page.alreadyEnrolled;
    enrolledNow += page.enrolledNow;
    cursor = page.next;
  } while (cursor !== undefined);
  const rescreen = enrolledNow > 0 ? await startBackfillRescreen(ports, options.now()) : undefined;
  return { accountsSeen, alreadyEnrolled, enrolledNow, pages, ...(rescreen ? { rescreen } : {}) };
}
