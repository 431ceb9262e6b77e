// GET /console/: the admin console (X5), the files `npm run build:console` leaves in console/dist, served from
// this gateway so the page and the API share one origin (no CORS needed locally). Read once at start; without a
// build, /console/ says how to make one. Its Content-Security-Policy is the one CloudFront adds in the cloud
// (lib/console-policy.ts), so the page is held to the same policy here as there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_CSP } from '../lib/console-policy.js';
import type { LocalRoute } from './gateway.js';

export const CONSOLE_PATH = '/console';
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

const HEADERS = {
  'content-security-policy': CONSOLE_CSP('self'),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Palisade admin console</title>
<link rel="icon" href="data:,"></head><body><main><h1>The admin console is not built</h1>
<p>Run <code>npm run build:console</code>, then restart <code>npm start</code>.</p></main></body></html>`;

/** Every text file under `dir`, by its path relative to it (with forward slashes). */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return filesUnder(dir, relative);
    const type = TYPES[entry.name.slice(entry.name.lastIndexOf('.'))];
    return type ? [relative] : [];
  });
}

export function consoleRoutes(dist = CONSOLE_DIST): LocalRoute[] {
  const page =
    (body: string, contentType: string, status = 200): LocalRoute['handle'] =>
    async () => ({ status, body, contentType, headers: HEADERS });
  const built = existsSync(join(dist, 'index.html'));
  const routes: LocalRoute[] = [
    {
      method: 'GET',
      path: CONSOLE_PATH,
      handle: async () => ({
        status: 308,
        body: '',
        contentType: 'text/plain; charset=utf-8',
        headers: { location: `${CONSOLE_PATH}/` },
      }),
    },
    // The API is on this origin: the page's configuration names none (the deploy writes the API's URL).
    { method: 'GET', path: `${CONSOLE_PATH}/config.json`, handle: page('{}', TYPES['.json'] as string) },
  ];
  if (!built) {
    routes.push({
      method: 'GET',
      path: `${CONSOLE_PATH}/`,
      handle: page(NOT_BUILT, TYPES['.html'] as string, 404),
    });
    return routes;
  }
  for (const file of filesUnder(dist)) {
    if (file === 'config.json') continue;
    const type = TYPES[file.slice(file.lastIndexOf('.'))] as string;
    const handle = page(readFileSync(join(dist, file), 'utf8'), type);
    routes.push({ method: 'GET', path: `${CONSOLE_PATH}/${file}`, handle });
    if (file === 'index.html') routes.push({ method: 'GET', path: `${CONSOLE_PATH}/`, handle });
  }
  return routes;
}
