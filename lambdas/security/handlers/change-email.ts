// PUT /v1/me/email (B1): re-authentication, then a 6-digit code to the new address (email); the change is made by
// POST /v1/me/email/confirm. A value another account holds is a 409; nothing is written before re-authentication.

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { ContactChangeFlow } from '../contact-change.js';
import { changeEmailBody } from '../contact-change-contracts.js';
import { awsContactChanges } from '../wiring.js';

export const makeHandler = (ports: { contactChanges: Pick<ContactChangeFlow, 'request'> }) =>
  httpHandler({ body: changeEmailBody }, async (request, event) => {
    const { newEmail, password, code } = request.body;
    const body = await ports.contactChanges.request('email', callerOf(event), {
      value: newEmail,
      password,
      ...(code ? { code } : {}),
    });
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ contactChanges: awsContactChanges() }));
