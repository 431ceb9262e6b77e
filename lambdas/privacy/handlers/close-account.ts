// POST /v1/me/close (F5): the customer closes their account after a fresh step-up; refused with 409 while a
// withdrawal, a security hold or a compliance freeze is in flight (closure.ts). Closing disables the login,
// ends every session and starts the five-year retention clock of the records, in one transaction.
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { type ClosurePorts, closeAccount } from '../closure.js';
import type { CloseAccountResponse } from '../contracts.js';
import { awsAccountClosure } from '../wiring.js';

export const makeHandler = (ports: { accountClosure: ClosurePorts }) =>
  httpHandler({}, async (request, event) => {
    const body: CloseAccountResponse = await closeAccount(ports.accountClosure, callerOf(event), {
      sourceIp: request.sourceIp,
      requestId: request.requestId,
    });
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ accountClosure: awsAccountClosure() }));
