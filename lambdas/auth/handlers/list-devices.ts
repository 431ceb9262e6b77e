// GET /v1/me/devices (A7): the caller's whitelisted devices, most recently seen first, the one of the caller's
// own session marked `current` (its session row names the device it was opened from). The partition is the
// caller's, from the token alone (E5).

import type { AccountStore } from '../../account/contracts.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { DevicesResponse } from '../device-contracts.js';
import type { LoginStore } from '../login-store.js';
import { awsAccountStore, awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: {
  logins: Pick<LoginStore, 'listDevices'>;
  accounts: Pick<AccountStore, 'getSession'>;
}) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const [devices, session] = await Promise.all([
      ports.logins.listDevices(caller.userId),
      ports.accounts.getSession(caller.userId, caller.sessionId),
    ]);
    const body: DevicesResponse = {
      devices: devices.map(({ deviceId, name, addedAt, lastSeenAt }) => ({
        deviceId,
        name,
        addedAt,
        lastSeenAt,
        current: session?.deviceId === deviceId,
      })),
    };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ logins: awsLoginStore(), accounts: awsAccountStore() }),
);
