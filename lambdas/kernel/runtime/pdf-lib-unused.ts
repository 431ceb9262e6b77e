// Bundled in place of three of pdf-lib's dependencies (esbuild aliases in lib/functions.ts): CheckKycDocument,
// the one holder of pdf-lib, only loads a PDF to count its pages and see whether it is encrypted, which needs
// none of them, yet pdf-lib's package index imports them all: the 14 standard fonts' metrics and encodings
// (@pdf-lib/standard-fonts, 127 KB minified: drawing text), UPNG (@pdf-lib/upng, 24 KB: embedding a PNG) and
// pako (45 KB: pdf-lib deflates only when it writes; it inflates with its own decoder). One module stands for
// the three; using any of them throws, naming this file. test/cloud/kyc-documents.test.ts runs the bundle.
const unused = (): never => {
  throw new Error('pdf-lib writing support is not bundled (lambdas/kernel/runtime/pdf-lib-unused.ts)');
};

/** @pdf-lib/standard-fonts: the names are read at import (pdf-lib's utils/objects.ts); nothing else. */
export enum FontNames {
  Courier = 'Courier',
  CourierBold = 'Courier-Bold',
  CourierOblique = 'Courier-Oblique',
  CourierBoldOblique = 'Courier-BoldOblique',
  Helvetica = 'Helvetica',
  HelveticaBold = 'Helvetica-Bold',
  HelveticaOblique = 'Helvetica-Oblique',
  HelveticaBoldOblique = 'Helvetica-BoldOblique',
  TimesRoman = 'Times-Roman',
  TimesRomanBold = 'Times-Bold',
  TimesRomanItalic = 'Times-Italic',
  TimesRomanBoldItalic = 'Times-BoldItalic',
  Symbol = 'Symbol',
  ZapfDingbats = 'ZapfDingbats',
}
export const Font = { load: unused };
export const Encodings = new Proxy({}, { get: unused });

/** pako (its default export) and UPNG (its default export). */
const stub = { deflate: unused, inflate: unused, decode: unused, toRGBA8: unused };
export default stub;
