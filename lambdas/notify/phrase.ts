// B4: the rules of an anti-phishing phrase. It is shown at the top of every email, so it must be short, one
// line, printable, and never something a mail client would turn into a link (a URL, a domain, an address).
import type { CodeOf } from '../kernel/error-codes.js';
import { ValidationError } from '../kernel/errors.js';
import { MIN_PHRASE_LENGTH } from './contracts.js';
import { MAX_PHRASE_LENGTH } from './templates.js';

const refuse = (message: string, code: CodeOf<400>) =>
  new ValidationError(message, [{ path: 'phrase', message }], code);

/** Control, format (bidi, zero-width), separator and private-use characters: not printable. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const LINK = [
  /[a-z][a-z0-9+.-]*:\/\//i, // scheme://
  /\b(?:www|ftp)\./i,
  /\b(?:mailto|javascript|data|file|tel):/i,
  /[^\s@]+@[^\s@]+\.[^\s@]+/, // an address
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b/i, // a domain name
];

/** The stored form of a phrase (NFC, trimmed, inner blanks collapsed), or a ValidationError with a code. */
export function checkPhrase(input: string): string {
  const phrase = input.normalize('NFC').trim().replace(/ {2,}/g, ' ');
  const length = [...phrase].length;
  if (length < MIN_PHRASE_LENGTH || length > MAX_PHRASE_LENGTH) {
    throw refuse(
      `The phrase must be ${MIN_PHRASE_LENGTH} to ${MAX_PHRASE_LENGTH} characters long`,
      'PHRASE_LENGTH',
    );
  }
  if (NOT_PRINTABLE.test(phrase) || /[\t\r\n]/.test(phrase)) {
    throw refuse('The phrase must be one line of printable characters', 'PHRASE_NOT_PRINTABLE');
  }
  if (LINK.some((pattern) => pattern.test(phrase))) {
    throw refuse('The phrase must not contain a link, a domain name or an email address', 'PHRASE_HAS_LINK');
  }
  return phrase;
}
