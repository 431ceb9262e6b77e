// PUT /v1/me/duress-password (A5): sets or changes the duress password after re-authentication; never equal
// to the password; stored as a slow hash; a security change.

import * as aws from '../../kernel/aws/infra.js';
import { ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { type SecurityChanges, securityChangeOf } from '../../security/contracts.js';
import { assertDuressDiffers, hashDuress } from '../duress.js';
import { duressSetResponse, setDuressBody } from '../duress-contracts.js';
import type { DuressStore } from '../duress-store.js';
import { awsDuressStore, awsSecurityChanges } from '../wiring.js';

export interface SetDuressPorts {
  identity: Pick<IdentityProvider, 'reauthenticate'>;
  duress: Pick<DuressStore, 'set'>;
  securityChanges: SecurityChanges;
  clock: Clock;
}

export const makeHandler = (ports: SetDuressPorts) =>
  httpHandler({ body: setDuressBody }, async (request, event) => {
    const caller = callerOf(event);
    const { duressPassword, password, code } = request.body;
    assertDuressDiffers(duressPassword, password);
    if (!(await ports.identity.reauthenticate(caller.username, password, code))) {
      throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
    }
    const at = ports.clock.now();
    await ports.securityChanges.onSecurityChange(
      securityChangeOf('duress-password-set', caller, request, at),
    );
    await ports.duress.set(caller.userId, await hashDuress(duressPassword), at);
    return { body: duressSetResponse.parse({ duressPasswordSet: true }) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    identity: aws.reauthIdentity(),
    duress: awsDuressStore(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
  }),
);
