// F1: what the document check reads of a PDF (is it encrypted, how many pages) from pdf-lib's parser alone.
// The package index (and PDFDocument.load) brings the writer as well: pages, forms, fonts, images, drawing,
// whose modules evaluate their classes at import, so esbuild keeps them all (~225 KB minified in
// CheckKycDocument, compiled at its init even behind a dynamic import). The parser's own modules, imported
// by path, are ~140 KB. The steps are PDFDocument.load's and getPageCount's own (pdf-lib 1.17.1): parse the
// document (slow parse speed, invalid objects refused), look the trailer's Encrypt and Root up, count the
// page leaves of the catalog's page tree, each named by a reference (PDFPage.of refuses a leaf that is not).
// pdf-lib's CommonJS build: its ES build names its modules without extensions, which Node cannot import.

import refModule from 'pdf-lib/cjs/core/objects/PDFRef.js';
import parserModule from 'pdf-lib/cjs/core/parser/PDFParser.js';
import leafModule from 'pdf-lib/cjs/core/structures/PDFPageLeaf.js';

/** A module's class: Node and esbuild give a CommonJS module's `exports` as its default, vitest its `default`. */
const classOf = <T>(module: { default: T }): T => ((module as { default?: T }).default ?? module) as T;
const PDFParser = classOf(parserModule);
const PDFRef = classOf(refModule);
const PDFPageLeaf = classOf(leafModule);
/** ParseSpeeds.Slow, PDFDocument.load's default: objects parsed between two yields to the event loop. */
const OBJECTS_PER_TICK = 100;

export interface PdfFacts {
  encrypted: boolean;
  /** Throws when the page tree cannot be read. */
  pageCount(): number;
}

/** Parses `bytes` as PDFDocument.load does with throwOnInvalidObject (rejects when they are not a PDF). */
export async function readPdf(bytes: Uint8Array): Promise<PdfFacts> {
  const context = await PDFParser.forBytesWithOptions(bytes, OBJECTS_PER_TICK, true, false).parseDocument();
  return {
    encrypted: !!context.lookup(context.trailerInfo.Encrypt),
    pageCount() {
      // PDFDocument's catalog: the trailer's Root as parsed (a PDFCatalog; anything else throws here).
      const catalog = context.lookup(context.trailerInfo.Root) as unknown as {
        Pages(): { traverse(visitor: (node: unknown, ref: unknown) => void): void };
      };
      let pages = 0;
      catalog.Pages().traverse((node, ref) => {
        if (!(node instanceof PDFPageLeaf)) return;
        if (!(ref instanceof PDFRef)) throw new TypeError('a page leaf that is not a reference');
        pages++;
      });
      return pages;
    },
  };
}
