// B1: changing the email address or the phone number. The request re-authenticates (password + TOTP code
// when enrolled), refuses a value another account holds (its blind-index claim, as sign-up checks) and sends
// a 6-digit code to the NEW address or number; the confirmation (5 attempts, 15 minutes, single use) makes
// the change, a security change whose notice goes to the OLD address and phone (the previous sealed contact
// travels to the notice task) and which starts the withdrawal hold.
//
// The confirmation's writes are ordered so that a failure at any step leaves the old contact valid: the
// account row (the source of truth every message reads) is written last but one, in one version-conditional
// write; before it, only a claim of the new value by this same user (harmless, taken again by a retry), the
// recorded change (a conservative hold) and the directory's copy of the attribute; after it, the old claim
// is released (a failure there keeps the old value reserved for this user, never given to another).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountStore, SignupStore } from '../account/contracts.js';
import { Conflict, Gone, NotFound, TooManyRequests, ValidationError } from '../kernel/errors.js';
import type { CallerIdentity } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import type { BlindIndexer } from '../kernel/privacy/blind-index.js';
import type { FieldCipher } from '../kernel/privacy/field-cipher.js';
import { maskEmail, maskPhone } from '../kernel/privacy/mask.js';
import type { ContactChangedResponse, ContactChangeStartedResponse } from './contact-change-contracts.js';
import { type ContactChangeStore, type ContactChannel, pendingBinding } from './contact-change-store.js';
import { type ChangeOrigin, type SecurityChanges, securityChangeOf } from './security-changes.js';

export const CONTACT_CHANGE_RULES = Object.freeze({ codeMinutes: 15, attempts: 5 });

/** Where the codes go: the user-mail function (to the new address) and the SMS function (to the new number). */
export interface ContactCodeSender {
  email(to: { email: string; username: string }, code: string, expiresAt: string): Promise<void>;
  sms(to: string, code: string, validMinutes: number): Promise<void>;
}

export interface ContactChangePorts {
  identity: Pick<IdentityProvider, 'reauthenticate' | 'updateContact'>;
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf' | 'changeContact'>;
  pending: Pick<ContactChangeStore, 'get' | 'put' | 'advance'>;
  claims: Pick<SignupStore, 'holderOf' | 'claim' | 'release'>;
  blindIndex: () => Promise<BlindIndexer>;
  /** Seals and opens the new value in the pending row. */
  vault: FieldCipher;
  codes: ContactCodeSender;
  securityChanges: SecurityChanges;
  clock: Clock;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const codeHash = (changeId: string, code: string) => sha256(`${changeId}:${code}`);

function equalHashes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The same address or number, as the blind index compares them: email case-insensitive, phone exact. */
export function sameContact(channel: ContactChannel, a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  return channel === 'email'
    ? a.normalize('NFKC').trim().toLowerCase() === b.normalize('NFKC').trim().toLowerCase()
    : a.trim() === b.trim();
}

const taken = (channel: ContactChannel) =>
  channel === 'email'
    ? new Conflict('This email address belongs to an account', 'EMAIL_TAKEN')
    : new Conflict('This phone number belongs to an account', 'PHONE_TAKEN');

const masked = (channel: ContactChannel, value: string) =>
  channel === 'email' ? maskEmail(value) : maskPhone(value);

export class ContactChangeFlow {
  constructor(private readonly ports: ContactChangePorts) {}

