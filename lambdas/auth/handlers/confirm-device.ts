// GET /v1/auth/device-links/{token}: the link of the new-device email (A7), opened on any device.

import * as aws from '../../kernel/aws/infra.js';
import { httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { linkToken } from '../contracts.js';
import { confirmDevice } from '../login-flow.js';
import type { LoginStore } from '../login-store.js';
import { awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: { logins: LoginStore; clock: Clock }) =>
  httpHandler({}, async (request) => {
    const { token } = parseWith(linkToken, request.pathParams, 'link');
    await confirmDevice(ports, token);
    return { body: { done: true, message: 'Device confirmed: the waiting sign-in can continue.' } };
  });

export const handler = lazyHandler(() => makeHandler({ logins: awsLoginStore(), clock: aws.clock }));
