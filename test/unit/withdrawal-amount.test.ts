// C2 amounts: decimal strings to integer minor units and back, every bad-input class refused, no floats.
import { describe, expect, it } from 'vitest';
import { formatAmount, limitMinor, MAX_WHOLE_UNITS, parseAmount } from '../../lambdas/withdrawals/amount.js';

describe('C2 amount parsing', () => {
  it.each([
    ['BTC', '1', 100_000_000n],
    ['BTC', '0.015', 1_500_000n],
    ['BTC', '0.00000001', 1n],
    ['BTC', '21000000', 2_100_000_000_000_000n],
    ['ETH', '0.000000000000000001', 1n],
    ['ETH', '1.5', 1_500_000_000_000_000_000n],
    ['ETH', '1000000000', 10n ** 27n],
  ] as const)('C2 %s %s is %s minor units', (asset, text, minor) => {
    expect(parseAmount(asset, text)).toEqual({ ok: true, minor });
  });

  it.each([
    ['negative', '-1', 'not-a-decimal'],
    ['explicit plus', '+1', 'not-a-decimal'],
    ['zero', '0', 'not-positive'],
    ['zero with decimals', '0.00000000', 'not-positive'],
    ['too many decimals', '0.000000001', 'too-many-decimals'],
    ['exponent', '1e-8', 'not-a-decimal'],
    ['exponent upper', '1E3', 'not-a-decimal'],
    ['hex', '0x10', 'not-a-decimal'],
    ['leading space', ' 1', 'not-a-decimal'],
    ['trailing newline', '1\n', 'not-a-decimal'],
    ['comma', '1,5', 'not-a-decimal'],
    ['thousands separator', '1_000', 'not-a-decimal'],
    ['bare dot', '.5', 'not-a-decimal'],
    ['trailing dot', '5.', 'not-a-decimal'],
    ['two dots', '1.2.3', 'not-a-decimal'],
    ['non-numeric', 'abc', 'not-a-decimal'],
    ['NaN', 'NaN', 'not-a-decimal'],
    ['Infinity', 'Infinity', 'not-a-decimal'],
    ['full-width digits', '１', 'not-a-decimal'],
    ['empty', '', 'not-a-decimal'],
    ['above the supply', '21000000.00000001', 'too-large'],
    ['huge', '9'.repeat(40), 'too-large'],
    ['megabyte', '1'.repeat(100_000), 'too-large'],
  ])('C2 BTC amount refused: %s', (_what, text, problem) => {
    const parsed = parseAmount('BTC', text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem).toBe(problem);
      expect(parsed.message.length).toBeGreaterThan(0);
    }
  });

  it('C2 ETH has 18 decimals and a 10^9 ETH bound', () => {
    expect(parseAmount('ETH', '0.0000000000000000001')).toMatchObject({
      ok: false,
      problem: 'too-many-decimals',
    });
    expect(parseAmount('ETH', '1000000000.000000000000000001')).toMatchObject({
      ok: false,
      problem: 'too-large',
    });
    expect(MAX_WHOLE_UNITS.ETH).toBe(1_000_000_000n);
  });

  it('C2 amounts format back canonically (no trailing zeros, no float rounding)', () => {
    expect(formatAmount('BTC', 1_500_000n)).toBe('0.015');
    expect(formatAmount('BTC', 100_000_000n)).toBe('1');
    expect(formatAmount('BTC', 1n)).toBe('0.00000001');
    expect(formatAmount('ETH', 10n ** 27n + 1n)).toBe('1000000000.000000000000000001');
    expect(formatAmount('BTC', 0n)).toBe('0');
    const parsed = parseAmount('BTC', '000.10000000');
    expect(parsed.ok && formatAmount('BTC', parsed.minor)).toBe('0.1');
    // 0.1 + 0.2 in minor units is exactly 0.3.
    const a = parseAmount('ETH', '0.1');
    const b = parseAmount('ETH', '0.2');
    expect(a.ok && b.ok && formatAmount('ETH', a.minor + b.minor)).toBe('0.3');
  });

  it('C2 limits from settings convert exactly; a bad one fails loudly', () => {
    expect(limitMinor('BTC', '2')).toBe(200_000_000n);
    expect(limitMinor('ETH', '0.5')).toBe(5n * 10n ** 17n);
    expect(() => limitMinor('BTC', '0.000000001')).toThrow(/limit/);
  });
});
