// PUT /v1/me/password (B1): the current password (and a TOTP code when enrolled) re-authenticates, the new
// one follows the sign-up policy; a security change, after which every other session ends.
import { awsAccountStore, awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsReauthIdentityProvider } from '../shared/adapters/aws-reauth.js';
import { awsSecurityChanges } from '../shared/adapters/aws-security-changes.js';
import { callerOf, httpHandler, lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { DuressStore } from './duress-store.js';
import { changePassword, type PasswordChangePorts } from './password-change.js';
import { changePasswordBody, type PasswordChangedResponse } from './password-contracts.js';

export const makeHandler = (ports: PasswordChangePorts) =>
  httpHandler({ body: changePasswordBody }, async (request, event) => {
    const { currentPassword, newPassword, code } = request.body;
    const body: PasswordChangedResponse = await changePassword(
      ports,
      callerOf(event),
      { currentPassword, newPassword, ...(code ? { code } : {}) },
      request,
    );
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    identity: awsReauthIdentityProvider(),
    accounts: awsAccountStore(),
    duress: new DuressStore(awsSignedRows().tables.accounts),
    securityChanges: awsSecurityChanges(),
    clock: systemClock,
  }),
);
