// GET /v1/me: the caller's own account, found by the user id the authorizer established; personal data masked.
// With `?reveal=contact` the email and phone are shown in clear to their owner, only after a fresh step-up of
// this very session (POST /v1/me/step-up, step-up.ts), and each such read is audited (who, which session,
// which fields; never the values). Without a fresh step-up: 403 STEP_UP_REQUIRED.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { Forbidden, NotFound } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AccountStore } from '../account-store.js';
import { type MeResponse, meQuery } from '../contracts.js';
import { isFreshStepUp } from '../step-up.js';
import { awsAccountStoreWithContacts } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: Pick<AccountStore, 'getAccount' | 'getSession' | 'contactOf'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}) =>
  httpHandler({ query: meQuery }, async (request, event) => {
    const caller = callerOf(event);
    const reveal = request.query.reveal === 'contact';
    const [account, session] = await Promise.all([
      ports.accounts.getAccount(caller.userId),
      reveal ? ports.accounts.getSession(caller.userId, caller.sessionId) : undefined,
    ]);
    if (!account) throw new NotFound('Account not found');
    const now = ports.clock.now();
    if (reveal && !isFreshStepUp(session?.steppedUpAt, now)) {
      throw new Forbidden('Confirm your password first (POST /v1/me/step-up)', 'STEP_UP_REQUIRED');
    }
    const contact = reveal ? await ports.accounts.contactOf(account) : undefined;
    if (contact) {
      await ports.audit.append({
        actor: { kind: 'user', id: caller.userId },
        action: 'account.read-contact',
        target: { kind: 'user', id: caller.userId },
        outcome: 'success',
        at: now.toISOString(),
        sourceIp: request.sourceIp.slice(0, 64),
        requestId: request.requestId,
        details: { sessionId: caller.sessionId, revealed: contact.phone ? 'email,phone' : 'email' },
      });
    }
    const phone = contact ? contact.phone : account.phoneMasked;
    const body: MeResponse = {
      userId: account.userId,
      username: account.username,
      email: contact ? contact.email : account.emailMasked,
      ...(phone ? { phone } : {}),
      contactRevealed: contact !== undefined,
      status: account.status,
      createdAt: account.createdAt,
      sessionId: caller.sessionId,
    };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStoreWithContacts(), audit: aws.rows().audit, clock: aws.clock }),
);
