import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrCodeImages } from '../../lambdas/auth/qr-code.js';

const PNG_PREFIX = 'data:image/png;base64,';
const decode = (dataUri: string) => PNG.sync.read(Buffer.from(dataUri.slice(PNG_PREFIX.length), 'base64'));

// What the enrolment answered before it drew the PNG itself: qrcode's own renderers, options as then.
const reference = async (text: string) => ({
  svg: `data:image/svg+xml;base64,${Buffer.from(
    await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
    'utf8',
  ).toString('base64')}`,
  png: await QRCode.toDataURL(text, { type: 'image/png', errorCorrectionLevel: 'M', margin: 4, scale: 6 }),
});

describe('A2 the enrolment QR code', () => {
  const texts = [
    'otpauth://totp/Palisade:wes-kind?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Palisade&algorithm=SHA1&digits=6&period=30',
    'otpauth://totp/Palisade:a?secret=JBSWY3DP&issuer=Palisade',
    `otpauth://totp/Palisade:${'ü'.repeat(40)}?secret=${'A'.repeat(64)}&issuer=Palisade`,
  ];
  it.each(texts)('A2 the SVG is the one qrcode draws, byte for byte (%#)', async (text) => {
    expect(qrCodeImages(text).svg).toBe((await reference(text)).svg);
  });
  it.each(texts)(
    'A2 the PNG decodes to the very pixels of qrcode’s own PNG: size, margin, scale, colours (%#)',
    async (text) => {
      const mine = decode(qrCodeImages(text).png);
      const theirs = decode((await reference(text)).png);
      expect([mine.width, mine.height]).toEqual([theirs.width, theirs.height]);
      // pngjs decodes any colour type to 8-bit RGBA.
      expect(Buffer.compare(mine.data, theirs.data)).toBe(0);
    },
  );
  it('A2 the PNG is a valid PNG data URI', () => {
    const { png } = qrCodeImages(texts[0] as string);
    expect(png.startsWith(PNG_PREFIX)).toBe(true);
    expect(Buffer.from(png.slice(PNG_PREFIX.length), 'base64').subarray(0, 8).toString('hex')).toBe(
      '89504e470d0a1a0a',
    );
  });
});
