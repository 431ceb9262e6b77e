// DELETE /v1/me/devices/{deviceId} (A7): takes one of the caller's devices off the whitelist, so its next
// login waits for the emailed link again, and ends the sessions opened from it (each session row names its
// device), the caller's own included when it is that device. Another user's device id is Not Found and
// changes nothing: the keys are built from the caller's id (E5). The bot shield forgets the device as well,
// or it would still pass the account's protection as a known device (A3). Sessions from before rows named
// their device are not ended here; the caller ends them through DELETE /v1/me/sessions/{sessionId}.

import type { AccountStore } from '../../account/contracts.js';
import { endDeviceSessions } from '../../account/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { BotShield } from '../../kernel/shield/bot-shield.js';
import { type DeviceRemovedResponse, deviceIdParam } from '../device-contracts.js';
import type { LoginStore } from '../login-store.js';
import { awsAccountStore, awsBotShield, awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: {
  logins: Pick<LoginStore, 'removeDevice'>;
  shield: Pick<BotShield, 'forgetDevice'>;
  accounts: Pick<AccountStore, 'listSessions' | 'revokeSession'>;
  clock: Clock;
}) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const { deviceId } = parseWith(deviceIdParam, request.pathParams, 'device id');
    const now = ports.clock.now();
    const removedAt = now.toISOString();
    // The shield and the sessions first: should the whitelist removal then fail, a retry finds the device
    // still listed. Only sessions of the caller's own partition that name this device are ended, and such a
    // session's device was on the caller's whitelist when it logged in.
    await ports.shield.forgetDevice(caller.username, deviceId);
    const sessionsEnded = await endDeviceSessions(ports.accounts, caller.userId, deviceId, now);
    if (!(await ports.logins.removeDevice(caller.userId, deviceId, removedAt))) {
      throw new NotFound('Device not found');
    }
    const body: DeviceRemovedResponse = { removed: 'device', removedAt, sessionsEnded };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    logins: awsLoginStore(),
    shield: awsBotShield(),
    accounts: awsAccountStore(),
    clock: aws.clock,
  }),
);
