// The esbuild options every Lambda is bundled with in production, derived from lib/'s NodejsFunction
// bundling props (one source), so the bench measures exactly what `cdk deploy` ships.
import type { BuildOptions } from 'esbuild';
import { BUNDLE_ALIASES, BUNDLING } from '../lib/functions.js';

/**
 * lib/'s BundlingOptions in esbuild's own terms: format ESM; minify; sourceMap (CDK's default mode: a
 * linked external `.map`); mainFields; banner; bundleAwsSDK true → no externals (without it CDK marks
 * `@aws-sdk/*` external); the module aliases; metafile for the size breakdown.
 */
export const PRODUCTION_BUNDLING = Object.freeze({
  bundle: true,
  platform: 'node',
  format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
  target: BUNDLING.target ?? 'node24',
  minify: BUNDLING.minify ?? false,
  sourcemap: BUNDLING.sourceMap ?? false,
  mainFields: [...(BUNDLING.mainFields ?? ['module', 'main'])],
  banner: { js: BUNDLING.banner ?? '' },
  metafile: true,
  external: BUNDLING.bundleAwsSDK ? [] : ['@aws-sdk/*'],
  alias: { ...BUNDLE_ALIASES },
} satisfies BuildOptions);
