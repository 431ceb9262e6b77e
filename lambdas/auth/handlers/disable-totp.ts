// POST /v1/me/mfa/totp/disable (A2, B1): password + a current code turn TOTP off; a security change.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { disableTotp, type TotpPorts } from '../totp.js';
import { disableTotpBody, type TotpStatusResponse } from '../totp-contracts.js';
import { awsSecurityChanges } from '../wiring.js';

export const makeHandler = (ports: TotpPorts) =>
  httpHandler({ body: disableTotpBody }, async (request, event) => {
    const caller = callerOf(event);
    await disableTotp(ports, caller, request.body.password, request.body.code, request);
    const body: TotpStatusResponse = { totpEnabled: false };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    identity: aws.reauthIdentity(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
  }),
);
