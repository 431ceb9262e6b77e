// The email that tells a user their account was suspended; wording by reason, no secrets, no links to act on.
import type { OutgoingEmail } from '../shared/ports/mailer.js';
import type { SuspensionInput } from './contracts.js';

const WHY: Record<SuspensionInput['reason'], string> = {
  'user-reported': 'you reported a sign-in that was not yours',
  duress: 'our security team received an alert about your account',
  admin: 'our security team suspended it',
  integrity: 'our systems detected an integrity problem with your account data',
};

export function suspensionEmail(
  to: string,
  username: string,
  reason: SuspensionInput['reason'],
  at: Date,
): OutgoingEmail {
  return {
    to,
    subject: 'Your Palisade account has been suspended',
    text: [
      `Hello ${username},`,
      '',
      `Your account was suspended at ${at.toISOString()} because ${WHY[reason]}.`,
      'Every session has been signed out and withdrawals are frozen.',
      '',
      'To restore access, contact support from the email address on file. Palisade staff will never ask',
      'for your password or your authenticator codes.',
    ].join('\n'),
  };
}
