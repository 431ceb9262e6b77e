// F1: the server-side check of an uploaded KYC document, on the bytes S3 (or the local store) holds: the type
// by its magic bytes (never the name or the declared type alone), the size, the page count of a PDF. A bad
// file is refused with a typed error saying why, and the caller deletes it (nothing is kept).
import type { DocumentType, KycConfig } from './config.js';
import { ACCEPTED_TYPES, type DocumentKind, DocumentRefused } from './document-kinds.js';

export {
  ACCEPTED_TYPES,
  DOCUMENT_KINDS,
  type DocumentKind,
  type DocumentRefusal,
  DocumentRefused,
} from './document-kinds.js';

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** HEIF brands of HEIC images (HEVC coded); a bare `mif1` is also AVIF, which is not accepted. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

/** The type the bytes are, by their signature; undefined when none of the accepted ones. */
export function sniffType(bytes: Uint8Array): DocumentType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // PDF: the header at offset 0 (readers tolerate junk before it; we do not: it is how polyglots hide).
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const boxSize =
      ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    const brands = [ascii(bytes, 8, 12)];
    for (let at = 16; at + 4 <= Math.min(boxSize, bytes.length, 64); at += 4)
      brands.push(ascii(bytes, at, at + 4));
    if (brands.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
  }
  return undefined;
}

/**
 * The page count of a PDF (pdf-lib's parser: xref streams, object streams and page trees are parsed, not
 * guessed: pdf-pages.ts). It is loaded on the first PDF: the checker's image uploads and link requests never
 * evaluate its modules.
 */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const { readPdf } = await import('./pdf-pages.js');
  let pdf: Awaited<ReturnType<typeof readPdf>>;
  try {
    // An encrypted file is parsed too (PDFDocument's ignoreEncryption), so it is told apart below.
    pdf = await readPdf(bytes);
  } catch {
    throw new DocumentRefused('unreadable', 'The PDF cannot be read');
  }
  if (pdf.encrypted)
    throw new DocumentRefused('unreadable', 'The PDF is encrypted; upload it without a password');
  try {
    return pdf.pageCount();
  } catch {
    throw new DocumentRefused('unreadable', 'The PDF cannot be read');
  }
}

export interface CheckedDocument {
  contentType: DocumentType;
  bytes: number;
  pages?: number;
}

/**
 * Checks one uploaded file for a slot of `kind` whose declared type was `declared` (the presigned POST fixed
 * it): size first (nothing large is parsed), then the type by magic bytes, accepted for the kind and equal to
 * the declared one, then, for a PDF, that it opens unencrypted with 1…maxPdfPages pages.
 */
export async function checkDocument(
  kind: DocumentKind,
  declared: string,
  bytes: Uint8Array,
  limits: KycConfig['documents'],
): Promise<CheckedDocument> {
  if (bytes.length === 0) throw new DocumentRefused('empty', 'The file is empty');
  if (bytes.length < limits.minBytes)
    throw new DocumentRefused('too-small', 'The file is too small to be a document');
  if (bytes.length > limits.maxBytes) {
    throw new DocumentRefused('too-large', `The file is larger than ${limits.maxBytes} bytes`);
  }
  const type = sniffType(bytes);
  if (!type || !ACCEPTED_TYPES[kind].includes(type)) {
    throw new DocumentRefused(
      'type',
      `This file is not one of the types accepted for a ${kind}: ${ACCEPTED_TYPES[kind].join(', ')}`,
    );
  }
  if (type !== declared) {
    throw new DocumentRefused(
      'type-mismatch',
      `The file is ${type}, not the ${declared} the upload declared`,
    );
  }
  if (type !== 'application/pdf') return { contentType: type, bytes: bytes.length };
  const pages = await pdfPageCount(bytes);
  if (pages < 1 || pages > limits.maxPdfPages) {
    throw new DocumentRefused(
      'pages',
      `The PDF has ${pages} pages; at most ${limits.maxPdfPages} are accepted`,
    );
  }
  return { contentType: type, bytes: bytes.length, pages };
}
