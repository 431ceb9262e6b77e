// A1 sign-up: free usernames, and an email and a phone verified by code before the account exists.
//
// `start` checks the rules (username never the email or its local part, the password policy on the NFKC
// form), looks the email and phone up by their keyed blind index (never the plaintext) without telling the
// caller whether another account holds them (a holder gets a notice instead of a code), creates the identity user with the password at once (the password is never stored by
// Palisade) and disables it until verification, writes the pending sign-up (a signed, single-use,
// expiring row holding only code hashes) and sends a 6-digit code by email and another by SMS.
// `verify` takes both codes (5 attempts in all, 15 minutes): then the email and phone are claimed (a
// conditional create on their blind index, so two sign-ups racing for one address leave one winner), the
// account row is created (contact sealed by the vault) and the identity user enabled. No tokens: the first
// login goes through the usual proofs (new network, new device).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountStore, PendingSignup, SignupStore } from '../account/contracts.js';
import {
  AppError,
  Conflict,
  Gone,
  TooManyRequests,
  Unauthorized,
  ValidationError,
} from '../kernel/errors.js';
import { logger } from '../kernel/observability.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import type { BlindIndexer } from '../kernel/privacy/blind-index.js';
import { maskEmail, maskPhone } from '../kernel/privacy/mask.js';
import { type IncrementRule, parseSource, type ShieldStorePort } from '../kernel/shield/bot-shield.js';
import type { PasswordScreen } from './password-screen.js';
import { PASSWORD_POLICY, type SignupRequest } from './signup-contracts.js';

/** The screen of a function that sets no password (VerifySignUp): calling it is a wiring defect. */
export const NO_PASSWORD_SET: PasswordScreen = {
  assertAcceptable() {
    return Promise.reject(new Error('this function sets no password'));
  },
};

export const SIGNUP_RULES = Object.freeze({
  codeMinutes: 15,
  /** Verification attempts of one sign-up (both codes are checked on every attempt). */
  attempts: 5,
  /** Sign-up requests per source address, and per /24 (IPv4) or /64 (IPv6) network, in one hour. */
  perAddressPerHour: 10,
  perNetworkPerHour: 50,
  /** A sign-up not verified within this many hours frees its username for the next sign-up that asks. */
  unverifiedHours: 24,
});

/** Where the codes go: the user-mail function (to an address, no account yet) and the SMS function. */
export interface SignupMessenger {
  emailCode(to: { email: string; username: string }, code: string, expiresAt: string): Promise<void>;
  smsCode(to: string, code: string, validMinutes: number): Promise<void>;
  /** In place of the code: the address already belongs to an account (ASVS 6.3.8: no enumeration). */
  emailTaken(to: { email: string; username: string }, at: string): Promise<void>;
  /** In place of the code: the number already belongs to an account. */
  smsTaken(to: string): Promise<void>;
}

export interface SignupPorts {
  identity: Pick<IdentityProvider, 'createUser' | 'disableUser' | 'enableUser' | 'getUser' | 'deleteUser'>;
  accounts: Pick<AccountStore, 'createAccount' | 'getAccount'>;
  signups: SignupStore;
  blindIndex: () => Promise<BlindIndexer>;
  messenger: SignupMessenger;
  clock: Clock;
  /** X3: weak and breached passwords are refused before anything is written. */
  passwords: PasswordScreen;
  /** The bot shield's counters (Shield table): sign-ups per source. */
  throttle?: Pick<ShieldStorePort, 'increment'>;
  /**
   * X4: the new customer's KYC record, opened at the sign-up level (`none`) before the account is created, so
   * no account made by sign-up is ever without one (users without a record are those from before: `basic`).
   */
  kyc?: { open(userId: string, at: string): Promise<void> };
  /** F2: the new customer's screening (roster enrolment and the screening workflow's start). */
  screening?: { customer(input: { userId: string; username: string }, trigger: 'signup'): Promise<void> };
}

