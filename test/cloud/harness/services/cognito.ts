// Cognito user pools: the JSON protocol (AWSCognitoIdentityProviderService) over the local directory of the
// local cloud (local/adapters/identity-provider.ts: scrypt passwords, TOTP, Cognito-shaped JWTs), one
// directory per pool of the template, its tokens issued for that pool's id, region and app client, so the
// bundles' aws-jwt-verify accepts them against the JWKS the harness serves. The `Admin*` operations are
// authorised by IAM on the pool's ARN; the operations a user's access token authorises (AssociateSoftwareToken,
// VerifySoftwareToken, SetUserMFAPreference, RevokeToken, GetUser) and the app client authorises
// (GetTokensFromRefreshToken, A8: rotating only when the template's client enables rotation) are recorded but
// not checked against IAM, as Cognito does not. The template's app client flows and password policy apply; errors are Cognito's
// (NotAuthorizedException, CodeMismatchException for a wrong TOTP code, UsernameExistsException, …).
import { randomBytes } from 'node:crypto';
import type { LocalIdentityProvider } from '../../../../local/adapters/identity-provider.js';
import {
  type Answer,
  Endpoint,
  errorAnswer,
  type Gate,
  type IncomingCall,
  jsonAnswer,
  type Service,
} from '../endpoints.js';
import type { CloudModel, CloudPool, PasswordPolicy } from '../template.js';

type Json = Record<string, unknown>;

/** The operations Cognito authorises with the user's access token rather than IAM. */
const TOKEN_AUTHORISED = new Set([
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
  'RevokeToken',
  'GetTokensFromRefreshToken',
  'GetUser',
  'ChangePassword',
  'GlobalSignOut',
]);

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pool {
  config: CloudPool;
  directory: LocalIdentityProvider;
}

export function meetsPolicy(password: string, policy: PasswordPolicy): boolean {
  if (password.length < (policy.MinimumLength ?? 8)) return false;
  if (policy.RequireLowercase && !/[a-z]/.test(password)) return false;
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) return false;
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return false;
  if (policy.RequireSymbols && !/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) return false;
  return true;
}

export class CognitoService implements Service {
  readonly protocol = 'json' as const;
  private readonly pools: Pool[];
  /** MFA challenge sessions handed out, and when (Cognito's session lives three minutes, one answer here). */
  private readonly sessions = new Map<string, number>();

  constructor(model: CloudModel, user: LocalIdentityProvider, admin: LocalIdentityProvider) {
    this.pools = [
      { config: model.userPool, directory: user },
      { config: model.adminPool, directory: admin },
    ];
  }

  /** The JWKS of a pool (`/<pool id>/.well-known/jwks.json`), as Cognito publishes it. */
  jwks(path: string): Answer {
    const poolId = /^\/([^/]+)\/\.well-known\/jwks\.json$/.exec(path)?.[1];
    const pool = this.pools.find((p) => p.config.id === poolId);
    if (!pool) return { status: 404, body: '{"message":"User pool does not exist"}' };
    return jsonAnswer(200, pool.directory.jwks(), 'application/json');
  }

