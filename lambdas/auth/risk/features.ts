// G1: the features of one login as the risk model reads them. Every feature may be missing (no User-Agent, an
// unknown country or ASN): a missing feature adds nothing to the score, it is never counted as a value.
import { UAParser } from 'ua-parser-js';
import { parseSource } from '../../kernel/shield/bot-shield.js';
import type { CategoricalFeature } from './config.js';

/** One login as the model sees it: who, when (epoch ms) and from where; all but userId and at optional. */
export interface LoginEvent {
  userId: string;
  at: number;
  ip?: string | undefined;
  country?: string | undefined;
  asn?: string | number | undefined;
  userAgent?: string | undefined;
}

export interface LoginFeatures {
  at: number;
  /** Hour of day, UTC (the comparison is with the user's own hours, so the time zone cancels out). */
  hour: number;
  values: Partial<Record<CategoricalFeature, string>>;
  /**
   * Whether the attempt's device id is one this user confirmed before (the login's device whitelist, A7);
   * undefined where it is not known (the RBA columns, risk:score).
   */
  deviceKnown?: boolean;
}

interface ParsedAgent {
  browser?: string;
  os?: string;
  device?: string;
}

const UA_CACHE_SIZE = 4096;
const uaCache = new Map<string, ParsedAgent>();

/** Browser family, OS and device type of a User-Agent (ua-parser-js), memoised (bounded). */
export function parseAgent(ua: string): ParsedAgent {
  const hit = uaCache.get(ua);
  if (hit) return hit;
  const { browser, os, device } = new UAParser(ua).getResult();
  const parsed: ParsedAgent = {
    ...(browser.name ? { browser: browser.name.replace(/^Mobile /, '') } : {}),
    ...(os.name ? { os: os.name } : {}),
    // ua-parser-js names no type for desktops.
    device: device.type ?? 'desktop',
  };
  if (uaCache.size >= UA_CACHE_SIZE) uaCache.delete(uaCache.keys().next().value as string);
  uaCache.set(ua, parsed);
  return parsed;
}

/** An ASN as digits ("AS3320", 3320, "3320" → "3320"); undefined when there is none. */
export function normaliseAsn(asn: string | number | undefined): string | undefined {
  if (asn === undefined) return undefined;
  const text = String(asn).trim().toUpperCase().replace(/^AS/, '');
  return /^\d{1,10}$/.test(text) && text !== '0' ? String(Number(text)) : undefined;
}

/** An ISO 3166-1 alpha-2 country, upper case; undefined for none, unknown ("ZZ", "XX", "-") or malformed. */
export function normaliseCountry(country: string | undefined): string | undefined {
  const text = country?.trim().toUpperCase();
  return text && /^[A-Z]{2}$/.test(text) && text !== 'ZZ' && text !== 'XX' ? text : undefined;
}

export function featuresOf(event: LoginEvent): LoginFeatures {
  const values: Partial<Record<CategoricalFeature, string>> = {};
  if (event.ip) {
    const source = parseSource(event.ip);
    if (source.address !== 'invalid') {
      values.ip = source.address;
      values.network = source.network;
    }
  }
  const asn = normaliseAsn(event.asn);
  if (asn) values.asn = asn;
  const country = normaliseCountry(event.country);
  if (country) values.country = country;
  const ua = event.userAgent?.trim().slice(0, 512);
  if (ua) {
    values.ua = ua;
    const agent = parseAgent(ua);
    if (agent.browser) values.browser = agent.browser;
    if (agent.os) values.os = agent.os;
    if (agent.device) values.device = agent.device;
  }
  return { at: event.at, hour: new Date(event.at).getUTCHours(), values };
}
