// POST /v1/auth/device-links (A7): the button of the new-device email's link page, or an app, with the link's
// token in the body (a form or JSON). Single use; the waiting login continues on its next poll.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { linkActionHandler } from '../../kernel/link-page.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { confirmDevice } from '../login-flow.js';
import type { LoginStore } from '../login-store.js';
import { awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: { logins: LoginStore; clock: Clock }) =>
  linkActionHandler(async (token) => {
    await confirmDevice(ports, token);
    return {
      title: 'Sign-in confirmed',
      body: { done: true, message: 'Device confirmed: the waiting sign-in can continue.' },
    };
  });

export const handler = lazyHandler(() => makeHandler({ logins: awsLoginStore(), clock: aws.clock }));
