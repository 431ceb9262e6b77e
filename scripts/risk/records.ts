// G1: one login as a JSONL line, in the columns of the public RBA data set (user id, time, IP, country, ASN,
// User-Agent), validated with zod; and the batch scoring that `npm run risk:score` and the evaluation share.
// Built for data sets we have not seen: a time may be ISO 8601 or "YYYY-MM-DD hh:mm:ss[.fff]" (UTC) or epoch
// milliseconds; country and ASN may be missing, null, "-" or unknown; an unknown user gets the population model.
import * as z from 'zod/mini';
import { RISK_MODEL, type RiskModelConfig } from '../../lambdas/auth/risk/config.js';
import { featuresOf, type LoginEvent } from '../../lambdas/auth/risk/features.js';
import { boundHistory, Population, scoreLogin, UserProfile } from '../../lambdas/auth/risk/model.js';

const optionalText = z.optional(z.nullable(z.union([z.string(), z.number()])));

export const loginRecord = z.object({
  id: z.union([z.string().check(z.minLength(1)), z.number()]),
  userId: z.union([z.string().check(z.minLength(1)), z.number()]),
  time: z.union([z.string(), z.number()]),
  ip: z.optional(z.nullable(z.string())),
  country: optionalText,
  asn: optionalText,
  userAgent: z.optional(z.nullable(z.string())),
});
export type LoginRecord = z.infer<typeof loginRecord>;

/** Epoch ms of a record's time, or undefined when it is not a time. */
export function timeOf(time: string | number): number | undefined {
  if (typeof time === 'number') return Number.isFinite(time) ? time : undefined;
  const text = time.trim();
  // "2020-02-03 12:43:30.772" (the RBA data set's own form): UTC, no zone.
  const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? `${text.replace(' ', 'T')}` : text;
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(spaced) ? `${spaced}Z` : spaced;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface ParsedLogin extends LoginEvent {
  id: string;
}

export class BadLine extends Error {}

/** Parses one JSONL line (1-based `lineNo`); undefined for a blank line; BadLine names file, line and field. */
export function parseLogin(raw: string, name: string, lineNo: number): ParsedLogin | undefined {
  const line = raw.trim();
  if (!line) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new BadLine(`${name}:${lineNo}: not JSON`);
  }
  const parsed = loginRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadLine(
      `${name}:${lineNo}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const r = parsed.data;
  const at = timeOf(r.time);
  if (at === undefined)
    throw new BadLine(`${name}:${lineNo}: time: not an ISO 8601 time (${String(r.time)})`);
  return {
    id: String(r.id),
    userId: String(r.userId),
    at,
    ip: r.ip ?? undefined,
    country: r.country == null ? undefined : String(r.country),
    asn: r.asn ?? undefined,
    userAgent: r.userAgent ?? undefined,
  };
}

/** Parses a JSONL text; a bad line throws BadLine naming the file, the line and what is wrong. */
export function parseLogins(text: string, name: string): ParsedLogin[] {
  const out: ParsedLogin[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const login = parseLogin(lines[i] ?? '', name, i + 1);
    if (login) out.push(login);
  }
  return out;
}

/**
 * Scores each attempt with the production model: the population is every login of the history (decayed to the
 * attempt's time); the user's
 * profile is their own history at or before the attempt's time (bounded as in production), less the attempt
 * itself if it is also listed there. A user without history is scored by the population model alone.
 */
export function scoreBatch(
  history: readonly ParsedLogin[],
  attempts: readonly ParsedLogin[],
  config: RiskModelConfig = RISK_MODEL,
) {
  const population = new Population(config);
  const byUser = new Map<string, { id: string; at: number; features: ReturnType<typeof featuresOf> }[]>();
  for (const h of history) {
    const features = featuresOf(h);
    population.add(features);
    let list = byUser.get(h.userId);
    if (!list) {
      list = [];
      byUser.set(h.userId, list);
    }
    list.push({ id: h.id, at: h.at, features });
  }
  return attempts.map((a) => {
    const own = (byUser.get(a.userId) ?? []).filter((h) => h.id !== a.id);
    const profile = new UserProfile(boundHistory(own, a.at, config).map((h) => h.features));
    // The population decayed to the attempt's time, as the login reads it (decay.ts).
    const { score, reasons } = scoreLogin(featuresOf(a), profile, population.at(a.at), config);
    return { id: a.id, score, reasons, historySize: profile.size };
  });
}