  async request(
    channel: ContactChannel,
    caller: CallerIdentity,
    input: { value: string; password: string; code?: string },
  ): Promise<ContactChangeStartedResponse> {
    const { accounts, identity, clock } = this.ports;
    const account = await accounts.getAccount(caller.userId);
    if (!account) throw new NotFound('Account not found');
    // Re-authentication first: without it, nothing is looked up, written or sent.
    if (!(await identity.reauthenticate(caller.username, input.password, input.code))) {
      throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
    }
    const current = await accounts.contactOf(account);
    if (sameContact(channel, current[channel], input.value)) {
      throw new ValidationError(`This is already your ${channel}`, undefined, 'CONTACT_UNCHANGED');
    }
    const index = await (await this.ports.blindIndex()).index(channel, input.value);
    const holder = await this.ports.claims.holderOf(channel, index);
    if (holder !== undefined && holder !== caller.userId) throw taken(channel);

    const now = clock.now();
    const changeId = randomBytes(18).toString('base64url');
    const code = newCode();
    const expiresAt = new Date(now.getTime() + CONTACT_CHANGE_RULES.codeMinutes * 60_000).toISOString();
    const sealed = await this.ports.vault.encrypt(pendingBinding(caller.userId, channel), {
      value: input.value,
    });
    await this.ports.pending.put({
      userId: caller.userId,
      channel,
      changeId,
      index,
      sealed,
      codeHash: codeHash(changeId, code),
      attemptsLeft: CONTACT_CHANGE_RULES.attempts,
      createdAt: now.toISOString(),
      expiresAt,
    });
    if (channel === 'email') {
      await this.ports.codes.email({ email: input.value, username: caller.username }, code, expiresAt);
    } else {
      await this.ports.codes.sms(input.value, code, CONTACT_CHANGE_RULES.codeMinutes);
    }
    return { status: 'verification-required', expiresAt, sentTo: masked(channel, input.value) };
  }

  async confirm(
    channel: ContactChannel,
    caller: CallerIdentity,
    code: string,
    origin: ChangeOrigin,
  ): Promise<ContactChangedResponse> {
    const { pending, claims, accounts, identity, clock } = this.ports;
    const now = clock.now();
    const at = now.toISOString();
    const change = await pending.get(caller.userId, channel);
    if (!change || change.completedAt || change.failedAt || change.attemptsLeft <= 0) {
      throw new Gone('No change of this kind is waiting; ask again', 'CHANGE_OVER');
    }
    if (Date.parse(change.expiresAt) <= now.getTime()) {
      throw new Gone('This change has expired; ask again', 'CHANGE_EXPIRED');
    }
    if (!equalHashes(change.codeHash, codeHash(change.changeId, code))) {
      const attemptsLeft = change.attemptsLeft - 1;
      await pending.advance(change, { attemptsLeft, ...(attemptsLeft <= 0 ? { failedAt: at } : {}) });
      if (attemptsLeft <= 0) throw new TooManyRequests('Too many wrong codes; ask again', 0);
      throw new ValidationError('The code is not valid', undefined, 'CODE_INVALID');
    }
    const { value } = await this.ports.vault.decrypt(pendingBinding(caller.userId, channel), change.sealed);
    if (!value) throw new Error('The pending change holds no value');

    // 1. The new value becomes this user's (another account may have claimed it since the request).
    try {
      await claims.claim(channel, change.index, caller.userId, at);
    } catch (err) {
      if (err instanceof Conflict) throw taken(channel);
      throw err;
    }
    // 2. Single use: of two confirmations racing, one goes on.
    await pending.advance(change, { completedAt: at });
    // 3. The security change, before the change itself: audit, hold, and the notice to the old contact.
    const account = await accounts.getAccount(caller.userId);
    if (!account) throw new NotFound('Account not found');
    const previousPhone = channel === 'phone' ? (await accounts.contactOf(account)).phone : undefined;
    const kind = channel === 'email' ? 'email-changed' : 'phone-changed';
    await this.ports.securityChanges.onSecurityChange(
      securityChangeOf(kind, caller, origin, now, { previousContact: account.contact }),
    );
    // 4. The directory's copy, then 5. the account row: the commit point.
    const update = channel === 'email' ? { email: value } : { phone: value };
    await identity.updateContact(caller.username, update);
    const { account: after } = await accounts.changeContact(caller.userId, update);
    // 6. The old value is free again.
    const oldIndex =
      channel === 'email'
        ? account.emailIndex
        : previousPhone
          ? await (await this.ports.blindIndex()).index('phone', previousPhone)
          : undefined;
    if (oldIndex && oldIndex !== change.index) await claims.release(channel, oldIndex, caller.userId, at);
    return {
      changed: channel,
      email: after.emailMasked,
      ...(after.phoneMasked ? { phone: after.phoneMasked } : {}),
    };
  }
}