export interface SignupStarted {
  status: 'verification-required';
  signupId: string;
  expiresAt: string;
  emailMasked: string;
  phoneMasked: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const codeHash = (signupId: string, channel: 'email' | 'phone', code: string) =>
  sha256(`${signupId}:${channel}:${code}`);

function equalHashes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A1: the username may not be the email address nor its local part (case-insensitive, NFKC): a username is
 * shown and typed, and must not disclose the address. An email-shaped username cannot pass the username
 * alphabet (no `@`) in the first place.
 */
export function checkUsername(username: string, email: string): void {
  const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const name = fold(username);
  const address = fold(email);
  const local = address.slice(0, Math.max(0, address.lastIndexOf('@')));
  if (name === address || name === local) {
    throw new ValidationError(
      'The username may not be your email address or its part before the @',
      [{ path: 'username', message: 'equal to the email address' }],
      'USERNAME_IS_EMAIL',
    );
  }
}

/**
 * The password policy on the NFKC form (the form the identity provider stores): 12 to 256 characters
 * (code points), not the username. Returns the normalised password.
 */
export function checkPassword(password: string, username: string): string {
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  const refuse = (message: string) => {
    throw new ValidationError(message, [{ path: 'password', message }], 'PASSWORD_POLICY');
  };
  if (length < PASSWORD_POLICY.minLength)
    refuse(`The password needs at least ${PASSWORD_POLICY.minLength} characters`);
  if (length > PASSWORD_POLICY.maxLength)
    refuse(`The password may have at most ${PASSWORD_POLICY.maxLength} characters`);
  if (normalised.trim().length === 0) refuse('The password may not be blank');
  if (normalised.toLowerCase() === username.normalize('NFKC').toLowerCase())
    refuse('The password may not be the username');
  return normalised;
}

/**
 * A code could not be sent and the sign-up was taken back: retrying later is safe (503). Never the client's
 * mistake; defined here, not in the kernel, so no other bundle carries it.
 */
export class CodesNotSent extends AppError {
  override readonly name = 'CodesNotSent';
  readonly status = 503;
  readonly code = 'CODES_NOT_SENT';
}

export class SignupFlow {
  constructor(private readonly ports: SignupPorts) {}

  async start(request: SignupRequest, source: { ip: string }): Promise<SignupStarted> {
    const { identity, signups, clock } = this.ports;
    const now = clock.now();
    checkUsername(request.username, request.email);
    const password = checkPassword(request.password, request.username);
    await this.throttle(source.ip, now);
    await this.ports.passwords.assertAcceptable(password, {
      username: request.username,
      email: request.email,
    });

    const indexer = await this.ports.blindIndex();
    const [emailIndex, phoneIndex] = await Promise.all([
      indexer.index('email', request.email),
      indexer.index('phone', request.phone),
    ]);
    const [emailTaken, phoneTaken] = await Promise.all([
      signups.isClaimed('email', emailIndex),
      signups.isClaimed('phone', phoneIndex),
    ]);
    // ASVS 6.3.8: a taken email or phone is not told. The sign-up goes on as for any other; the owner of a
    // taken address or number is told instead of sent a code, so this sign-up can never be verified.

    // A taken username is a Conflict (USERNAME_TAKEN): a sign-up necessarily reveals it. One held by a
    // sign-up never verified within a day is freed first.
    const newUser = { username: request.username, email: request.email, phone: request.phone, password };
    const { userId } = await identity.createUser(newUser).catch(async (err: unknown) => {
      if (!(err instanceof Conflict) || !(await this.freeStaleUsername(request.username, now))) throw err;
      return identity.createUser(newUser);
    });
    await identity.disableUser(request.username);

    const signupId = randomBytes(24).toString('base64url');
    const emailCode = newCode();
    const phoneCode = newCode();
    const expiresAt = new Date(now.getTime() + SIGNUP_RULES.codeMinutes * 60_000).toISOString();
    const signup = await signups.create({
      signupId,
      userId,
      username: request.username,
      emailIndex,
      phoneIndex,
      emailCodeHash: codeHash(signupId, 'email', emailCode),
      phoneCodeHash: codeHash(signupId, 'phone', phoneCode),
      attemptsLeft: SIGNUP_RULES.attempts,
      createdAt: now.toISOString(),
      expiresAt,
    });
    const to = { email: request.email, username: request.username };
    const sent = await Promise.allSettled([
      emailTaken
        ? this.ports.messenger.emailTaken(to, now.toISOString())
        : this.ports.messenger.emailCode(to, emailCode, expiresAt),
      phoneTaken
        ? this.ports.messenger.smsTaken(request.phone)
        : this.ports.messenger.smsCode(request.phone, phoneCode, SIGNUP_RULES.codeMinutes),
    ]);
    if (sent.some((s) => s.status === 'rejected')) await this.takeBack(signup, request.username);
    return {
      status: 'verification-required',
      signupId,
      expiresAt,
      emailMasked: maskEmail(request.email),
      phoneMasked: maskPhone(request.phone),
    };
  }

