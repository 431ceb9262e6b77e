// POST /v1/me/email/confirm (B1): the code sent to the new address makes the change (5 attempts, 15 minutes); a
// security change, noticed to the old address and the phone, which starts the withdrawal hold.

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { ContactChangeFlow } from '../contact-change.js';
import { confirmContactBody } from '../contact-change-contracts.js';
import { awsContactChanges } from '../wiring.js';

export const makeHandler = (ports: { contactChanges: Pick<ContactChangeFlow, 'confirm'> }) =>
  httpHandler({ body: confirmContactBody }, async (request, event) => ({
    body: await ports.contactChanges.confirm('email', callerOf(event), request.body.code, request),
  }));

export const handler = lazyHandler(() => makeHandler({ contactChanges: awsContactChanges() }));
