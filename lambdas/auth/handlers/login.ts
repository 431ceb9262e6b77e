// POST /v1/auth/login: username, password and device id; answers tokens or the first challenge.

import { clientOf } from '../../kernel/client-context.js';
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import { loginRequest } from '../contracts.js';
import type { LoginFlow } from '../login-flow.js';
import { awsLoginFlow } from '../wiring.js';

export const makeHandler = (ports: { login: LoginFlow }) =>
  httpHandler({ body: loginRequest }, async (request, event) => ({
    // One read per row (read-scope.ts): the device row read for the risk check is the one the login updates.
    body: await readOnce(() =>
      ports.login.start(
        request.body.username,
        request.body.password,
        clientOf(event, request, request.body.deviceId),
      ),
    ),
  }));

export const handler = lazyHandler(() => makeHandler({ login: awsLoginFlow() }));
