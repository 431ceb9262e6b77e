// Workflow task (B2): tells the user withdrawals are available again, through the user-mail function (phrase,
// PGP signature like every other Palisade email).
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { UserMail } from '../../kernel/ports/user-mail.js';
import { taskHandler } from '../../kernel/task.js';
import { holdInput } from '../contracts.js';

export const makeHandler = (ports: { mail: UserMail }) =>
  taskHandler(holdInput, async (input) => {
    await ports.mail.send(input.userId, { template: 'withdrawals-available', at: input.holdEndsAt });
    return { notified: true };
  });

export const handler = lazyHandler(() => makeHandler({ mail: aws.userMail() }));
