// CORS for web clients: which origins may read the API's answers. The list is configured (CDK context
// `corsOrigins`, locally PALISADE_CORS_ORIGINS; none by default) and checked here where it is configured
// (lib/config.ts at synth, local/config.ts at start); it reaches the functions as the stage variable
// CORS_ORIGINS_VARIABLE, and kernel/http.ts `corsHeaders` answers an allowed Origin exactly.
//
// Decisions: an origin is exact (scheme, host, port): no `*`, no pattern, no `null`; https, or plain http on
// this machine's loopback (a web app in development); never credentials (`Access-Control-Allow-Credentials`):
// the API takes bearer tokens in the Authorization header, never cookies, so no answer needs them.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The request headers a web client may send (preflight `Access-Control-Allow-Headers`). */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'] as const;

/** How long a browser may keep a preflight answer (seconds). */
export const CORS_MAX_AGE_SECONDS = 600;

/** One allowed origin as configured: `https://app.exchange.example`, `http://localhost:5173`. Throws saying why. */
export function corsOrigin(raw: string): string {
  const text = raw.trim();
  if (text === '*' || text.includes('*')) throw new Error(`no wildcard origins: "${raw}"`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not an origin: "${raw}"`);
  }
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
    throw new Error(`origins must be https (plain http only on loopback): "${raw}"`);
  }
  // An origin is scheme://host[:port] and nothing else; `new URL` adds a `/` path to a bare origin.
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || text.endsWith('/')) {
    throw new Error(`an origin has no path, query, fragment or credentials: "${raw}"`);
  }
  return url.origin;
}

/** A configured list (an array, or a comma-separated string): each checked, without repeats. */
export function corsOrigins(raw: readonly string[] | string): string[] {
  const list = typeof raw === 'string' ? raw.split(',').filter((o) => o.trim() !== '') : raw;
  return [...new Set(list.map(corsOrigin))];
}

/** Whether a request's Origin may read the answer: exactly one of the allowed origins. */
export const originAllowed = (origin: string | undefined, allowed: readonly string[]): origin is string =>
  origin !== undefined && allowed.includes(origin);
