// GET /docs (issue 13): the human view of the OpenAPI document, Swagger UI served by the local gateway from
// node_modules. The page references only same-origin assets, each of them loads, its policy keeps the browser
// on this origin, and the document it shows is the gateway's /openapi.json. (test/browser/web-client.test.ts
// renders it in chromium and records every request the page makes.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';

let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-docs-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** Every src/href of the page that the browser fetches (not an inline data: URI), resolved against it. */
const referencesOf = (html: string, base: string) =>
  [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)]
    .map((m) => m[1] as string)
    .filter((ref) => !ref.startsWith('data:'))
    .map((ref) => new URL(ref, base));

describe('/docs', () => {
  it('E3 /docs answers an HTML page whose every script and style is same-origin and loads; the policy allows no other origin', async () => {
    const page = await fetch(`${cloud.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/); // no inline script
    const references = referencesOf(html, `${cloud.url}/docs`);
    expect(references.length).toBeGreaterThanOrEqual(3);
    const origin = new URL(cloud.url).origin;
    for (const url of references) {
      expect(url.origin, String(url)).toBe(origin);
      const asset = await fetch(url);
      expect(asset.status, String(url)).toBe(200);
      expect(asset.headers.get('content-type'), String(url)).toMatch(/^text\/(css|javascript)/);
      expect((await asset.text()).length, String(url)).toBeGreaterThan(100);
    }
    // Swagger UI itself, from the npm package; the start script points it at this gateway's document only.
    const bundle = referencesOf(html, `${cloud.url}/docs`).find((u) => u.pathname.endsWith('bundle.js'));
    expect(await (await fetch(bundle as URL)).text()).toContain('SwaggerUIBundle');
    const init = await (await fetch(`${cloud.url}/docs/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
    expect((await fetch(`${cloud.url}/openapi.json`)).status).toBe(200);
  });
});
