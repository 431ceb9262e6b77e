// The email that tells a user their account was suspended; wording by reason, no secrets, no links to act on.
// The wording lives with every other template in lambdas/notify/templates.ts; this keeps the old signature
// for callers that do not go through the Notifier yet (no phrase, no PGP: see docs/notifications.md).
import { accountSuspended, frame } from '../notify/templates.js';
import type { SimpleEmail } from '../shared/ports/mailer.js';
import type { SuspensionInput } from './contracts.js';

export function suspensionEmail(
  to: string,
  username: string,
  reason: SuspensionInput['reason'],
  at: Date,
): SimpleEmail {
  const framed = frame(accountSuspended({ username, reason, at }));
  return { to, subject: framed.subject, text: framed.text, html: framed.html };
}