  async verify(
    signupId: string,
    emailCode: string,
    phoneCode: string,
  ): Promise<{ status: 'verified'; username: string; message: string }> {
    const { signups, clock } = this.ports;
    const now = clock.now();
    const signup = await signups.get(signupId);
    if (!signup || signup.completedAt || signup.failedAt || signup.attemptsLeft <= 0) {
      throw new Gone('This sign-up is over; sign up again', 'SIGNUP_OVER');
    }
    if (Date.parse(signup.expiresAt) <= now.getTime()) {
      throw new Gone('This sign-up has expired; sign up again', 'SIGNUP_EXPIRED');
    }
    // Both compared, always: which code was wrong is not told.
    const emailRight = equalHashes(signup.emailCodeHash, codeHash(signupId, 'email', emailCode));
    const phoneRight = equalHashes(signup.phoneCodeHash, codeHash(signupId, 'phone', phoneCode));
    if (!(emailRight && phoneRight)) {
      const attemptsLeft = signup.attemptsLeft - 1;
      await signups.advance(signup, {
        attemptsLeft,
        ...(attemptsLeft <= 0 ? { failedAt: now.toISOString() } : {}),
      });
      if (attemptsLeft <= 0) throw new TooManyRequests('Too many wrong codes; sign up again', 0);
      throw new Unauthorized('Invalid codes');
    }
    // Single use: only one request completes a sign-up.
    const done = await signups.advance(signup, { completedAt: now.toISOString() });
    await this.complete(done, now);
    return {
      status: 'verified',
      username: done.username,
      message: 'Your email address and phone number are verified: you can now log in.',
    };
  }

  private async complete(signup: PendingSignup, now: Date): Promise<void> {
    const { signups, identity, accounts } = this.ports;
    const at = now.toISOString();
    // The two claims and the directory read do not wait on one another (a claim refused leaves the other
    // claim as a refusal after the first claim always did: it names this user, whose sign-up is over).
    const [emailClaim, phoneClaim, user] = await Promise.allSettled([
      claimOrRefuse(() => signups.claim('email', signup.emailIndex, signup.userId, at), 'EMAIL_TAKEN'),
      claimOrRefuse(() => signups.claim('phone', signup.phoneIndex, signup.userId, at), 'PHONE_TAKEN'),
      identity.getUser(signup.username),
    ]);
    if (emailClaim.status === 'rejected') throw emailClaim.reason;
    if (phoneClaim.status === 'rejected') throw phoneClaim.reason;
    if (user.status === 'rejected') throw user.reason;
    const found = user.value;
    if (!found || found.userId !== signup.userId)
      throw new Error('The sign-up user is gone from the directory');
    // The KYC record and the account are written side by side (neither reads the other; a user without a
    // KYC record has the default level); the directory user is enabled only once both are.
    const [kyc, account] = await Promise.allSettled([
      this.ports.kyc?.open(found.userId, at),
      accounts.createAccount({
        userId: found.userId,
        username: found.username,
        createdAt: at,
        email: found.email,
        ...(found.phone ? { phone: found.phone } : {}),
      }),
    ]);
    if (kyc.status === 'rejected') throw kyc.reason;
    if (account.status === 'rejected') throw account.reason;
    // F2: screened once the account exists, while the user is enabled; the customer learns nothing of it
    // either way. A failure here does not undo a completed sign-up: it is logged, and the next re-screen
    // covers the customer if the roster enrolment went through (docs/screening.md).
    const screened = (async () => {
      try {
        await this.ports.screening?.customer({ userId: found.userId, username: found.username }, 'signup');
      } catch (err) {
        logger.error('the new customer could not be handed to screening', { error: (err as Error).name });
      }
    })();
    await Promise.all([identity.enableUser(signup.username), screened]);
  }

