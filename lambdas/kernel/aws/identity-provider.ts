// IdentityProvider on Amazon Cognito: admin-initiated password auth, TOTP software tokens, sign-out, disable.
// Cognito is called through cognito-idp.ts (the kernel's signed JSON caller, not the SDK's client); its
// refusals are told apart by name (NotAuthorizedException …), as the SDK names its exceptions.
import { Conflict, Forbidden, Unauthorized, ValidationError } from '../errors.js';
import type { AdminIdentityProvider } from '../ports/admin-identity.js';
import type {
  AuthContext,
  DirectoryUser,
  IdentityProvider,
  NewUser,
  PasswordAuthResult,
  TokenSet,
} from '../ports/identity-provider.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import {
  type AuthenticationResultType,
  awsCognitoIdp,
  type CognitoIdp,
  type ContextDataType,
  refusedAs,
} from './cognito-idp.js';

const BAD_CREDENTIALS = 'Invalid credentials';

// Passwords are NFKC-normalised before Cognito sees them, as the local directory hashes them: one password
// typed with full-width letters or ligatures on another keyboard is the same password.

export class CognitoIdentityProvider implements IdentityProvider, AdminIdentityProvider {
  constructor(
    private readonly cognito: CognitoIdp,
    private readonly userPoolId: string,
    private readonly clientId: string,
  ) {}

  async createUser(user: NewUser): Promise<{ userId: string }> {
    const attributes = [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
      ...(user.phone
        ? [
            { Name: 'phone_number', Value: user.phone },
            { Name: 'phone_number_verified', Value: 'true' },
          ]
        : []),
    ];
    try {
      const out = await this.cognito.call('AdminCreateUser', {
        UserPoolId: this.userPoolId,
        Username: user.username,
        UserAttributes: attributes,
        MessageAction: 'SUPPRESS',
      });
      try {
        await this.cognito.call('AdminSetUserPassword', {
          UserPoolId: this.userPoolId,
          Username: user.username,
          Password: user.password.normalize('NFKC'),
          Permanent: true,
        });
      } catch (err) {
        // Two calls, no transaction: a refused password undoes the user, so the username is not burnt.
        await this.cognito.call('AdminDeleteUser', { UserPoolId: this.userPoolId, Username: user.username });
        if (refusedAs(err, 'InvalidPasswordException')) {
          throw new ValidationError('The password does not meet the policy', undefined, 'PASSWORD_POLICY');
        }
        throw err;
      }
      const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('Cognito returned a user without sub');
      return { userId: sub };
    } catch (err) {
      if (refusedAs(err, 'UsernameExistsException'))
        throw new Conflict('Username is taken', 'USERNAME_TAKEN');
      throw err;
    }
  }

