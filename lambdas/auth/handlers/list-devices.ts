// GET /v1/me/devices (A7): the caller's whitelisted devices, most recently seen first. The partition is the
// caller's, from the token alone (E5).

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { DevicesResponse } from '../device-contracts.js';
import type { LoginStore } from '../login-store.js';
import { awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: { logins: Pick<LoginStore, 'listDevices'> }) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const devices = await ports.logins.listDevices(caller.userId);
    const body: DevicesResponse = {
      devices: devices.map(({ deviceId, name, addedAt, lastSeenAt }) => ({
        deviceId,
        name,
        addedAt,
        lastSeenAt,
      })),
    };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ logins: awsLoginStore() }));
