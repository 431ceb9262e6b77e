// The user-mail function: renders a template for a user (lambdas/notify/templates.ts) with their username,
// opens their address through the vault, frames the email with their anti-phishing phrase (B4) and sends it
// through the Notifier: plain text + HTML, or, to a user with a PGP key (B3), PGP/MIME signed (and optionally
// encrypted) by the PgpMailSigner function. Functions that only decide to write to a user (the login) invoke
// this one instead of holding addresses, SES, the vault and OpenPGP.js.

import type { AccountStore } from '../../account/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Mailer } from '../../kernel/ports/mailer.js';
import { type UserMailResult, userMailRequest } from '../../kernel/ports/user-mail-contracts.js';
import { taskHandler } from '../../kernel/task.js';
import type { NotificationPrefsStore } from '../notification-prefs.js';
import { type MailSigner, Notifier, type Recipient } from '../notifier.js';
import { protectionOf } from '../protection.js';
import { renderAddressMessage, renderUserMessage } from '../user-mail-render.js';
import { awsAccountStoreWithContacts, awsNotificationPrefs, awsPgpSignerClient } from '../wiring.js';

export interface UserMailPorts {
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf'>;
  mailer: Mailer;
  notificationPrefs: Pick<NotificationPrefsStore, 'get'>;
  /** Invoked only for a user with a PGP key. */
  pgpSigner: MailSigner;
  clock: Clock;
}

export const makeHandler = (ports: UserMailPorts) => {
  const notifier = new Notifier({ mailer: ports.mailer, signer: ports.pgpSigner, clock: ports.clock });
  return taskHandler(userMailRequest, async (request): Promise<UserMailResult> => {
    if ('to' in request) {
      // A1 sign-up: no account yet, so no phrase and no key; only the code template.
      return notifier.send(
        { email: request.to.email },
        renderAddressMessage(request.message, request.to.username),
      );
    }
    const { userId, message, contact: previous } = request;
    const [account, prefs] = await Promise.all([
      ports.accounts.getAccount(userId),
      ports.notificationPrefs.get(userId),
    ]);
    if (!account) throw new NotFound('Account not found');
    // B1: a previous contact of this account (the old address of an email change), opened by the vault
    // under the account row's binding like the current one.
    const contact = await ports.accounts.contactOf(previous ? { ...account, contact: previous } : account);
    // B1/B3: as the settings say, but a notice about a change of them at least as protected as mail was before.
    const recipient: Recipient = {
      email: contact.email,
      ...(prefs?.phrase ? { phrase: prefs.phrase } : {}),
      ...protectionOf(message, prefs),
    };
    return notifier.send(recipient, renderUserMessage(message, account.username));
  });
};

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStoreWithContacts(),
    mailer: aws.mailer(),
    notificationPrefs: awsNotificationPrefs(),
    pgpSigner: awsPgpSignerClient(),
    clock: aws.clock,
  }),
);
