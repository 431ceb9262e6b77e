// Workflow task (B1): the first state of the security-hold workflow sends the change's notices, email and
// SMS with the "this wasn't me" link (change-notices.ts); a retry or a duplicate execution sends nothing twice.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import { logger } from '../../kernel/observability.js';
import { taskHandler } from '../../kernel/task.js';
import { type NoticePorts, sendChangeNotice } from '../change-notices.js';
import { holdInput } from '../contracts.js';
import { awsAccountStoreWithContacts, awsNoticeStore, awsSuspensionLinks } from '../wiring.js';

export const makeHandler = (ports: NoticePorts) =>
  taskHandler(holdInput, async (input) => {
    // One read per row: the notice row is marked as begun (created or read) in this run.
    const outcome = await readOnce(() => sendChangeNotice(ports, input));
    logger.info('security change notice', { userId: input.userId, kind: input.change?.kind, ...outcome });
    return outcome;
  });

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStoreWithContacts(),
    links: awsSuspensionLinks(),
    mail: aws.userMail(),
    smsMessages: aws.smsMessages(),
    notices: awsNoticeStore(),
    clock: aws.clock,
  }),
);
