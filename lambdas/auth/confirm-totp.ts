// POST /v1/me/mfa/totp/confirm (A2): a first valid code enables TOTP; a wrong one is a 400 TOTP_INVALID.
import { awsIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { callerOf, httpHandler, lazyHandler } from '../shared/http.js';
import { bearerTokenOf, type ConfirmPorts, confirmEnrolment } from './totp.js';
import { confirmTotpBody, type TotpStatusResponse } from './totp-contracts.js';

export const makeHandler = (ports: ConfirmPorts) =>
  httpHandler({ body: confirmTotpBody }, async (request, event) => {
    callerOf(event);
    await confirmEnrolment(ports, bearerTokenOf(event.headers), request.body.code);
    const body: TotpStatusResponse = { totpEnabled: true };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ identity: awsIdentityProvider() }));
