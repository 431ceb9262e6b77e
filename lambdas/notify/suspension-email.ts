// The email that tells a user their account was suspended; wording by reason, no secrets, no links to act on.
// The wording lives with every other template in lambdas/notify/templates.ts; this keeps the old signature
// for callers that do not go through the Notifier yet (no phrase, no PGP: see docs/notifications.md).

import type { SuspensionInput } from '../account/contracts.js';
import type { SimpleEmail } from '../kernel/ports/mailer.js';
import { accountSuspended, frame } from './templates.js';

export function suspensionEmail(
  to: string,
  username: string,
  reason: SuspensionInput['reason'],
  at: Date,
): SimpleEmail {
  const framed = frame(accountSuspended({ username, reason, at }));
  return { to, subject: framed.subject, text: framed.text, html: framed.html };
}
