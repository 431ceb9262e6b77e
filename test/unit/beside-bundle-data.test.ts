// The data that ships beside the bundles instead of inside them (lambdas/kernel/data/beside-bundle.ts): the
// transliteration answers exactly as the any-ascii package does, and the files lib/ builds hold the same data
// the packages give, so the deployed bundles read what the sources compute.
import { readFileSync } from 'node:fs';
import anyAsciiPackage from 'any-ascii';
import { describe, expect, it } from 'vitest';
import { ANY_ASCII_DATA, packageLoader, ZXCVBN_DATA } from '../../lambdas/kernel/data/beside-bundle.js';
import anyAscii from '../../lambdas/screening/any-ascii.js';
import { ensurePackageData } from '../../lib/package-data.js';

describe('data beside the bundle', () => {
  it('F2 the transliteration over the tables file answers as any-ascii for Cyrillic, Greek, Arabic, Han, kana, Hangul, Latin marks, emoji and the astral planes', () => {
    const samples = [
      'Владимир Путин',
      'Αλέξης Τσίπρας',
      'محمد بن سلمان',
      '金正恩',
      'やまだ たろう',
      '김정은',
      'Łukasz Żółć Ærø straße',
      '😀 ① ﬁ',
      '\u{1D400}\u{E0041}\u{20000}',
      'plain ascii',
    ];
    for (const text of samples) expect(anyAscii(text)).toBe(anyAsciiPackage(text));
  });

  it('F2/X3 the files lib/ builds hold the packages own data: every any-ascii block and the zxcvbn dictionaries, graphs and messages', () => {
    const { load, resolve } = packageLoader(import.meta.url);
    for (const data of [ANY_ASCII_DATA, ZXCVBN_DATA]) {
      const file = ensurePackageData(data as never);
      expect(file.endsWith(data.file)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(data.build(load, resolve))),
      );
    }
    const zxcvbn = ZXCVBN_DATA.build(load, resolve);
    expect(Object.keys(zxcvbn.dictionary).sort()).toEqual(
      expect.arrayContaining(['commonWords-en', 'passwords-common', 'wikipedia-en']),
    );
  });
});
