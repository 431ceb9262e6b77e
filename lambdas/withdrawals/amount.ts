// C2: amounts as the client writes them (a decimal string of the asset's unit) to integer minor units and
// back. Plain digits only: no sign, exponent, hex, separators or whitespace; never a floating-point number.
import { ASSETS, type Asset } from '../kernel/assets.js';

/**
 * The largest amount any request may name, in whole units: above every supply (21 million BTC; 10^9 ETH,
 * ~8x the ETH in existence). A sanity bound against overflow-shaped input, not a limit (limits are settings).
 */
export const MAX_WHOLE_UNITS: Record<Asset, bigint> = { BTC: 21_000_000n, ETH: 1_000_000_000n };

export type AmountProblem = 'not-a-decimal' | 'not-positive' | 'too-many-decimals' | 'too-large';

export type ParsedAmount =
  | { ok: true; minor: bigint }
  | { ok: false; problem: AmountProblem; message: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

const scale = (asset: Asset): bigint => 10n ** BigInt(ASSETS[asset].decimals);

/** Parses `text` as an amount of `asset`: positive, at most the asset's decimals, at most MAX_WHOLE_UNITS. */
export function parseAmount(asset: Asset, text: string): ParsedAmount {
  const decimals = ASSETS[asset].decimals;
  // Length first: a megabyte of digits is refused before any regex or BigInt work.
  const match = text.length <= 64 ? DECIMAL.exec(text) : null;
  if (!match) {
    return {
      ok: false,
      problem: text.length > 64 ? 'too-large' : 'not-a-decimal',
      message: `The amount must be a decimal number such as 0.015 (digits and one dot, nothing else)`,
    };
  }
  const whole = match[1] as string;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return {
      ok: false,
      problem: 'too-many-decimals',
      message: `${asset} amounts have at most ${decimals} decimals`,
    };
  }
  const minor = BigInt(whole) * scale(asset) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (minor <= 0n) {
    return { ok: false, problem: 'not-positive', message: 'The amount must be greater than zero' };
  }
  if (minor > MAX_WHOLE_UNITS[asset] * scale(asset)) {
    return {
      ok: false,
      problem: 'too-large',
      message: `The amount is above the largest possible ${asset} amount`,
    };
  }
  return { ok: true, minor };
}

/** Minor units back to the canonical decimal string: no leading zeros, no trailing fractional zeros. */
export function formatAmount(asset: Asset, minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const s = scale(asset);
  const whole = abs / s;
  const fraction = (abs % s).toString().padStart(ASSETS[asset].decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A limit from settings (a decimal string, validated there) in minor units; unparseable fails loudly. */
export function limitMinor(asset: Asset, text: string): bigint {
  const match = DECIMAL.exec(text);
  const fraction = match?.[2] ?? '';
  if (!match || fraction.length > ASSETS[asset].decimals) {
    throw new Error(`Invalid ${asset} withdrawal limit in settings: ${text}`);
  }
  return (
    BigInt(match[1] as string) * scale(asset) + BigInt(fraction.padEnd(ASSETS[asset].decimals, '0') || '0')
  );
}
