// The two parts of `qrcode` the TOTP enrolment imports directly (lambdas/auth/qr-code.ts): the encoder and the
// SVG renderer, without the package's entry point (which pulls in its PNG encoder, pngjs).
declare module 'qrcode/lib/core/qrcode.js' {
  interface QrSymbol {
    modules: { size: number; data: Uint8Array };
    version: number;
  }
  const core: { create(text: string, options: { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' }): QrSymbol };
  export default core;
}
declare module 'qrcode/lib/renderer/svg-tag.js' {
  const svg: {
    render(
      symbol: { modules: { size: number; data: Uint8Array } },
      options: { errorCorrectionLevel?: string; margin?: number },
    ): string;
  };
  export default svg;
}
