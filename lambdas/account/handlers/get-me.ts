// GET /v1/me: the caller's own account, found by the user id the authorizer established; personal data masked.

import { NotFound } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { AccountStore } from '../account-store.js';
import type { MeResponse } from '../contracts.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: { accounts: AccountStore }) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const account = await ports.accounts.getAccount(caller.userId);
    if (!account) throw new NotFound('Account not found');
    const body: MeResponse = {
      userId: account.userId,
      username: account.username,
      email: account.emailMasked,
      ...(account.phoneMasked ? { phone: account.phoneMasked } : {}),
      status: account.status,
      createdAt: account.createdAt,
      sessionId: caller.sessionId,
    };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore() }));
