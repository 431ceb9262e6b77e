// The admin console's build (X5): Vite bundles the Preact app under console/ into console/dist, served at
// /console/ (locally by the gateway, in the cloud by CloudFront from a private bucket). No plugin: Vite's own
// transformer compiles JSX for Preact. Every asset is a file of this origin (no inline script or style), so
// the Content-Security-Policy holds the page to 'self'.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Small enough to read whole; no source maps shipped to the bucket.
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
