// C1: the rules of an address label. The user names an address for their own list ("cold wallet"); the
// label is never put into an email or a record, but it is still kept short, one line, printable, and never
// something a client would turn into a link.
import type { CodeOf } from '../kernel/error-codes.js';
import { ValidationError } from '../kernel/errors.js';

/** The longest label, in characters. */
export const MAX_LABEL_LENGTH = 64;

const refuse = (message: string, code: CodeOf<400>) =>
  new ValidationError(message, [{ path: 'label', message }], code);

/** Control, format (bidi, zero-width), private-use, unassigned and line/paragraph separators. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const LINK = [
  /[a-z][a-z0-9+.-]*:\/\//i, // scheme://
  /\b(?:www|ftp)\./i,
  /\b(?:mailto|javascript|data|file|tel):/i,
  /[^\s@]+@[^\s@]+\.[^\s@]+/, // an email address
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b/i, // a domain name
];

/** The stored form of a label (NFC, trimmed, inner blanks collapsed), or a ValidationError with a code. */
export function checkLabel(input: string): string {
  const label = input.normalize('NFC').trim().replace(/ {2,}/g, ' ');
  const length = [...label].length;
  if (length < 1 || length > MAX_LABEL_LENGTH) {
    throw refuse(`The label must be 1 to ${MAX_LABEL_LENGTH} characters long`, 'LABEL_LENGTH');
  }
  if (NOT_PRINTABLE.test(label) || /[\t\r\n]/.test(label)) {
    throw refuse('The label must be one line of printable characters', 'LABEL_NOT_PRINTABLE');
  }
  if (LINK.some((pattern) => pattern.test(label))) {
    throw refuse('The label must not contain a link, a domain name or an email address', 'LABEL_HAS_LINK');
  }
  return label;
}
