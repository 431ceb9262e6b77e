// The esbuild options every Lambda is bundled with in production: the bench builds with exactly these.
import type { BuildOptions } from 'esbuild';

/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The same build as lib/'s NodejsFunction bundling props, in esbuild's own terms:
 * runtime NODEJS_22_X → target node22; format OutputFormat.ESM; minify true; sourceMap true (the default
 * SourceMapMode: a linked external `.map`, sources included); mainFields ['module', 'main']; banner;
 * metafile true; bundleAwsSDK true → no externals (without it CDK marks `@aws-sdk/*` external).
 */
export const PRODUCTION_BUNDLING = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  metafile: true,
  external: [],
} satisfies BuildOptions);
