// POST /v1/auth/challenge: answers the current step of a login (a code, or a poll for the device link).

import { clientOf } from '../../kernel/client-context.js';
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import { challengeRequest } from '../contracts.js';
import type { LoginFlow } from '../login-flow.js';
import { awsLoginFlow } from '../wiring.js';

export const makeHandler = (ports: { login: LoginFlow }) =>
  httpHandler({ body: challengeRequest }, async (request, event) => {
    const { loginId, challenge, code } = request.body;
    // The device of a login is the one that started it; the poll may come from the same client only.
    // One read per row (read-scope.ts): the device row read ahead is the one the finishing login updates.
    return {
      body: await readOnce(() =>
        ports.login.answer(loginId, challenge, code, clientOf(event, request, 'poll')),
      ),
    };
  });

export const handler = lazyHandler(() => makeHandler({ login: awsLoginFlow() }));
