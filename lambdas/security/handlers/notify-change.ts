// Workflow task (B1): the first state of the security-hold workflow sends the change's notices, email and
// SMS with the "this wasn't me" link (change-notices.ts); a retry or a duplicate execution sends nothing twice.
import { SuspensionLinks } from '../../account/contracts.js';
import { awsSmsMessages } from '../../kernel/aws/sms-messages.js';
import { awsSignedRows } from '../../kernel/aws/tables.js';
import { awsUserMail } from '../../kernel/aws/user-mail.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { type NoticePorts, NoticeStore, sendChangeNotice } from '../change-notices.js';
import { holdInput } from '../contracts.js';
import { awsAccountStoreWithContacts } from '../wiring.js';

export const makeHandler = (ports: NoticePorts) =>
  taskHandler(holdInput, async (input) => {
    const outcome = await sendChangeNotice(ports, input);
    logger.info('security change notice', { userId: input.userId, kind: input.change?.kind, ...outcome });
    return outcome;
  });

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStoreWithContacts(),
    links: new SuspensionLinks(awsSignedRows().tables.accounts, systemClock),
    mail: awsUserMail(),
    smsMessages: awsSmsMessages(),
    notices: new NoticeStore(awsSignedRows().tables.accounts),
    clock: systemClock,
  }),
);
