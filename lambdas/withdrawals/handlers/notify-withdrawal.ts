// Workflow task (C3) TellTheUserTheOutcome: emails the user a dispatched or rejected withdrawal through the
// user-mail function (template `withdrawal-update`: asset, amount, masked address, status; no free text).
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { UserMail } from '../../kernel/ports/user-mail.js';
import { taskHandler } from '../../kernel/task.js';
import type { WithdrawalLifecycle } from '../lifecycle.js';
import { awsWithdrawalLifecycle } from '../wiring.js';
import { withdrawalTaskInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get'>;
  mail: UserMail;
}) =>
  taskHandler(withdrawalTaskInput, async ({ userId, withdrawalId }) => {
    const record = await ports.withdrawalLifecycle.get(userId, withdrawalId);
    if (!record) throw new Error(`No withdrawal ${withdrawalId} for user ${userId}`);
    const status = record.status;
    // A cancelled one is the suspension notice's to tell; the others are not an outcome yet.
    if (status !== 'dispatched' && status !== 'rejected') return { notified: false };
    await ports.mail.send(userId, {
      template: 'withdrawal-update',
      asset: record.asset,
      amount: record.amount,
      addressMasked: record.addressMasked,
      status,
      at: record.dispatch?.at ?? record.decision?.at ?? record.updatedAt,
    });
    return { notified: true };
  });

export const handler = lazyHandler(() =>
  makeHandler({ withdrawalLifecycle: awsWithdrawalLifecycle(), mail: aws.userMail() }),
);
