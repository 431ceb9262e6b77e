// POST /v1/me/mfa/totp/confirm (A2, B1): the password and a first valid code enable TOTP, a security change;
// a wrong code is a 400 TOTP_INVALID, a wrong password a 400 REAUTH_FAILED, and neither changes anything.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { bearerTokenOf, type ConfirmPorts, confirmEnrolment } from '../totp.js';
import { confirmTotpBody, type TotpStatusResponse } from '../totp-contracts.js';
import { awsSecurityChanges } from '../wiring.js';

export const makeHandler = (ports: ConfirmPorts) =>
  httpHandler({ body: confirmTotpBody }, async (request, event) => {
    const caller = callerOf(event);
    await confirmEnrolment(ports, caller, bearerTokenOf(event.headers), request.body, request);
    const body: TotpStatusResponse = { totpEnabled: true };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    identity: aws.reauthIdentity(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
  }),
);
