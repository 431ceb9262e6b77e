// A9 / A7: the readable client names of the login history, the session list and the login email (ua-parser-js),
// and the country of an IP from the geo table (lambdas/kernel/geo/geo-table.ts), locally and in AWS.
import { describe, expect, it } from 'vitest';
import { awsGeoIp } from '../../lambdas/kernel/aws/geo-ip.js';
import { describeBrowser } from '../../lambdas/kernel/client-description.js';
import { localGeoIp } from '../../local/adapters/geo-ip.js';

describe('A9 describeBrowser', () => {
  it.each([
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari 17 on iOS 17',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Chrome 120 on Windows 10',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'Safari 17 on macOS 10',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      'Chrome 120 on Android 14',
    ],
    [
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      'Firefox 121 on Ubuntu',
    ],
    ['Palisade/2.3.1 (iPhone; iOS 17.4; Scale/3.00)', 'Palisade 2.3.1 on iOS 17'],
    ['PalisadeTest/1.0 (iPhone)', 'PalisadeTest 1.0'],
    ['okhttp/4.12.0', 'okhttp 4.12.0'],
  ])('A9 %s → %s', (ua, expected) => {
    expect(describeBrowser(ua)).toBe(expected);
  });

  it('A9 no, an empty or an unrecognisable User-Agent is an unknown browser', () => {
    expect(describeBrowser(undefined)).toBe('unknown browser');
    expect(describeBrowser('   ')).toBe('unknown browser');
    expect(describeBrowser('node')).toBe('unknown browser');
  });

  it('A9 the description carries nothing of a hostile User-Agent but parsed, plain words', () => {
    for (const ua of [
      '<script>alert(1)</script>',
      'Evil/1.0 <img src=x onerror=alert(1)>\r\nBcc: victim@example.com',
      `X/1.0 ${'A'.repeat(5000)}`,
    ]) {
      const text = describeBrowser(ua);
      expect(text).toMatch(/^[\p{L}\p{N} ._()+-]{1,80}$/u);
    }
  });
});

describe('A9 GeoIp', () => {
  it('A9 the local adapter finds the country of public IPv4 and IPv6 addresses in the geo table', () => {
    const geo = localGeoIp();
    expect(geo.countryOf('81.2.69.160')).toBe('GB');
    expect(geo.countryOf('2a02:c7f::1')).toBe('GB');
  });

  it('A9 loopback, private and malformed addresses have no country', () => {
    const geo = localGeoIp();
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '::1', 'unknown', '']) {
      expect(geo.countryOf(ip)).toBeUndefined();
    }
  });

  it('A9 the AWS adapter without its table beside the bundle knows no country (test/unit/geo-table.test.ts runs it with one)', () => {
    expect(awsGeoIp().countryOf('81.2.69.160')).toBeUndefined();
  });
});
