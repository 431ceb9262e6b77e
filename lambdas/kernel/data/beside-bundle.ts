// Data too large for a bundle's code (docs/decisions.md, "Bundles"): dictionaries and tables that npm packages
// ship as JavaScript are written once at build time as JSON files that travel beside the bundle (lib/
// package-data.ts builds them, lib/geo-data.ts copies each file whose name the bundle holds, as it does the
// geo table), and read here at their first use. Run from the sources (tests, `npm start`) there is no file
// beside the module: the same JSON is then built from the installed packages, by the same function lib/ uses.
import { existsSync, readFileSync } from 'node:fs';
// Renamed: the production banner declares `createRequire` at the bundle's top level, and an unminified bundle
// (the init profile's twin) would keep this import's name and clash with it.
import { createRequire as requireAt } from 'node:module';
import { dirname, join } from 'node:path';

/** Loads a package's module by path; createRequire's, so a bundler leaves the name alone. */
export type PackageLoader = (specifier: string) => unknown;

/** One data file: its name beside the bundle and how its JSON is made from the installed packages. */
export interface PackageData<T> {
  file: string;
  /** The packages whose versions name the built file (a new version, a new file). */
  packages: readonly string[];
  build: (load: PackageLoader, resolve: (specifier: string) => string) => T;
}

/** The loader of the installed packages, relative to `from` (a file URL or path). */
export function packageLoader(from: string | URL = import.meta.url) {
  const req = requireAt(from);
  const load: PackageLoader = (specifier) => req(specifier);
  const resolve = (specifier: string) => req.resolve(specifier);
  return { load, resolve };
}

/** The data: from the file beside the bundle when there is one, else built from the packages. */
export function loadPackageData<T>(data: PackageData<T>, base: string | URL = import.meta.url): T {
  const beside = new URL(data.file, base);
  if (existsSync(beside)) return JSON.parse(readFileSync(beside, 'utf8')) as T;
  const { load, resolve } = packageLoader(base);
  return data.build(load, resolve);
}

/**
 * any-ascii's transliteration tables (534 KB of code in a bundle): one string per 256-code-point block, the
 * block's transliterations joined by tabs, as any-ascii's own `block.js` returns them.
 */
export const ANY_ASCII_DATA: PackageData<Record<string, string>> = {
  file: 'palisade-any-ascii.json',
  packages: ['any-ascii'],
  build: (load, resolve) => {
    // block.js is not in the package's exports: loaded by its path beside the entry point
    const { default: block } = load(join(dirname(resolve('any-ascii')), 'block.js')) as {
      default: (blockNumber: number) => string;
    };
    const blocks: Record<string, string> = {};
    // every block of Unicode: code points up to 0x10FFFF
    for (let n = 0; n <= 0x10ff; n++) {
      const text = block(n);
      if (text) blocks[n] = text;
    }
    return blocks;
  },
};

export interface ZxcvbnData {
  dictionary: Record<string, (string | number)[]>;
  graphs: Record<string, Record<string, (string | null)[]>>;
  translations: Record<string, unknown>;
}

/**
 * zxcvbn-ts's dictionaries (common passwords, English words, names, Wikipedia terms: 1.6 MB of code in a
 * bundle), its keyboard graphs and its English messages.
 */
export const ZXCVBN_DATA: PackageData<ZxcvbnData> = {
  file: 'palisade-zxcvbn.json',
  packages: ['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'],
  build: (load) => {
    const common = load('@zxcvbn-ts/language-common') as {
      dictionary: ZxcvbnData['dictionary'];
      adjacencyGraphs: ZxcvbnData['graphs'];
    };
    const en = load('@zxcvbn-ts/language-en') as {
      dictionary: ZxcvbnData['dictionary'];
      translations: ZxcvbnData['translations'];
    };
    return {
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    };
  },
};
