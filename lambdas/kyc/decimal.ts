// Exact decimal arithmetic for limits, prices and thresholds (never floats): a non-negative decimal string
// becomes an integer scaled by 10^18, the precision of the finest asset (ETH).
const SCALE_DIGITS = 18;
export const SCALE = 10n ** BigInt(SCALE_DIGITS);
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,18}))?$/;

/** A non-negative decimal string (at most 18 decimals) as an integer scaled by 10^18. */
export function toScaled(decimal: string): bigint {
  const match = DECIMAL.exec(decimal);
  if (!match) throw new RangeError(`not a non-negative decimal: ${decimal}`);
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(SCALE_DIGITS, '0'));
}

/** A scaled integer back to its shortest decimal string. */
export function fromScaled(value: bigint): string {
  const whole = value / SCALE;
  const fraction = (value % SCALE).toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** The smaller of two decimal strings (the first when equal). */
export const minDecimal = (a: string, b: string): string => (toScaled(b) < toScaled(a) ? b : a);

/** a × b of two decimal strings, exact, as a scaled integer. */
export const mulScaled = (a: string, b: string): bigint => (toScaled(a) * toScaled(b)) / SCALE;
