// PUT /v1/me/phone (B1): re-authentication, then a 6-digit code to the new number (SMS); the change is made by
// POST /v1/me/phone/confirm. A value another account holds is a 409; nothing is written before re-authentication.

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { ContactChangeFlow } from '../contact-change.js';
import { changePhoneBody } from '../contact-change-contracts.js';
import { awsContactChanges } from '../wiring.js';

export const makeHandler = (ports: { contactChanges: Pick<ContactChangeFlow, 'request'> }) =>
  httpHandler({ body: changePhoneBody }, async (request, event) => {
    const { newPhone, password, code } = request.body;
    const body = await ports.contactChanges.request('phone', callerOf(event), {
      value: newPhone,
      password,
      ...(code ? { code } : {}),
    });
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ contactChanges: awsContactChanges() }));
