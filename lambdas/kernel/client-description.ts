// What the user reads about a client in the login history, the session list and the login email: a short,
// readable name made from the User-Agent with ua-parser-js ("Safari 17 on iOS 17"). The User-Agent is the
// client's own claim: it describes, it never proves, and only parsed, sanitised parts reach an email.
import { UAParser } from 'ua-parser-js';

export const UNKNOWN_BROWSER = 'unknown browser';

const MAX_LENGTH = 80;
/** An app's own product token, `Palisade/2.3.1 (iPhone; …)`, when no browser is recognised. */
const PRODUCT = /^([A-Za-z][A-Za-z0-9._-]{0,31})\/(\d{1,6}(?:\.\d{1,6}){0,2})/;
const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS', 'Chromium OS': 'ChromeOS' };

const major = (version: string | undefined) => version?.split('.')[0];
const joined = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
const clean = (text: string) =>
  text
    .replace(/[^\p{L}\p{N} ._()+-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_LENGTH);

/** Descriptions by User-Agent: a parse costs about a millisecond, and an environment sees the same few apps. */
const described = new Map<string, string>();
const DESCRIBED_SIZE = 256;

export function describeBrowser(userAgent?: string): string {
  const ua = userAgent?.trim().slice(0, 512);
  if (!ua) return UNKNOWN_BROWSER;
  const hit = described.get(ua);
  if (hit !== undefined) return hit;
  const description = describe(ua);
  if (described.size >= DESCRIBED_SIZE) described.delete(described.keys().next().value as string);
  described.set(ua, description);
  return description;
}

function describe(ua: string): string {
  const { browser, os, device } = new UAParser(ua).getResult();
  const product = PRODUCT.exec(ua);
  const client = browser.name
    ? joined(browser.name.replace(/^Mobile /, ''), browser.major ?? major(browser.version))
    : product && product[1] !== 'Mozilla'
      ? joined(product[1], product[2])
      : undefined;
  const osName = os.name ? (OS_NAMES[os.name] ?? os.name) : undefined;
  const platform = osName ? joined(osName, major(os.version)) : device.model;
  const description = clean(
    client && platform
      ? `${client} on ${platform}`
      : (client ?? (platform ? `${UNKNOWN_BROWSER} on ${platform}` : '')),
  );
  return description || UNKNOWN_BROWSER;
}
