// The data files built from npm packages at build time that ship beside the bundles naming them
// (lambdas/kernel/data/beside-bundle.ts says which and why). Each is cached under
// node_modules/.cache/palisade-data/, named by the packages' versions, so a synth, the cloud harness and the
// bench build it once per version; written to a temporary name and renamed, so concurrent builders never see
// half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ANY_ASCII_DATA,
  type PackageData,
  packageLoader,
  ZXCVBN_DATA,
} from '../lambdas/kernel/data/beside-bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { load, resolve } = packageLoader(join(ROOT, 'package.json'));

function versionOf(name: string): string {
  const manifest = join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Where the file of the installed package versions is (built or not). */
export function packageDataPath(data: PackageData<unknown>): string {
  const key = data.packages.map((p) => `${p.replace(/^@/, '').replace('/', '-')}-${versionOf(p)}`).join('+');
  return join(ROOT, 'node_modules', '.cache', 'palisade-data', `${key}-${data.file}`);
}

/** The file's path, built first when missing (synchronous: CDK's synthesis is). */
export function ensurePackageData(data: PackageData<unknown>): string {
  const file = packageDataPath(data);
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(data.build(load, resolve)));
  renameSync(temporary, file);
  return file;
}

/** The package data files, for lib/geo-data.ts's list of files that ship beside a bundle. */
export const PACKAGE_DATA_FILES: readonly { name: string; source: () => string }[] = [
  ANY_ASCII_DATA,
  ZXCVBN_DATA,
].map((data) => ({ name: data.file, source: () => ensurePackageData(data as PackageData<unknown>) }));
