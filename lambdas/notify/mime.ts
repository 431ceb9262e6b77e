// MIME entities for outgoing email (RFC 2045/2046): the text + HTML alternative body, and the PGP/MIME
// wrappers of RFC 3156 (multipart/signed, multipart/encrypted). Everything is 7-bit with CRLF line ends, so
// a signed entity reaches the reader byte for byte as it was signed. The message headers (From, To,
// Subject, Date) are the mailer adapter's business.
import { randomBytes } from 'node:crypto';

const CRLF = '\r\n';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A boundary that cannot occur in quoted-printable or base64 content (`=_` is never produced by either). */
export const boundary = (kind: string) => `=_${kind}_${randomBytes(12).toString('hex')}`;

const HEX = '0123456789ABCDEF';
const hex = (byte: number) => `=${HEX[byte >> 4]}${HEX[byte & 15]}`;

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: CRLF line ends, lines of at most 76 characters, trailing
 * white space encoded, and `From ` at the start of a line encoded (RFC 3156 §3), so mail relays have no
 * reason to touch a signed body.
 */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines.map(encodeLine).join(CRLF);
}

function encodeLine(line: string): string {
  const bytes = encoder.encode(line);
  const tokens: string[] = [];
  bytes.forEach((byte, i) => {
    const last = i === bytes.length - 1;
    const printable = byte >= 33 && byte <= 126 && byte !== 61;
    const blank = (byte === 32 || byte === 9) && !last;
    tokens.push(printable || blank ? String.fromCharCode(byte) : hex(byte));
  });
  if (line.startsWith('From ')) tokens[0] = hex(0x46);
  if (line === '.') tokens[0] = hex(0x2e);
  const out: string[] = [];
  let current = '';
  for (const token of tokens) {
    // 75 characters and a soft break `=` make the 76 allowed.
    if (current.length + token.length > 75) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join(CRLF);
}

/** Decodes quoted-printable back to text with LF line ends (what a reader does; tests use it). */
export function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r?\n/g, '').replace(/\r\n/g, '\n');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const char = joined[i] as string;
    if (char === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...encoder.encode(char));
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** The readable body: multipart/alternative of text/plain and text/html, both UTF-8 quoted-printable. */
export function alternativeEntity(text: string, html: string): Uint8Array {
  const b = boundary('alt');
  const part = (type: string, body: string) =>
    [
      `--${b}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(body),
    ].join(CRLF);
  return ascii(
    [
      'Content-Type: multipart/alternative;',
      ` boundary="${b}"`,
      '',
      part('text/plain', text),
      part('text/html', html),
      `--${b}--`,
    ].join(CRLF),
  );
}

/**
 * RFC 3156 §5 multipart/signed: the first part is `entity` exactly as signed (the CRLF before the next
 * delimiter belongs to the delimiter), the second the armored detached signature over those bytes.
 */
export function signedEntity(entity: Uint8Array, armoredSignature: string, micalg: string): Uint8Array {
  const b = boundary('signed');
  const head = [
    'Content-Type: multipart/signed;',
    ` boundary="${b}";`,
    ` micalg=${micalg};`,
    ' protocol="application/pgp-signature"',
    '',
    'This is an OpenPGP/MIME signed message (RFC 4880 and 3156).',
    `--${b}`,
    '',
  ].join(CRLF);
  const tail = [
    '',
    `--${b}`,
    'Content-Type: application/pgp-signature; name="signature.asc"',
    'Content-Description: OpenPGP digital signature',
    'Content-Disposition: attachment; filename="signature.asc"',
    '',
    crlf(armoredSignature).trimEnd(),
    `--${b}--`,
    '',
  ].join(CRLF);
  return concat(ascii(head), entity, ascii(tail));
}

/** RFC 3156 §4 multipart/encrypted: the version part, then the armored OpenPGP message. */
export function encryptedEntity(armoredMessage: string): Uint8Array {
  const b = boundary('encrypted');
  return ascii(
    [
      'Content-Type: multipart/encrypted;',
      ` boundary="${b}";`,
      ' protocol="application/pgp-encrypted"',
      '',
      'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156).',
      `--${b}`,
      'Content-Type: application/pgp-encrypted',
      'Content-Description: PGP/MIME version identification',
      '',
      'Version: 1',
      '',
      `--${b}`,
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      'Content-Description: OpenPGP encrypted message',
      'Content-Disposition: inline; filename="encrypted.asc"',
      '',
      crlf(armoredMessage).trimEnd(),
      `--${b}--`,
      '',
    ].join(CRLF),
  );
}

export interface MultipartParts {
  /** The Content-Type header value of the whole entity (unfolded). */
  contentType: string;
  /** Each body part's bytes exactly as they appear between the delimiters. */
  parts: Uint8Array[];
}

/** Splits a multipart entity into its body parts, byte-exact (RFC 2046 §5.1.1): what a verifier does. */
export function splitMultipart(entity: Uint8Array): MultipartParts {
  const source = Buffer.from(entity).toString('latin1');
  const headerEnd = source.indexOf(`${CRLF}${CRLF}`);
  if (headerEnd < 0) throw new Error('Not a MIME entity: no header/body separator');
  const headers = source.slice(0, headerEnd).replace(/\r\n[ \t]+/g, ' ');
  const contentType = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? '';
  const b = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!b) throw new Error('Not a multipart entity: no boundary');
  const body = source.slice(headerEnd + 2);
  const delimiter = `${CRLF}--${b}`;
  // The first delimiter may start the body (no preamble) or follow the preamble.
  const chunks = `${CRLF}${body}`.split(delimiter).slice(1);
  const parts: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    const start = chunk.indexOf(CRLF);
    parts.push(new Uint8Array(Buffer.from(chunk.slice(start + 2), 'latin1')));
  }
  return { contentType, parts };
}

export const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

const crlf = (text: string) => text.replace(/\r?\n/g, CRLF);

function concat(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
