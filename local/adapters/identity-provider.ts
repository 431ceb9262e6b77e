// IdentityProvider for the local runtime: a user directory in the state folder with scrypt passwords, TOTP
// (otplib, Google Authenticator compatible) and Cognito-shaped JWTs, behaving like the Cognito adapter: the
// same errors, disabled users refused like a wrong password, global sign-out revoking refresh tokens.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { Conflict, Forbidden, NotFound, Unauthorized, ValidationError } from '../../lambdas/kernel/errors.js';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import type {
  DirectoryUser,
  IdentityProvider,
  NewUser,
  PasswordAuthResult,
  TokenRefresher,
  TokenSet,
} from '../../lambdas/kernel/ports/identity-provider.js';
import { JsonFile } from './json-file.js';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash.js';
import { LocalTokenIssuer, type PoolConfig } from './token-issuer.js';
import { checkTotp, newTotpSecret } from './totp.js';

type PoolLifetimes = { accessMinutes: number; idMinutes: number; refreshHours: number };

interface RefreshFamily {
  originJti: string;
  tokenHash: string;
  expiresAt: string;
  revokedAt?: string;
}

interface StoredUser {
  userId: string;
  username: string;
  email: string;
  phone?: string;
  enabled: boolean;
  passwordHash: string;
  createdAt: string;
  groups: string[];
  totp?: { secret: string; lastTimeStep?: number };
  pendingTotpSecret?: string;
  refreshFamilies: RefreshFamily[];
}

interface UsersFile {
  version: 1;
  users: Record<string, StoredUser>;
}

