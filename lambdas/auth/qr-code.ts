// The TOTP enrolment's QR code (A2) as the API answers it: an SVG data URI (`qrCode`) and a PNG data URI
// (`qrPng`) of the same symbol. The symbol is encoded once (qrcode's encoder, error correction M) and drawn
// twice: the SVG by qrcode's own SVG renderer, the PNG here. qrcode's PNG path (pngjs: 8-bit RGBA, an adaptive
// filter tried per row in JavaScript, then deflate) cost about 10 ms of CPU per enrolment for a black-and-white
// picture; this one writes the same pixels (the same size, margin and scale, black on opaque white) as a 1-bit
// greyscale PNG, which decodes to the very same image (test/unit/qr-code.test.ts compares them pixel by pixel).
import { crc32, deflateSync } from 'node:zlib';
import QRCodeCore from 'qrcode/lib/core/qrcode.js';
import SvgTag from 'qrcode/lib/renderer/svg-tag.js';

/** The quiet zone in modules (the QR specification asks for 4) and the PNG's pixels per module. */
export const QR_MARGIN = 4;
export const QR_PNG_SCALE = 6;
const ERROR_CORRECTION = 'M';

export interface QrImages {
  /** `data:image/svg+xml;base64,…` */
  svg: string;
  /** `data:image/png;base64,…` */
  png: string;
}

/** The text as a QR code, SVG and PNG, both base64 data URIs. */
export function qrCodeImages(text: string): QrImages {
  const symbol = QRCodeCore.create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  const svg = SvgTag.render(symbol, { errorCorrectionLevel: ERROR_CORRECTION, margin: QR_MARGIN });
  return {
    svg: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
    png: `data:image/png;base64,${qrPng(symbol.modules.size, symbol.modules.data).toString('base64')}`,
  };
}

/** A `size`×`size` module matrix (truthy = dark) as a 1-bit greyscale PNG with the quiet zone, scaled. */
export function qrPng(size: number, dark: ArrayLike<number | boolean>): Buffer {
  const side = (size + 2 * QR_MARGIN) * QR_PNG_SCALE;
  const rowBytes = 1 + Math.ceil(side / 8);
  // Every row starts with filter type 0 (none); a 1 bit is white, a 0 bit black. All white to begin with
  // (the quiet zone; the padding bits of a row's last byte are ignored by decoders).
  const raw = Buffer.alloc(side * rowBytes, 0xff);
  const row = Buffer.alloc(rowBytes);
  for (let y = 0; y < size; y++) {
    row.fill(0xff);
    row[0] = 0;
    for (let x = 0; x < size; x++) {
      if (!dark[y * size + x]) continue;
      const from = (x + QR_MARGIN) * QR_PNG_SCALE;
      for (let px = from; px < from + QR_PNG_SCALE; px++) {
        const at = 1 + (px >> 3);
        row[at] = (row[at] as number) & ~(0x80 >> (px & 7));
      }
    }
    const top = (y + QR_MARGIN) * QR_PNG_SCALE;
    for (let k = 0; k < QR_PNG_SCALE; k++) row.copy(raw, (top + k) * rowBytes);
  }
  for (let y = 0; y < side; y++) raw[y * rowBytes] = 0;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  // compression 0 (deflate), filter method 0, no interlace: the zeros already there.
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
