// The KYC document check's PDF reader as deployed: pdf-lib bundled with the production esbuild options, whose
// aliases replace its fonts, UPNG and pako by a stub (lambdas/kernel/runtime/pdf-lib-unused.ts), still counts
// the pages of a PDF with object and cross-reference streams, and still refuses a file that is not one.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/bundle.js';
import { PRODUCTION_BUNDLING } from '../../bench/bundle-options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-pdf-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pdf-lib bundle', () => {
  it('F1 a production-bundled pdf-lib without fonts, UPNG and pako counts the pages of a compressed PDF (object streams, text) and refuses a broken one', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 3; i++) doc.addPage().drawText(`page ${i + 1}`, { font, x: 50, y: 700 });
    await writeFile(join(dir, 'three.pdf'), await doc.save({ useObjectStreams: true }));
    await writeFile(join(dir, 'broken.pdf'), '%PDF-1.7\n1 0 obj\n<< /Type /Catalog');
    const outfile = join(dir, 'pages.mjs');
    const result = await build({
      ...PRODUCTION_BUNDLING,
      entryPoints: ['test/support/pdf-pages-bundle-entry.ts'],
      absWorkingDir: REPO_ROOT,
      outfile,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.filter((i) => /@pdf-lib\/(standard-fonts|upng)|node_modules\/pako/.test(i))).toEqual([]);
    const run = (file: string) =>
      JSON.parse(execFileSync(process.execPath, [outfile, join(dir, file)], { encoding: 'utf8' }).trim());
    expect(run('three.pdf')).toEqual({ pages: 3 });
    expect(run('broken.pdf')).toEqual({ refused: 'unreadable' });
  }, 60_000);
});