const BAD_CREDENTIALS = 'Invalid credentials';
/** Cognito's MFA challenge session lives three minutes. */
const TOTP_SESSION_MS = 3 * 60_000;
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const MIN_PASSWORD_LENGTH = 8;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export class LocalIdentityProvider implements IdentityProvider, TokenRefresher {
  private readonly totpSessions = new Map<string, { username: string; expiresAt: number }>();

  private constructor(
    private readonly file: JsonFile<UsersFile>,
    private readonly state: UsersFile,
    private readonly issuer: LocalTokenIssuer,
    private readonly clock: Clock,
    readonly pool: PoolConfig,
    private readonly mfaRequired = false,
  ) {}

  /**
   * Opens the directory in `<stateDir>/identity/` (the user pool) or `<stateDir>/<options.folder>/` (the
   * admin pool: its own users, key and token lifetimes); the clock dates every token (tests mint expired
   * ones). `mfaRequired` behaves as a Cognito pool with MFA REQUIRED: a user without TOTP gets no tokens.
   */
  static async open(
    stateDir: string,
    pool: PoolConfig,
    clock: Clock,
    options: { folder?: string; lifetimes?: PoolLifetimes; mfaRequired?: boolean } = {},
  ): Promise<LocalIdentityProvider> {
    const folder = options.folder ?? 'identity';
    const file = new JsonFile<UsersFile>(join(stateDir, folder, 'users.json'));
    const [state, issuer] = await Promise.all([
      file.readOrCreate(() => ({ version: 1, users: {} })),
      LocalTokenIssuer.open(stateDir, pool, options.lifetimes, folder),
    ]);
    return new LocalIdentityProvider(file, state, issuer, clock, pool, options.mfaRequired ?? false);
  }

  /** D1: the user's groups (the admin pool's tiers), as Cognito's AdminListGroupsForUser lists them. */
  async groupsOf(username: string): Promise<string[]> {
    return [...(this.state.users[username]?.groups ?? [])];
  }

  /** D1: adds the user to a group (AdminAddUserToGroup); access tokens carry it as `cognito:groups`. */
  async addToGroup(username: string, group: string): Promise<void> {
    const user = this.existing(username);
    if (!user.groups.includes(group)) user.groups.push(group);
    await this.save();
  }

  /**
   * D1, local only: provisions TOTP without a first code, as an operator hands an admin an authenticator
   * secret at creation (the dev script prints it as an otpauth URI). No time step is spent.
   */
  async provisionTotp(username: string): Promise<{ secret: string }> {
    const user = this.existing(username);
    const secret = newTotpSecret();
    user.totp = { secret };
    delete user.pendingTotpSecret;
    await this.save();
    return { secret };
  }

  /** The JWKS the token verifier is preloaded with and the gateway serves. */
  jwks(): Jwks {
    return this.issuer.jwks();
  }

  async createUser(user: NewUser): Promise<{ userId: string }> {
    if (!USERNAME.test(user.username))
      throw new ValidationError('Invalid username', undefined, 'INVALID_USERNAME');
    if (!EMAIL.test(user.email))
      throw new ValidationError('Invalid email address', undefined, 'INVALID_EMAIL');
    if (user.phone !== undefined && !E164.test(user.phone)) {
      throw new ValidationError('Invalid phone number', undefined, 'INVALID_PHONE');
    }
    if (user.password.length < MIN_PASSWORD_LENGTH) {
      throw new ValidationError('Password does not meet the policy', undefined, 'INVALID_PASSWORD');
    }
    if (this.state.users[user.username]) throw new Conflict('Username is taken', 'USERNAME_TAKEN');
    const passwordHash = await hashPassword(user.password);
    // Checked again: another createUser for the same name may have finished while this one was hashing.
    if (this.state.users[user.username]) throw new Conflict('Username is taken', 'USERNAME_TAKEN');
    const stored: StoredUser = {
      userId: randomUUID(),
      username: user.username,
      email: user.email,
      ...(user.phone ? { phone: user.phone } : {}),
      enabled: true,
      passwordHash,
      createdAt: this.clock.now().toISOString(),
      groups: [],
      refreshFamilies: [],
    };
    this.state.users[user.username] = stored;
    await this.save();
    return { userId: stored.userId };
  }

  async getUser(username: string): Promise<DirectoryUser | undefined> {
    const user = this.state.users[username];
    if (!user) return undefined;
    return {
      userId: user.userId,
      username: user.username,
      email: user.email,
      ...(user.phone ? { phone: user.phone } : {}),
      enabled: user.enabled,
      totpEnabled: user.totp !== undefined,
    };
  }

  async passwordAuth(username: string, password: string): Promise<PasswordAuthResult> {
    const user = this.state.users[username];
    const valid = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyAgainstDecoy(password);
    if (!user || !valid || !user.enabled) throw new Unauthorized(BAD_CREDENTIALS);
    if (!user.totp && this.mfaRequired) {
      // Cognito answers MFA_SETUP here; Palisade's admins get their authenticator at creation instead.
      throw new Forbidden('TOTP must be set up before signing in', 'TOTP_SETUP_REQUIRED');
    }
    if (user.totp) {
      const session = randomBytes(32).toString('base64url');
      this.totpSessions.set(session, { username, expiresAt: this.clock.now().getTime() + TOTP_SESSION_MS });
      return { kind: 'totp-required', session };
    }
    return { kind: 'tokens', tokens: await this.signIn(user) };
  }

  /**
   * A8, as a Cognito app client with refresh-token rotation and no grace period (GetTokensFromRefreshToken):
   * the family's current token only, once; the new tokens keep the family's origin_jti and its end.
   */
  async refreshTokens(refreshToken: string): Promise<TokenSet & { refreshToken: string }> {
    const now = this.clock.now();
    const hash = sha256(refreshToken);
    for (const user of Object.values(this.state.users)) {
      const family = user.refreshFamilies.find((f) => f.tokenHash === hash);
      if (!family) continue;
      if (!user.enabled || family.revokedAt || Date.parse(family.expiresAt) <= now.getTime()) break;
      const issued = await this.issuer.issue(user, now, {
        originJti: family.originJti,
        refreshExpiresAt: new Date(family.expiresAt),
      });
      const next = issued.tokens.refreshToken ?? '';
      // Re-checked after the await: two refreshes with one token, only one rotates it.
      if (family.tokenHash !== hash || family.revokedAt) break;
      family.tokenHash = sha256(next);
      await this.save();
      return { ...issued.tokens, refreshToken: next };
    }
    throw new Unauthorized('Invalid refresh token');
  }

  async respondToTotp(username: string, session: string, code: string): Promise<TokenSet> {
    const challenge = this.totpSessions.get(session);
    // A session answers one code, right or wrong: guessing codes needs the password again each time.
    this.totpSessions.delete(session);
    const user = this.state.users[username];
    const now = this.clock.now();
    if (!challenge || challenge.username !== username || challenge.expiresAt <= now.getTime()) {
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    if (!user?.enabled || !user.totp) throw new Unauthorized(BAD_CREDENTIALS);
    if (!(await this.spendTotpCode(user, code, now))) {
      // As Cognito's ExpiredCodeException: a right code of a time step already spent says so.
      const step = await checkTotp(user.totp.secret, code, now, undefined);
      const spent = user.totp.lastTimeStep;
      if (step !== undefined && spent !== undefined && step <= spent) {
        throw new Unauthorized(BAD_CREDENTIALS, 'TOTP_CODE_USED');
      }
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    return this.signIn(user);
  }

  /**
   * Checks a code against the user's authenticator and spends its time step. The step is re-checked after
   * the await, so two requests answering with the same code at the same moment cannot both pass.
   */
  private async spendTotpCode(user: StoredUser, code: string, now: Date): Promise<boolean> {
    const totp = user.totp;
    if (!totp) return false;
    const step = await checkTotp(totp.secret, code, now, totp.lastTimeStep);
    if (step === undefined || user.totp !== totp) return false;
    if (totp.lastTimeStep !== undefined && step <= totp.lastTimeStep) return false;
    totp.lastTimeStep = step;
    await this.save();
    return true;
  }

  async reauthenticate(username: string, password: string, code?: string): Promise<boolean> {
    const user = this.state.users[username];
    const valid = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyAgainstDecoy(password);
    if (!user || !valid || !user.enabled) return false;
    if (!user.totp) return true;
    return code !== undefined && this.spendTotpCode(user, code, this.clock.now());
  }

  async setPassword(username: string, password: string): Promise<void> {
    const user = this.existing(username);
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new ValidationError('Password does not meet the policy', undefined, 'PASSWORD_POLICY');
    }
    user.passwordHash = await hashPassword(password);
    await this.save();
  }

  async updateContact(username: string, change: { email: string } | { phone: string }): Promise<void> {
    const user = this.existing(username);
    if ('email' in change) {
      if (!EMAIL.test(change.email))
        throw new ValidationError('Invalid email address', undefined, 'INVALID_EMAIL');
      user.email = change.email;
    } else {
      if (!E164.test(change.phone))
        throw new ValidationError('Invalid phone number', undefined, 'INVALID_PHONE');
      user.phone = change.phone;
    }
    await this.save();
  }

  async disableTotp(username: string): Promise<void> {
    const user = this.state.users[username];
    if (!user) throw new NotFound('User not found');
    delete user.totp;
    delete user.pendingTotpSecret;
    await this.save();
  }

  async beginTotpEnrolment(accessToken: string): Promise<{ secret: string }> {
    const user = await this.holderOf(accessToken);
    user.pendingTotpSecret = newTotpSecret();
    await this.save();
    return { secret: user.pendingTotpSecret };
  }

  async confirmTotpEnrolment(accessToken: string, code: string): Promise<void> {
    const user = await this.holderOf(accessToken);
    const secret = user.pendingTotpSecret;
    const step = secret ? await checkTotp(secret, code, this.clock.now(), undefined) : undefined;
    // Re-checked after the await: a second confirmation racing this one finds the enrolment done.
    if (!secret || step === undefined || user.pendingTotpSecret !== secret)
      throw new ValidationError('The code is not valid', undefined, 'TOTP_INVALID');
    user.totp = { secret, lastTimeStep: step };
    delete user.pendingTotpSecret;
    await this.save();
  }

  async globalSignOut(username: string): Promise<void> {
    this.revokeFamilies(this.existing(username));
    await this.save();
  }

  async disableUser(username: string): Promise<void> {
    const user = this.existing(username);
    user.enabled = false;
    // Cognito's AdminDisableUser also revokes the user's tokens.
    this.revokeFamilies(user);
    await this.save();
  }

  async deleteUser(username: string): Promise<void> {
    const user = this.existing(username);
    this.revokeFamilies(user);
    delete this.state.users[username];
    await this.save();
  }

  async enableUser(username: string): Promise<void> {
    this.existing(username).enabled = true;
    await this.save();
  }

  private async signIn(user: StoredUser): Promise<TokenSet> {
    const now = this.clock.now();
    const issued = await this.issuer.issue(user, now);
    user.refreshFamilies = user.refreshFamilies.filter((f) => Date.parse(f.expiresAt) > now.getTime());
    user.refreshFamilies.push({
      originJti: issued.originJti,
      tokenHash: sha256(issued.tokens.refreshToken ?? ''),
      expiresAt: issued.refreshExpiresAt.toISOString(),
    });
    await this.save();
    return issued.tokens;
  }

  /** The user an access token speaks for, refused when disabled or signed out, as Cognito's own APIs do. */
  private async holderOf(accessToken: string): Promise<StoredUser> {
    const claims = await this.issuer.verifyAccessToken(accessToken, this.clock.now());
    const user = this.state.users[claims.username];
    const family = user?.refreshFamilies.find((f) => f.originJti === claims.originJti);
    if (!user || user.userId !== claims.userId || !user.enabled || !family || family.revokedAt) {
      throw new Unauthorized('Invalid or expired token');
    }
    return user;
  }

  private revokeFamilies(user: StoredUser): void {
    const at = this.clock.now().toISOString();
    for (const family of user.refreshFamilies) family.revokedAt ??= at;
  }

  private existing(username: string): StoredUser {
    const user = this.state.users[username];
    if (!user) throw new NotFound('User not found');
    return user;
  }

  private save(): Promise<void> {
    return this.file.write(this.state);
  }
}
