// F3: what the admin case routes share: the case as an admin sees it, the list's cursor, the case id check.
import * as z from 'zod/mini';
import { type Case, CaseNotFound, type CaseView, caseView, stepsFrom } from '../cases/contracts.js';
import { ValidationError } from '../kernel/errors.js';

const CASE_ID = /^case_[A-Za-z0-9_-]{8,64}$/;

/** The case id of the path, or CASE_NOT_FOUND: an id of another shape names no case. */
export function caseIdOf(pathParams: Record<string, string>): string {
  const id = pathParams.caseId ?? '';
  if (!CASE_ID.test(id)) throw new CaseNotFound('No such case');
  return id;
}

export const caseViewOf = (c: Case): CaseView =>
  caseView.parse({
    ...c,
    steps: stepsFrom(c.status),
  });

// The cursor: the list row's sort key, base64url-encoded, checked on the way back in.
const listSortKey = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]{8,12}Z#case_[A-Za-z0-9_-]{8,64}$/));

export const encodeCaseCursor = (sk: string): string => Buffer.from(sk, 'utf8').toString('base64url');

export function decodeCaseCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!z.safeParse(listSortKey, sk).success) {
    throw new ValidationError('Invalid cursor', undefined, 'INVALID_CURSOR');
  }
  return sk;
}
