// POST /v1/me/mfa/totp (A2): starts TOTP enrolment; answers the secret, its otpauth URI and a QR code (SVG, and
// PNG for mobile apps, which cannot easily show an SVG data URI).

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { qrCodeImages } from '../qr-code.js';
import { bearerTokenOf, beginEnrolment, type EnrolPorts } from '../totp.js';
import type { TotpEnrolmentResponse } from '../totp-contracts.js';

export const makeHandler = (ports: EnrolPorts) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const enrolment = await beginEnrolment(ports, caller, bearerTokenOf(event.headers));
    const { svg: qrCode, png: qrPng } = qrCodeImages(enrolment.otpauthUri);
    const body: TotpEnrolmentResponse = { ...enrolment, qrCode, qrPng };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ identity: aws.identity() }));
