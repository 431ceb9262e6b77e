// PUT /v1/me/password (B1): the current password (and a TOTP code when enrolled) re-authenticates, the new
// one follows the sign-up policy; a security change, after which every other session ends.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { changePassword, type PasswordChangePorts } from '../password-change.js';
import { changePasswordBody, type PasswordChangedResponse } from '../password-contracts.js';
import { passwordScreen } from '../password-screen.js';
import { awsAccountStore, awsDuressStore, awsSecurityChanges } from '../wiring.js';

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
    identity: aws.reauthIdentity(),
    accounts: awsAccountStore(),
    duress: awsDuressStore(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
    passwords: passwordScreen(aws.breachedPasswords()),
  }),
);
