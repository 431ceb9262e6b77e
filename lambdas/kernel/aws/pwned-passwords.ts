// X3: the BreachedPasswords port over Have I Been Pwned's Pwned Passwords range API (k-anonymity): the SHA-1
// of the password is computed here, only its first 5 hex characters are sent (`GET /range/ABCDE`), and the
// answer (every suffix under that prefix with its count, padded with zero-count decoys by `Add-Padding`) is
// searched locally. No key, no account. A timeout or any error answers `unknown` and counts the metric
// BreachedPasswordCheckUnavailable (alarm in lib/monitoring.ts): the caller fails open (docs/decisions.md).
// The base URL is `PWNED_PASSWORDS_URL` when set (the cloud harness points it at its stub), else the public API.
import { createHash } from 'node:crypto';
import { MetricUnit, metrics, SecurityMetric } from '../observability.js';
import type { BreachedPasswords, BreachVerdict } from '../ports/breached-passwords.js';

export const PWNED_PASSWORDS_API = 'https://api.pwnedpasswords.com';
/** A sign-up or password change waits at most this long for the range answer, then goes on without it. */
export const PWNED_TIMEOUT_MS = 1500;

export interface PwnedPasswordsOptions {
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Told when the check could not be made (the metric by default). */
  onUnavailable?: (reason: string) => void;
}

const countUnavailable = () => {
  metrics.addMetric(SecurityMetric.BreachedPasswordCheckUnavailable, MetricUnit.Count, 1);
};

export class PwnedPasswordsRange implements BreachedPasswords {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly onUnavailable: (reason: string) => void;

  constructor(options: PwnedPasswordsOptions = {}) {
    this.baseUrl = (options.baseUrl ?? PWNED_PASSWORDS_API).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? PWNED_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.onUnavailable = options.onUnavailable ?? countUnavailable;
  }

  async check(password: string): Promise<BreachVerdict> {
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    try {
      const response = await this.fetch(`${this.baseUrl}/range/${prefix}`, {
        headers: { 'Add-Padding': 'true', 'User-Agent': 'palisade-password-check' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return this.unknown(`status ${response.status}`);
      return matchRange(await response.text(), suffix);
    } catch (err) {
      return this.unknown((err as Error)?.name ?? 'error');
    }
  }

  private unknown(reason: string): BreachVerdict {
    this.onUnavailable(reason);
    return { status: 'unknown', reason };
  }
}

/** The range answer's lines are `SUFFIX:COUNT`; padding lines carry a count of 0 and never match. */
export function matchRange(body: string, suffix: string): BreachVerdict {
  for (const line of body.split(/\r?\n/)) {
    const [hash, count] = line.trim().split(':');
    if (hash?.toUpperCase() !== suffix) continue;
    const seen = Number.parseInt(count ?? '0', 10);
    return seen > 0 ? { status: 'breached', count: seen } : { status: 'clean' };
  }
  return { status: 'clean' };
}
