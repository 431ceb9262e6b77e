// PUT /v1/me/duress-password (A5): sets or changes the duress password after re-authentication; never equal
// to the password; stored as a slow hash; a security change.

import { awsSignedRows } from '../../kernel/aws/tables.js';
import { ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { type Clock, systemClock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { type SecurityChanges, securityChangeOf } from '../../security/contracts.js';
import { assertDuressDiffers, hashDuress } from '../duress.js';
import { duressSetResponse, setDuressBody } from '../duress-contracts.js';
import { DuressStore } from '../duress-store.js';
import { awsReauthIdentityProvider, awsSecurityChanges } from '../wiring.js';

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
    identity: awsReauthIdentityProvider(),
    duress: new DuressStore(awsSignedRows().tables.accounts),
    securityChanges: awsSecurityChanges(),
    clock: systemClock,
  }),
);
