// GET /v1/auth/suspend/{token}: "this wasn't me" (A4). The first use starts the account-suspension workflow
// (suspend, revoke every session and refresh token, confirm by email); a second use changes nothing.

import * as aws from '../../kernel/aws/infra.js';
import { httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import { linkToken } from '../../kernel/shapes.js';
import type { SuspensionLinks } from '../suspension-links.js';
import { awsSuspensionLinks } from '../wiring.js';

export const makeHandler = (ports: { links: SuspensionLinks; workflows: Workflows; clock: Clock }) =>
  httpHandler({}, async (request) => {
    const { token } = parseWith(linkToken, request.pathParams, 'link');
    const { userId, first } = await ports.links.use(token);
    if (first) {
      await ports.workflows.start(
        'account-suspension',
        { userId, reason: 'user-reported', requestedAt: ports.clock.now().toISOString() },
        `user-reported-${userId}-${request.requestId}`.slice(0, 80),
      );
    }
    return {
      body: {
        done: true,
        message: first
          ? 'Your account is being suspended and every session signed out. Contact support to restore it.'
          : 'This link was already used: your account is suspended.',
      },
    };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    links: awsSuspensionLinks(),
    workflows: aws.workflows(),
    clock: aws.clock,
  }),
);
