// B1 change notices: after every security change, an email to the address on file and an SMS to the phone
// on file (for an email or phone change, the OLD ones: the workflow input carries the account's previous
// sealed contact), naming what changed, when and from where, with the A4 "this wasn't me" link. Sent by the
// security-hold workflow's first task; a signed NOTICE row records each channel once sent, so a retried
// task or a re-driven execution sends neither twice.
import type { Account, AccountStore } from '../account/contracts.js';
import { SUSPENSION_LINK_DAYS, type SuspensionLinks } from '../account/contracts.js';
import { describeBrowser } from '../kernel/client-description.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { SmsMessages } from '../kernel/ports/sms-messages.js';
import type { UserMail } from '../kernel/ports/user-mail.js';
import type { SECURITY_CHANGES } from '../kernel/ports/user-mail-contracts.js';
import type { ChangeNotice, HoldInput, SecurityChangeKind } from './contracts.js';

/** Each change kind as the email and SMS templates name it (lambdas/kernel/ports/user-mail-contracts.ts). */
export const NOTICE_CHANGE: Record<SecurityChangeKind, (typeof SECURITY_CHANGES)[number]> = {
  'totp-disabled': 'mfa-disabled',
  'totp-enabled': 'mfa-enabled',
  'duress-password-set': 'duress-password',
  'pgp-key-set': 'pgp-key',
  'pgp-key-removed': 'pgp-key',
  'password-changed': 'password',
  'email-changed': 'email',
  'phone-changed': 'phone',
};

/** Notice rows live as long as the suspension link they carried. */
const NOTICE_TTL_DAYS = SUSPENSION_LINK_DAYS + 1;
const IP = /^[0-9A-Fa-f:.]{2,45}$/;

type Channel = 'email' | 'sms';

interface NoticeRow extends Record<string, unknown> {
  pk: string;
  sk: string;
  kind: SecurityChangeKind;
  changedAt: string;
  emailSentAt?: string;
  smsSentAt?: string;
  version: number;
}

const noticeKey = (userId: string, change: ChangeNotice) => ({
  pk: `USER#${userId}`,
  sk: `NOTICE#${change.at}#${change.kind}`,
});

/** What was sent for each change: one signed row per user and change, each channel marked once sent. */
export class NoticeStore {
  constructor(private readonly table: SignedTable) {}

  /** The row of this change, made on first use. */
  async begin(userId: string, change: ChangeNotice, now: Date): Promise<NoticeRow> {
    const key = noticeKey(userId, change);
    const existing = await this.table.get<NoticeRow>(key);
    if (existing) return existing;
    try {
      return await this.table.create<NoticeRow>({
        ...key,
        kind: change.kind,
        changedAt: change.at,
        ttl: Math.ceil(now.getTime() / 1000) + NOTICE_TTL_DAYS * 86_400,
      });
    } catch (err) {
      const winner = await this.table.get<NoticeRow>(key);
      if (!winner) throw err;
      return winner;
    }
  }

  /** Marks the channels sent (in one write; a channel already marked keeps its time). */
  async markSent(
    userId: string,
    change: ChangeNotice,
    channels: readonly Channel[],
    at: Date,
  ): Promise<void> {
    const fields = channels.map((c) => (c === 'email' ? 'emailSentAt' : 'smsSentAt'));
    await this.table.update<NoticeRow>(noticeKey(userId, change), (row) => {
      const missing = fields.filter((f) => !row[f]);
      return missing.length === 0
        ? undefined
        : { ...row, ...Object.fromEntries(missing.map((f) => [f, at.toISOString()])) };
    });
  }
}

export interface NoticePorts {
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf'>;
  links: Pick<SuspensionLinks, 'issue'>;
  mail: UserMail;
  smsMessages: SmsMessages;
  notices: Pick<NoticeStore, 'begin' | 'markSent'>;
  clock: Clock;
}

export interface NoticeOutcome {
  notified: boolean;
  email: boolean;
  sms: boolean;
}

/**
 * Sends the notices of the change a hold execution carries. The contact is the previous one when the change
 * replaced it (opened by the vault, for the phone; the user-mail function opens it itself for the email),
 * else the current one. An account without a phone gets the email only.
 */
export async function sendChangeNotice(ports: NoticePorts, input: HoldInput): Promise<NoticeOutcome> {
  const change = input.change;
  if (!change) return { notified: false, email: false, sms: false };
  const now = ports.clock.now();
  const account = await ports.accounts.getAccount(input.userId);
  if (!account) return { notified: false, email: false, sms: false };
  // The notice row and the contact (the vault, for a previous one) do not wait on each other.
  const [notice, contact] = await Promise.all([
    ports.notices.begin(input.userId, change, now),
    contactFor(ports, account, change),
  ]);
  const sendEmail = !notice.emailSentAt;
  const sendSms = !notice.smsSentAt && contact.phone !== undefined;
  if (sendEmail || sendSms) {
    const token = await ports.links.issue(input.userId);
    const reportUrl = `${change.baseUrl}/v1/auth/suspend/${token}`;
    const what = NOTICE_CHANGE[change.kind];
    // The email and the SMS go together; each one sent is marked (one write), even when the other failed,
    // so a retry sends only what is missing.
    const sends: [Channel, Promise<void>][] = [];
    if (sendEmail) {
      sends.push([
        'email',
        ports.mail.send(
          input.userId,
          {
            template: 'security-change',
            change: what,
            context: {
              at: change.at,
              ip: change.ip,
              browser: describeBrowser(change.userAgent),
            },
            reportUrl,
            reportExpiresAt: new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString(),
            withdrawalsHeldUntil: input.holdEndsAt,
            ...(change.mailBefore ? { mailBefore: change.mailBefore } : {}),
          },
          change.previousContact ? { contact: change.previousContact } : {},
        ),
      ]);
    }
    if (sendSms && contact.phone) {
      sends.push([
        'sms',
        ports.smsMessages.send({
          to: contact.phone,
          message: {
            template: 'security-change',
            change: what,
            at: change.at,
            ...(IP.test(change.ip) ? { ip: change.ip } : {}),
            reportUrl,
          },
        }),
      ]);
    }
    const outcomes = await Promise.allSettled(sends.map(([, sent]) => sent));
    const sent = sends.filter((_, i) => outcomes[i]?.status === 'fulfilled').map(([channel]) => channel);
    if (sent.length > 0) await ports.notices.markSent(input.userId, change, sent, ports.clock.now());
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return { notified: true, email: true, sms: contact.phone !== undefined };
}

function contactFor(ports: NoticePorts, account: Account, change: ChangeNotice) {
  return ports.accounts.contactOf(
    change.previousContact ? { ...account, contact: change.previousContact } : account,
  );
}
