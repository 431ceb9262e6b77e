// POST /v1/me/mfa/totp/disable (A2, B1): password + a current code turn TOTP off; a security change.
import { awsIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { callerOf, httpHandler, lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { disableTotp, type TotpPorts } from './totp.js';
import { disableTotpBody, type TotpStatusResponse } from './totp-contracts.js';

export const makeHandler = (ports: TotpPorts) =>
  httpHandler({ body: disableTotpBody }, async (request, event) => {
    const caller = callerOf(event);
    await disableTotp(ports, caller, request.body.password, request.body.code);
    const body: TotpStatusResponse = { totpEnabled: false };
    return { body };
  });

/** Fails the request (500) until the operation exists: never a silent, unguarded security change. */
const notWired = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not wired yet`);
};

// TODO(A2): `identity: awsIdentityProvider()` once IdentityProvider has TotpPortAdditions, and the
// security changes wired to the hold workflow (B2).
export const handler = lazyHandler(() => {
  const idp = awsIdentityProvider();
  return makeHandler({
    identity: {
      getUser: (username) => idp.getUser(username),
      beginTotpEnrolment: (token) => idp.beginTotpEnrolment(token),
      confirmTotpEnrolment: (token, code) => idp.confirmTotpEnrolment(token, code),
      verifyPasswordAndTotp: notWired('IdentityProvider.verifyPasswordAndTotp'),
      disableTotp: notWired('IdentityProvider.disableTotp'),
    },
    securityChanges: { onSecurityChange: notWired('SecurityChanges.onSecurityChange') },
    clock: systemClock,
  });
});
