// F1: the verification provider's decisions arrive as webhooks, signed: header `Kyc-Signature: t=<unix
// seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (several v1 during a secret rotation). A webhook is
// accepted only when one v1 matches a current secret (constant-time), its time is within the tolerance of
// the clock, its body is a decision event, and its event id was never seen (the seen-id store keeps ids until
// the tolerance has passed, after which the time check refuses the replay anyway).
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import type { CodeOf } from '../kernel/error-codes.js';
import { AppError } from '../kernel/errors.js';
import type { SeenIdStore } from './ports.js';

export const SIGNATURE_HEADER = 'kyc-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const VERIFICATION_DECISIONS = ['approved', 'rejected', 'undecided'] as const;

export const decisionEvent = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/)),
  type: z.literal('check.decided'),
  checkId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/)),
  providerRef: z.string().check(z.minLength(1), z.maxLength(128)),
  decision: z.enum(VERIFICATION_DECISIONS),
  /** The provider's reason codes (document expired, face mismatch …), shown to the reviewer. */
  reasons: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(20)),
  decidedAt: z.iso.datetime(),
});
export type DecisionEvent = z.infer<typeof decisionEvent>;

export type WebhookRefusal = 'signature' | 'stale' | 'malformed' | 'replayed';

/** A refused webhook: 401 unsigned, badly signed or out of time, 400 not a decision, 409 seen already. */
export class WebhookRefused extends AppError {
  override readonly name = 'WebhookRefused';
  readonly status: 400 | 401 | 409;
  readonly code: CodeOf<400 | 401 | 409>;
  constructor(
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(message);
    this.status = reason === 'replayed' ? 409 : reason === 'malformed' ? 400 : 401;
    this.code = this.status === 409 ? 'CONFLICT' : this.status === 400 ? 'VALIDATION_FAILED' : 'UNAUTHORIZED';
  }
}

const hmac = (secret: string, timestamp: number, rawBody: Uint8Array | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/** The header value a sender puts on `rawBody` at `now` (the simulated provider and tests). */
export function signWebhook(rawBody: Uint8Array | string, secret: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, rawBody).toString('hex')}`;
}

function parseHeader(header: string | undefined): { t: number; v1: Buffer[] } | undefined {
  if (!header || header.length > 1024) return undefined;
  let t: number | undefined;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(Buffer.from(value, 'hex'));
  }
  return t === undefined || v1.length === 0 ? undefined : { t, v1 };
}

export interface WebhookVerification {
  /** Current secrets: during a rotation, the new and the old. */
  secrets: readonly string[];
  seen: SeenIdStore;
  now: Date;
  toleranceSeconds?: number;
}

/**
 * Verifies a webhook over its raw body (the bytes as received: never a re-serialised JSON) and returns the
 * decision. The order matters: the signature and the time before the body is parsed, the id claimed last
 * (so an unsigned request cannot fill the seen-id store).
 */
export async function verifyWebhook(
  rawBody: Uint8Array | string,
  header: string | undefined,
  options: WebhookVerification,
): Promise<DecisionEvent> {
  const parsed = parseHeader(header);
  if (!parsed) throw new WebhookRefused('signature', 'The webhook signature header is missing or malformed');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const matches = options.secrets.some((secret) => {
    const expected = hmac(secret, parsed.t, rawBody);
    // Every candidate is compared (no early exit on the first byte); lengths are equal (64 hex digits).
    return parsed.v1.reduce((found, v1) => timingSafeEqual(expected, v1) || found, false);
  });
  if (!matches) throw new WebhookRefused('signature', 'The webhook signature does not match');
  const age = Math.floor(options.now.getTime() / 1000) - parsed.t;
  if (Math.abs(age) > tolerance)
    throw new WebhookRefused('stale', 'The webhook is outside the time tolerance');
  let json: unknown;
  try {
    json = JSON.parse(
      typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody),
    );
  } catch {
    throw new WebhookRefused('malformed', 'The webhook body is not JSON');
  }
  const event = z.safeParse(decisionEvent, json);
  if (!event.success) throw new WebhookRefused('malformed', 'The webhook body is not a decision event');
  const keepUntil = new Date((parsed.t + tolerance + 1) * 1000);
  if (!(await options.seen.claim(event.data.id, keepUntil))) {
    throw new WebhookRefused('replayed', 'This webhook was received already');
  }
  return event.data;
}
