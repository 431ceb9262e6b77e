// GET /docs: a human view of the OpenAPI document (/openapi.json), Swagger UI from the swagger-ui-dist npm
// package. The page and every script and style it loads come from this gateway (node_modules, read once at
// first use): no CDN, no third-party request; its Content-Security-Policy holds the page to this origin.
// Local only, never deployed (docs/decisions.md: why Swagger UI).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LocalRoute } from './gateway.js';

export const DOCS_PATH = '/docs';

/** The assets of swagger-ui-dist the page loads, each served at /docs/<name>. */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

/** The page's own start script: a file, not inline, so the policy needs no 'unsafe-inline' script. */
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // No call to the public validator (swagger.io) for a badge: nothing leaves this machine.
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Palisade API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

/**
 * Same origin only: scripts, styles (Swagger UI sets some inline), the document it fetches; images may be
 * data: URIs (its icons). A reference to any other origin is blocked by the browser, not just absent.
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

const distDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export function docsRoutes(): LocalRoute[] {
  const files = new Map<string, Promise<string>>();
  const asset = (name: keyof typeof ASSETS) => {
    let text = files.get(name);
    if (!text) {
      text = readFile(join(distDir(), name), 'utf8');
      files.set(name, text);
    }
    return text;
  };
  const text = (body: string, contentType: string) => async () => ({
    status: 200,
    body,
    contentType,
    headers: HEADERS,
  });
  return [
    { method: 'GET', path: DOCS_PATH, handle: text(PAGE, 'text/html; charset=utf-8') },
    { method: 'GET', path: `${DOCS_PATH}/init.js`, handle: text(INIT_JS, 'text/javascript; charset=utf-8') },
    ...(Object.entries(ASSETS) as [keyof typeof ASSETS, string][]).map(
      ([name, contentType]): LocalRoute => ({
        method: 'GET',
        path: `${DOCS_PATH}/${name}`,
        handle: async () => ({ status: 200, body: await asset(name), contentType, headers: HEADERS }),
      }),
    ),
  ];
}
