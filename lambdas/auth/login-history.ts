// A9 login history as the caller reads it: the page contract and the cursor. The cursor is the query's
// LastEvaluatedKey, base64url-encoded JSON: opaque to the client, checked on the way back in, and refused
// unless it points into the caller's own partition, among the login rows.
import * as z from 'zod/mini';
import { ValidationError } from '../kernel/errors.js';
import { LOGIN_REFUSALS, type LoginEvent } from './login-store.js';

export const LOGINS_PAGE = Object.freeze({ defaultLimit: 20, maxLimit: 50 });

export const loginsQuery = z.object({
  /** Page size, 1–50; 20 when absent. */
  limit: z.optional(z.string().check(z.regex(/^(?:[1-9]|[1-4]\d|50)$/))),
  /** `next` of the previous page. */
  cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,512}$/))),
});
export type LoginsQuery = z.infer<typeof loginsQuery>;

export const loginView = z.object({
  at: z.iso.datetime(),
  ip: z.string(),
  /** ISO 3166-1 alpha-2, when known. */
  country: z.optional(z.string()),
  browser: z.string(),
  outcome: z.enum(['success', 'refused']),
  /** Why a refused login was refused (`password`: a wrong password; `totp-invalid`, `totp-code-used`, …). */
  reason: z.optional(z.enum(LOGIN_REFUSALS)),
  /** The session a successful login opened (as `GET /v1/me/sessions` lists it). */
  sessionId: z.optional(z.string()),
});
export type LoginView = z.infer<typeof loginView>;

export const loginsResponse = z.object({
  logins: z.array(loginView),
  /** Present while older entries may follow: pass it as `cursor`. */
  next: z.optional(z.string()),
});
export type LoginsResponse = z.infer<typeof loginsResponse>;

const cursorKey = z.strictObject({
  pk: z.string().check(z.regex(/^USER#[A-Za-z0-9-]{1,128}$/)),
  sk: z.string().check(z.regex(/^LOGIN#[0-9T:.Z-]{20,30}#[A-Za-z0-9_-]{1,64}$/)),
});
export type LoginsCursorKey = z.infer<typeof cursorKey>;

const invalidCursor = () => new ValidationError('Invalid cursor', undefined, 'INVALID_CURSOR');

export const encodeCursor = (key: LoginsCursorKey): string =>
  Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk }), 'utf8').toString('base64url');

/** The start key a cursor stands for, only when it is well formed and lies in `userId`'s partition. */
export function decodeCursor(cursor: string, userId: string): LoginsCursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = z.safeParse(cursorKey, parsed);
  if (!result.success || result.data.pk !== `USER#${userId}`) throw invalidCursor();
  return result.data;
}

export const pageLimit = (limit: string | undefined): number =>
  limit === undefined ? LOGINS_PAGE.defaultLimit : Math.min(Number(limit), LOGINS_PAGE.maxLimit);

export const loginViews = (logins: readonly LoginEvent[]): LoginView[] =>
  logins.map((l) => ({
    at: l.at,
    ip: l.ip,
    ...(l.country ? { country: l.country } : {}),
    browser: l.browser,
    outcome: l.outcome,
    ...(l.reason ? { reason: l.reason } : {}),
    ...(l.sessionId ? { sessionId: l.sessionId } : {}),
  }));
