// Workflow task: tells the user their account is suspended, through the user-mail function, so the notice
// carries the user's anti-phishing phrase and PGP signature like every other Palisade email. A user who
// reported a sign-in ("this wasn't me", A4) gets the confirmation, with the withdrawals cancelled (C3).

import * as z from 'zod/mini';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { UserMail } from '../../kernel/ports/user-mail.js';
import { taskHandler } from '../../kernel/task.js';
import type { AccountStore } from '../account-store.js';
import { suspensionInput } from '../contracts.js';
import { awsAccountStore } from '../wiring.js';

/** The state as TellTheUser sees it: CancelTheWithdrawals' count under `withdrawals` (C3). */
const noticeInput = z.extend(suspensionInput, {
  withdrawals: z.optional(z.object({ cancelled: z.number().check(z.int(), z.minimum(0)) })),
});

export const makeHandler = (ports: { accounts: Pick<AccountStore, 'getAccount'>; mail: UserMail }) =>
  taskHandler(noticeInput, async (input) => {
    const account = await ports.accounts.getAccount(input.userId);
    if (!account) throw new NotFound('Account not found');
    const at = new Date(account.suspendedAt ?? input.requestedAt).toISOString();
    await ports.mail.send(
      input.userId,
      input.reason === 'user-reported'
        ? {
            template: 'suspension-confirmed',
            at,
            ...(input.withdrawals ? { withdrawalsCancelled: input.withdrawals.cancelled } : {}),
          }
        : { template: 'account-suspended', reason: input.reason, at },
    );
    return { notified: true };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), mail: aws.userMail() }));
