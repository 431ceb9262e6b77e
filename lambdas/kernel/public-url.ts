// Where emailed and texted links may point: https, or plain http to this machine's own loopback (the local
// runtime), never with credentials. The API's public base URL is checked against it where it is configured
// (lib/config.ts at synth, local/config.ts at start), and every link again where a template renders it.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A URL a link in an email or SMS may have. */
export const linkable = (url: URL): boolean =>
  (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) &&
  !url.username &&
  !url.password;

/**
 * The API's public base URL as configured (`https://api.exchange.example`, the execute-api URL with its stage,
 * `http://127.0.0.1:3000` locally): linkable, no query or fragment, without a trailing slash. Throws saying why.
 */
export function publicBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: "${raw}"`);
  }
  if (!linkable(url)) throw new Error(`links must be https (plain http only on loopback): "${raw}"`);
  if (url.search || url.hash) throw new Error(`no query or fragment: "${raw}"`);
  return url.toString().replace(/\/+$/, '');
}
