// Types for pngjs (MIT, in qrcode's tree), which ships none: the decoder test/unit/qr-code.test.ts reads with.
declare module 'pngjs' {
  export const PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
}