  private poolOf(id: unknown): Pool {
    const pool = this.pools.find((p) => p.config.id === id);
    if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool ${String(id)} does not exist.`);
    return pool;
  }

  /** The pool whose tokens these are: the issuer in the (unverified) payload; the directory verifies. */
  private poolOfToken(token: unknown): Pool {
    const payload = String(token ?? '').split('.')[1] ?? '';
    let issuer = '';
    try {
      issuer = String((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json).iss ?? '');
    } catch {
      // Not a JWT: refused below.
    }
    const pool = this.pools.find((p) => issuer.endsWith(`/${p.config.id}`));
    if (!pool) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    return pool;
  }

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const body = JSON.parse(call.body.toString('utf8') || '{}') as Json;
    const op = call.operation;
    try {
      if (TOKEN_AUTHORISED.has(op)) {
        const pool =
          op === 'RevokeToken' || op === 'GetTokensFromRefreshToken'
            ? this.poolOfClient(body.ClientId)
            : this.poolOfToken(body.AccessToken);
        gate.notIam(
          call,
          { action: `cognito-idp:${op}`, resource: pool.config.arn, context: {} },
          "authorised by the user's own token, not by IAM",
        );
        return jsonAnswer(200, await this.tokenOperation(op, body, pool));
      }
      const pool = this.poolOf(body.UserPoolId);
      if (
        !gate.authorize(call, [
          { request: { action: `cognito-idp:${op}`, resource: pool.config.arn, context: {} } },
        ])
      ) {
        return Endpoint.denied('json', gate, call);
      }
      return jsonAnswer(200, await this.adminOperation(op, body, pool));
    } catch (err) {
      if (err instanceof CognitoError) {
        if (err.type === 'ResourceNotFoundException') {
          gate.violation({
            kind: 'not-found',
            caller: call.principal.id,
            operation: `cognito-idp:${op}`,
            detail: err.message,
          });
        }
        if (err.type === 'InvalidParameterException') {
          gate.violation({
            kind: 'bad-request',
            caller: call.principal.id,
            operation: `cognito-idp:${op}`,
            detail: err.message,
          });
        }
        return errorAnswer('json', 400, err.type, err.message);
      }
      const translated = translate(err as Error, op);
      if (translated) return errorAnswer('json', 400, translated.type, translated.message);
      throw err;
    }
  }

  private poolOfClient(clientId: unknown): Pool {
    const pool = this.pools.find((p) => p.config.clientId === clientId);
    if (!pool)
      throw new CognitoError(
        'ResourceNotFoundException',
        `User pool client ${String(clientId)} does not exist.`,
      );
    return pool;
  }

  private checkClient(pool: Pool, clientId: unknown, flow?: string): void {
    if (clientId !== pool.config.clientId) {
      throw new CognitoError(
        'ResourceNotFoundException',
        `User pool client ${String(clientId)} does not exist.`,
      );
    }
    if (flow && !pool.config.authFlows.includes(`ALLOW_${flow}`)) {
      throw new CognitoError('InvalidParameterException', 'Auth flow not enabled for this client');
    }
  }

  private checkPassword(pool: Pool, password: string): void {
    if (!meetsPolicy(password, pool.config.passwordPolicy)) {
      throw new CognitoError('InvalidPasswordException', 'Password did not conform with policy');
    }
  }

  private async existing(pool: Pool, username: unknown) {
    const user = await pool.directory.getUser(String(username));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private async adminOperation(op: string, body: Json, pool: Pool): Promise<Json> {
    const directory = pool.directory;
    const username = String(body.Username ?? '');
    const attributes = (body.UserAttributes ?? []) as { Name: string; Value: string }[];
    const attribute = (name: string) => attributes.find((a) => a.Name === name)?.Value;
    switch (op) {
      case 'AdminCreateUser': {
        const temporary = typeof body.TemporaryPassword === 'string' ? body.TemporaryPassword : undefined;
        if (temporary) this.checkPassword(pool, temporary);
        const email = attribute('email');
        if (!email)
          throw new CognitoError(
            'InvalidParameterException',
            'Attributes did not conform to the schema: email: The attribute is required',
          );
        const phone = attribute('phone_number');
        const { userId } = await directory.createUser({
          username,
          email,
          ...(phone ? { phone } : {}),
          password: temporary ?? `Aa1!${randomBytes(24).toString('base64url')}`,
        });
        return {
          User: {
            Username: username,
            Attributes: [{ Name: 'sub', Value: userId }, ...attributes],
            Enabled: true,
            UserStatus: 'FORCE_CHANGE_PASSWORD',
            UserCreateDate: Date.now() / 1000,
          },
        };
      }
      case 'AdminSetUserPassword': {
        await this.existing(pool, username);
        this.checkPassword(pool, String(body.Password ?? ''));
        await directory.setPassword(username, String(body.Password));
        return {};
      }
      case 'AdminGetUser': {
        const user = await this.existing(pool, username);
        return {
          Username: user.username,
          Enabled: user.enabled,
          UserStatus: 'CONFIRMED',
          UserAttributes: [
            { Name: 'sub', Value: user.userId },
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            ...(user.phone
              ? [
                  { Name: 'phone_number', Value: user.phone },
                  { Name: 'phone_number_verified', Value: 'true' },
                ]
              : []),
          ],
          ...(user.totpEnabled
            ? { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' }
            : {}),
        };
      }
      case 'AdminInitiateAuth': {
        const flow = String(body.AuthFlow ?? '');
        this.checkClient(pool, body.ClientId, flow);
        if (flow !== 'ADMIN_USER_PASSWORD_AUTH') {
          throw new CognitoError(
            'InvalidParameterException',
            `The harness emulates ADMIN_USER_PASSWORD_AUTH, not ${flow}`,
          );
        }
        const params = (body.AuthParameters ?? {}) as Record<string, string>;
        try {
          const result = await directory.passwordAuth(String(params.USERNAME), String(params.PASSWORD));
          if (result.kind === 'totp-required') {
            this.sessions.set(result.session, Date.now());
            return {
              ChallengeName: 'SOFTWARE_TOKEN_MFA',
              Session: result.session,
              ChallengeParameters: { USER_ID_FOR_SRP: params.USERNAME },
            };
          }
          return { AuthenticationResult: authenticationResult(result.tokens), ChallengeParameters: {} };
        } catch (err) {
          if ((err as { code?: string }).code === 'TOTP_SETUP_REQUIRED') {
            return {
              ChallengeName: 'MFA_SETUP',
              Session: randomBytes(32).toString('base64url'),
              ChallengeParameters: {},
            };
          }
          throw err;
        }
      }
      case 'AdminRespondToAuthChallenge': {
        this.checkClient(pool, body.ClientId);
        if (body.ChallengeName !== 'SOFTWARE_TOKEN_MFA') {
          throw new CognitoError(
            'InvalidParameterException',
            `The harness emulates SOFTWARE_TOKEN_MFA, not ${String(body.ChallengeName)}`,
          );
        }
        const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
        const code = String(responses.SOFTWARE_TOKEN_MFA_CODE ?? '');
        const session = String(body.Session ?? '');
        const issued = this.sessions.get(session);
        this.sessions.delete(session);
        if (issued === undefined || Date.now() - issued > 180_000) {
          throw new CognitoError(
            'NotAuthorizedException',
            'Invalid session for the user, session is expired.',
          );
        }
        try {
          const tokens = await directory.respondToTotp(String(responses.USERNAME), session, code);
          return { AuthenticationResult: authenticationResult(tokens), ChallengeParameters: {} };
        } catch (err) {
          // A live session and a code of a spent time step: Cognito's ExpiredCodeException.
          if ((err as { code?: string }).code === 'TOTP_CODE_USED') {
            throw new CognitoError('ExpiredCodeException', 'Your software token has already been used once.');
          }
          // A live session and a wrong code: Cognito answers CodeMismatchException, not NotAuthorizedException.
          if ((err as Error).name === 'Unauthorized') {
            throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
          }
          throw err;
        }
      }
      case 'AdminUserGlobalSignOut':
        await this.existing(pool, username);
        await directory.globalSignOut(username);
        return {};
      case 'AdminDisableUser':
        await this.existing(pool, username);
        await directory.disableUser(username);
        return {};
      case 'AdminEnableUser':
        await this.existing(pool, username);
        await directory.enableUser(username);
        return {};
      case 'AdminDeleteUser':
        await this.existing(pool, username);
        await directory.deleteUser(username);
        return {};
      case 'AdminUpdateUserAttributes': {
        await this.existing(pool, username);
        const email = attribute('email');
        const phone = attribute('phone_number');
        if (email) await directory.updateContact(username, { email });
        if (phone) await directory.updateContact(username, { phone });
        return {};
      }
      case 'AdminSetUserMFAPreference': {
        await this.existing(pool, username);
        const settings = (body.SoftwareTokenMfaSettings ?? {}) as { Enabled?: boolean };
        if (settings.Enabled === false) await directory.disableTotp(username);
        return {};
      }
      case 'AdminListGroupsForUser':
        await this.existing(pool, username);
        return {
          Groups: (await directory.groupsOf(username)).map((GroupName) => ({
            GroupName,
            UserPoolId: pool.config.id,
          })),
        };
      case 'AdminAddUserToGroup':
        await this.existing(pool, username);
        await directory.addToGroup(username, String(body.GroupName));
        return {};
      default:
        throw new CognitoError('InvalidParameterException', `The harness does not emulate Cognito ${op}`);
    }
  }

  private async tokenOperation(op: string, body: Json, pool: Pool): Promise<Json> {
    const directory = pool.directory;
    switch (op) {
      case 'AssociateSoftwareToken':
        return { SecretCode: (await directory.beginTotpEnrolment(String(body.AccessToken))).secret };
      case 'VerifySoftwareToken':
        try {
          await directory.confirmTotpEnrolment(String(body.AccessToken), String(body.UserCode));
          return { Status: 'SUCCESS' };
        } catch (err) {
          if ((err as { code?: string }).code === 'TOTP_INVALID') {
            throw new CognitoError(
              'EnableSoftwareTokenMFAException',
              'Code mismatch and fail enable Software Token MFA',
            );
          }
          throw err;
        }
      case 'SetUserMFAPreference':
        // The local directory turns TOTP on when the enrolment is verified; Cognito needs this call too.
        return {};
      case 'GetTokensFromRefreshToken': {
        this.checkClient(pool, body.ClientId);
        // The local directory rotates as a client with rotation on; without it Cognito answers no new
        // refresh token, and the old one stays valid: emulated by leaving the token out.
        const tokens = await directory.refreshTokens(String(body.RefreshToken ?? ''));
        const { refreshToken: _rotated, ...rest } = tokens;
        return { AuthenticationResult: authenticationResult(pool.config.refreshRotation ? tokens : rest) };
      }
      case 'RevokeToken':
        // The local directory revokes refresh tokens by family only (global sign-out); one token is not modelled.
        this.checkClient(pool, body.ClientId);
        return {};
      default:
        throw new CognitoError('InvalidParameterException', `The harness does not emulate Cognito ${op}`);
    }
  }
}

function authenticationResult(tokens: {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
}) {
  return {
    AccessToken: tokens.accessToken,
    IdToken: tokens.idToken,
    ...(tokens.refreshToken ? { RefreshToken: tokens.refreshToken } : {}),
    ExpiresIn: tokens.expiresInSeconds,
    TokenType: 'Bearer',
  };
}

/** The local directory's errors as Cognito names them. */
function translate(err: Error, op: string): { type: string; message: string } | undefined {
  const code = (err as { code?: string }).code;
  switch (err.name) {
    case 'Unauthorized':
      return {
        type: 'NotAuthorizedException',
        message: op.includes('Auth') ? 'Incorrect username or password.' : err.message,
      };
    case 'NotFound':
      return { type: 'UserNotFoundException', message: 'User does not exist.' };
    case 'Conflict':
      return code === 'USERNAME_TAKEN'
        ? { type: 'UsernameExistsException', message: 'User account already exists' }
        : { type: 'InvalidParameterException', message: err.message };
    case 'ValidationError':
      return code === 'PASSWORD_POLICY' || code === 'INVALID_PASSWORD'
        ? { type: 'InvalidPasswordException', message: 'Password did not conform with policy' }
        : { type: 'InvalidParameterException', message: err.message };
    case 'Forbidden':
      return { type: 'NotAuthorizedException', message: err.message };
    default:
      return undefined;
  }
}
