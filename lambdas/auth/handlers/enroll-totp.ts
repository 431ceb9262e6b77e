// POST /v1/me/mfa/totp (A2): starts TOTP enrolment; answers the secret, its otpauth URI and a QR code (SVG, and
// PNG for mobile apps, which cannot easily show an SVG data URI).

import QRCode from 'qrcode';
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { bearerTokenOf, beginEnrolment, type EnrolPorts } from '../totp.js';
import type { TotpEnrolmentResponse } from '../totp-contracts.js';

/** The text as a QR code: an SVG image in a base64 data URI. */
export async function qrCodeDataUri(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** The same QR code as a PNG image in a base64 data URI (qrcode's own encoder, over pngjs). */
export function qrCodePngDataUri(text: string): Promise<string> {
  return QRCode.toDataURL(text, { type: 'image/png', errorCorrectionLevel: 'M', margin: 4, scale: 6 });
}

export const makeHandler = (ports: EnrolPorts) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const enrolment = await beginEnrolment(ports, caller, bearerTokenOf(event.headers));
    const [qrCode, qrPng] = await Promise.all([
      qrCodeDataUri(enrolment.otpauthUri),
      qrCodePngDataUri(enrolment.otpauthUri),
    ]);
    const body: TotpEnrolmentResponse = { ...enrolment, qrCode, qrPng };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ identity: aws.identity() }));
