// Bundled with the production options by test/unit/pdf-bundle.test.ts and run in a fresh node: the KYC
// document check's PDF reader, with pdf-lib's fonts, UPNG and pako replaced by the stub of BUNDLE_ALIASES,
// counts the pages of the file named on the command line (or prints why it refused it).
import { readFileSync } from 'node:fs';
import { pdfPageCount } from '../../lambdas/kyc/documents.js';

try {
  console.log(JSON.stringify({ pages: await pdfPageCount(readFileSync(process.argv[2] as string)) }));
} catch (error) {
  console.log(JSON.stringify({ refused: (error as { reason?: string }).reason ?? String(error) }));
}