  async getUser(username: string): Promise<DirectoryUser | undefined> {
    try {
      const out = await this.cognito.call('AdminGetUser', {
        UserPoolId: this.userPoolId,
        Username: username,
      });
      const attr = (name: string) => out.UserAttributes?.find((a) => a.Name === name)?.Value;
      const userId = attr('sub');
      const email = attr('email');
      if (!userId || !email) throw new Error('Cognito user lacks sub or email');
      const phone = attr('phone_number');
      return {
        userId,
        username: out.Username ?? username,
        email,
        ...(phone ? { phone } : {}),
        enabled: out.Enabled ?? false,
        totpEnabled: (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA'),
      };
    } catch (err) {
      if (refusedAs(err, 'UserNotFoundException')) return undefined;
      throw err;
    }
  }

  async passwordAuth(username: string, password: string, context?: AuthContext): Promise<PasswordAuthResult> {
    try {
      const out = await this.cognito.call('AdminInitiateAuth', {
        UserPoolId: this.userPoolId,
        ClientId: this.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password.normalize('NFKC') },
        ...(context ? { ContextData: contextDataOf(context) } : {}),
      });
      if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && out.Session)
        return { kind: 'totp-required', session: out.Session };
      if (out.AuthenticationResult) return { kind: 'tokens', tokens: toTokenSet(out.AuthenticationResult) };
      // D1: the admin pool requires MFA; an admin without TOTP is refused (no self-enrolment at login).
      if (out.ChallengeName === 'MFA_SETUP')
        throw new Forbidden('TOTP must be set up before signing in', 'TOTP_SETUP_REQUIRED');
      throw new Error(`Unexpected Cognito challenge ${out.ChallengeName ?? '(none)'}`);
    } catch (err) {
      if (refusedAs(err, 'NotAuthorizedException', 'UserNotFoundException')) {
        throw new Unauthorized(BAD_CREDENTIALS);
      }
      throw err;
    }
  }

  async respondToTotp(username: string, session: string, code: string): Promise<TokenSet> {
    try {
      const out = await this.cognito.call('AdminRespondToAuthChallenge', {
        UserPoolId: this.userPoolId,
        ClientId: this.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      });
      if (!out.AuthenticationResult) throw new Unauthorized(BAD_CREDENTIALS);
      return toTokenSet(out.AuthenticationResult);
    } catch (err) {
      // A wrong TOTP code is Cognito's CodeMismatch, a code of a time step already spent its ExpiredCode ("Your
      // software token has already been used once"): a refused login, never a 500; the second says so
      // (TOTP_CODE_USED), so the app can ask for the authenticator's next code.
      if (refusedAs(err, 'ExpiredCodeException')) throw new Unauthorized(BAD_CREDENTIALS, 'TOTP_CODE_USED');
      if (refusedAs(err, 'NotAuthorizedException', 'CodeMismatchException')) {
        throw new Unauthorized(BAD_CREDENTIALS);
      }
      throw err;
    }
  }

  async reauthenticate(username: string, password: string, code?: string): Promise<boolean> {
    let result: AuthenticationResultType | undefined;
    try {
      const auth = await this.passwordAuth(username, password);
      if (auth.kind === 'tokens')
        result = { AccessToken: auth.tokens.accessToken, RefreshToken: auth.tokens.refreshToken };
      else {
        if (!code) return false;
        const tokens = await this.respondToTotp(username, auth.session, code);
        result = { RefreshToken: tokens.refreshToken };
      }
    } catch (err) {
      if (err instanceof Unauthorized || refusedAs(err, 'CodeMismatchException', 'ExpiredCodeException')) {
        return false;
      }
      throw err;
    }
    // The proof made Cognito issue tokens; nobody receives them, and the refresh token is revoked at once.
    if (result.RefreshToken) {
      await this.cognito.call('RevokeToken', { ClientId: this.clientId, Token: result.RefreshToken });
    }
    return true;
  }

  async setPassword(username: string, password: string): Promise<void> {
    try {
      await this.cognito.call('AdminSetUserPassword', {
        UserPoolId: this.userPoolId,
        Username: username,
        Password: password.normalize('NFKC'),
        Permanent: true,
      });
    } catch (err) {
      if (refusedAs(err, 'InvalidPasswordException')) {
        throw new ValidationError('The password does not meet the policy', undefined, 'PASSWORD_POLICY');
      }
      throw err;
    }
  }

  async updateContact(username: string, change: { email: string } | { phone: string }): Promise<void> {
    // Verified by Palisade's own code (B1): marked verified, so Cognito sends no message of its own.
    const attributes =
      'email' in change
        ? [
            { Name: 'email', Value: change.email },
            { Name: 'email_verified', Value: 'true' },
          ]
        : [
            { Name: 'phone_number', Value: change.phone },
            { Name: 'phone_number_verified', Value: 'true' },
          ];
    await this.cognito.call('AdminUpdateUserAttributes', {
      UserPoolId: this.userPoolId,
      Username: username,
      UserAttributes: attributes,
    });
  }

  async disableTotp(username: string): Promise<void> {
    await this.cognito.call('AdminSetUserMFAPreference', {
      UserPoolId: this.userPoolId,
      Username: username,
      SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
    });
  }

  async beginTotpEnrolment(accessToken: string): Promise<{ secret: string }> {
    const out = await this.cognito.call('AssociateSoftwareToken', { AccessToken: accessToken });
    if (!out.SecretCode) throw new Error('Cognito returned no TOTP secret');
    return { secret: out.SecretCode };
  }

  async confirmTotpEnrolment(accessToken: string, code: string): Promise<void> {
    let status: string | undefined;
    try {
      const out = await this.cognito.call('VerifySoftwareToken', {
        AccessToken: accessToken,
        UserCode: code,
      });
      status = out.Status;
    } catch (err) {
      // A wrong code is an exception here, not an ERROR status.
      if (!refusedAs(err, 'EnableSoftwareTokenMFAException', 'CodeMismatchException')) throw err;
    }
    if (status !== 'SUCCESS') throw new ValidationError('The code is not valid', undefined, 'TOTP_INVALID');
    await this.cognito.call('SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  }

  async globalSignOut(username: string): Promise<void> {
    await this.cognito.call('AdminUserGlobalSignOut', { UserPoolId: this.userPoolId, Username: username });
  }

  async disableUser(username: string): Promise<void> {
    await this.cognito.call('AdminDisableUser', { UserPoolId: this.userPoolId, Username: username });
  }

  async deleteUser(username: string): Promise<void> {
    await this.cognito.call('AdminDeleteUser', { UserPoolId: this.userPoolId, Username: username });
  }

  async enableUser(username: string): Promise<void> {
    await this.cognito.call('AdminEnableUser', { UserPoolId: this.userPoolId, Username: username });
  }

  /** D1: the user's groups in this pool (the admin pool's tiers), every page. */
  async groupsOf(username: string): Promise<string[]> {
    const groups: string[] = [];
    let next: string | undefined;
    do {
      const out = await this.cognito.call('AdminListGroupsForUser', {
        UserPoolId: this.userPoolId,
        Username: username,
        ...(next ? { NextToken: next } : {}),
      });
      for (const group of out.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
      next = out.NextToken;
    } while (next);
    return groups;
  }
}

/** Cognito's ContextData: the client's address and User-Agent, and the endpoint it called (threat protection). */
function contextDataOf(context: AuthContext): ContextDataType {
  return {
    IpAddress: context.ip,
    ServerName: context.serverName,
    ServerPath: context.serverPath,
    HttpHeaders: context.userAgent ? [{ headerName: 'User-Agent', headerValue: context.userAgent }] : [],
  };
}

function toTokenSet(result: AuthenticationResultType): TokenSet {
  if (!result.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresInSeconds: result.ExpiresIn ?? 0,
  };
}

/**
 * A pool's provider without `reauthenticate`: a route that re-authenticates takes the guarded provider of
 * aws-reauth.ts instead (the lockout, A3/B1), so an unguarded password check does not compile.
 */
export type UnguardedIdentity = Omit<CognitoIdentityProvider, 'reauthenticate'>;

export const awsIdentityProvider = /* @__PURE__ */ once(
  (): UnguardedIdentity =>
    new CognitoIdentityProvider(
      awsCognitoIdp(),
      requireEnv('USER_POOL_ID'),
      requireEnv('USER_POOL_CLIENT_ID'),
    ),
);

/** D1: the admin pool (MFA required, one group per tier), through the same adapter. */
export const awsAdminIdentityProvider = /* @__PURE__ */ once(
  (): UnguardedIdentity =>
    new CognitoIdentityProvider(
      awsCognitoIdp(),
      requireEnv('ADMIN_POOL_ID'),
      requireEnv('ADMIN_POOL_CLIENT_ID'),
    ),
);
