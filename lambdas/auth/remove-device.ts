// DELETE /v1/me/devices/{deviceId} (A7): takes one of the caller's devices off the whitelist, so its next
// login waits for the emailed link again. Another user's device id is Not Found and changes nothing: the key
// is built from the caller's id (E5). The bot shield forgets the device as well, or it would still pass the
// account's protection as a known device (A3).
//
// The device's sessions are not ended here: sessions record IP and User-Agent, not the device id, so they
// cannot be told apart reliably (two devices with the same browser); the caller ends them through
// DELETE /v1/me/sessions/{sessionId} or DELETE /v1/me/sessions.
import { awsDocumentClient, awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { NotFound } from '../shared/errors.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../shared/http.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import { requireEnv } from '../shared/runtime/aws-env.js';
import type { BotShield } from './bot-shield.js';
import { type DeviceRemovedResponse, deviceIdParam } from './device-contracts.js';
import { loginShield } from './login-shield.js';
import { LoginStore } from './login-store.js';

export const makeHandler = (ports: {
  logins: Pick<LoginStore, 'removeDevice'>;
  shield: Pick<BotShield, 'forgetDevice'>;
  clock: Clock;
}) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const { deviceId } = parseWith(deviceIdParam, request.pathParams, 'device id');
    const removedAt = ports.clock.now().toISOString();
    // The shield first: should the whitelist removal then fail, a retry finds the device still listed.
    await ports.shield.forgetDevice(caller.username, deviceId);
    if (!(await ports.logins.removeDevice(caller.userId, deviceId, removedAt))) {
      throw new NotFound('Device not found');
    }
    const body: DeviceRemovedResponse = { removed: 'device', removedAt };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    logins: new LoginStore(awsSignedRows().tables.accounts),
    shield: loginShield(awsDocumentClient(), requireEnv('SHIELD_TABLE')),
    clock: systemClock,
  }),
);