  /**
   * A1: a username held by a sign-up that was never verified within `unverifiedHours` is freed: its directory
   * user (disabled, without an account) is deleted. Its email and phone were never claimed (claims are made
   * at verification). A verified, suspended or otherwise disabled account is never touched: only a user whose
   * own pending sign-up row says it is unverified and old enough.
   */
  /**
   * A code that could not be sent: the sign-up is taken back (ended, its user deleted, so the username is
   * free again) and the request fails with 503, so trying again later starts afresh instead of meeting
   * USERNAME_TAKEN for a day. A code that did go out is then useless: its sign-up is over.
   */
  private async takeBack(signup: PendingSignup, username: string): Promise<never> {
    const { identity, signups, clock } = this.ports;
    logger.error('a sign-up code could not be sent; the sign-up is taken back');
    await signups.advance(signup, { failedAt: clock.now().toISOString() });
    await identity.deleteUser(username);
    throw new CodesNotSent(
      'We could not send your verification codes, and nothing was kept. Please try again in a few minutes.',
    );
  }

  private async freeStaleUsername(username: string, now: Date): Promise<boolean> {
    const { identity, signups, accounts } = this.ports;
    const user = await identity.getUser(username);
    if (!user || user.enabled) return false;
    const pending = await signups.pendingOf(user.userId);
    if (!pending || pending.signup?.completedAt) return false;
    const staleAt = Date.parse(pending.createdAt) + SIGNUP_RULES.unverifiedHours * 3_600_000;
    if (now.getTime() < staleAt) return false;
    // A verified account (suspended, say) is disabled too, but has its account row: never freed.
    if (await accounts.getAccount(user.userId)) return false;
    await identity.deleteUser(username);
    return true;
  }

  /** Counts the request against its address and network (fixed one-hour windows); refuses above the limit. */
  private async throttle(ip: string, now: Date): Promise<void> {
    const throttle = this.ports.throttle;
    if (!throttle) return;
    const source = parseSource(ip);
    const windowMs = 3_600_000;
    const rule: IncrementRule = {
      windowMs,
      sliding: false,
      ttl: Math.ceil((now.getTime() + windowMs) / 1000) + 60,
    };
    const [address, network] = await Promise.all([
      throttle.increment({ pk: `SIGNUP#IP#${source.address}`, sk: 'COUNT' }, now, rule),
      throttle.increment({ pk: `SIGNUP#NET#${source.network}`, sk: 'COUNT' }, now, rule),
    ]);
    const over = (record: { count?: number; windowEnd?: number }, limit: number) =>
      (record.count ?? 0) > limit
        ? Math.max(1, Math.ceil(((record.windowEnd ?? 0) - now.getTime()) / 1000))
        : 0;
    const retry = Math.max(
      over(address, SIGNUP_RULES.perAddressPerHour),
      over(network, SIGNUP_RULES.perNetworkPerHour),
    );
    if (retry > 0) throw new TooManyRequests('Too many sign-ups from this network; try again later', retry);
  }
}

async function claimOrRefuse(claim: () => Promise<void>, code: 'EMAIL_TAKEN' | 'PHONE_TAKEN'): Promise<void> {
  try {
    await claim();
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    throw new Conflict(
      code === 'EMAIL_TAKEN'
        ? 'This email address belongs to an account'
        : 'This phone number belongs to an account',
      code,
    );
  }
}
