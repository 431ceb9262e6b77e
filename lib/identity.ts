// Cognito: the client user pool (free usernames, optional TOTP) and the separate admin pool (TOTP required,
// tiers as groups). Sign-up, recovery and attribute changes go through Palisade's API, never Cognito's.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ADMIN_TIERS } from '../lambdas/kernel/settings.js';
import { PASSWORD_POLICY } from '../lambdas/kernel/shapes.js';
import { ADMIN_TOKENS, USER_TOKENS } from '../lambdas/kernel/token-lifetimes.js';

/**
 * A1: the clients' pool enforces exactly the API's rule (PASSWORD_POLICY: length, no composition rules, as
 * NIST SP 800-63B 5.1.1.2 asks), so a passphrase the API accepts is never refused by Cognito after the
 * user was created. Breached passwords are Cognito threat protection's (compromised credentials).
 */
const CLIENT_PASSWORDS: cognito.PasswordPolicy = {
  minLength: PASSWORD_POLICY.minLength,
  requireLowercase: false,
  requireUppercase: false,
  requireDigits: false,
  requireSymbols: false,
  passwordHistorySize: 5,
  tempPasswordValidity: Duration.days(1),
};

/** D1: staff passwords are provisioned by operators, never typed into the client API: composition rules too. */
const STRONG_PASSWORDS: cognito.PasswordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  passwordHistorySize: 5,
  tempPasswordValidity: Duration.days(1),
};

/** Settings both pools share: no self sign-up, no Cognito recovery, threat protection on, kept on delete. */
const COMMON_POOL_PROPS = {
  // Sign-up goes through the API (A1 username rules, the account row); Cognito's public SignUp would skip it.
  selfSignUpEnabled: false,
  // Cognito's ForgotPassword would change a password without B1's checks and without the B2 hold.
  accountRecovery: cognito.AccountRecovery.NONE,
  signInAliases: { username: true },
  signInCaseSensitive: false,
  passwordPolicy: STRONG_PASSWORDS,
  // Plus tier: threat protection blocks compromised credentials and risky sign-ins (A3), cdk-nag COG8.
  featurePlan: cognito.FeaturePlan.PLUS,
  standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
  deletionProtection: true,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies cognito.UserPoolProps;

/** App clients never write email or phone themselves: those are guarded changes (B1) made by the API. */
const CLIENT_WRITABLE = new cognito.ClientAttributes().withStandardAttributes({ locale: true });

export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly adminPool: cognito.UserPool;
  readonly adminPoolClient: cognito.UserPoolClient;
  readonly adminGroups: cognito.UserPoolGroup[];

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      ...COMMON_POOL_PROPS,
      passwordPolicy: CLIENT_PASSWORDS,
      // A1: usernames are free; email and phone are attributes, never sign-in aliases.
      standardAttributes: {
        email: { required: true, mutable: true },
        phoneNumber: { required: false, mutable: true },
      },
      // A2: TOTP is optional for clients; SMS is never a second factor (SIM swapping).
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG1',
      reason:
        'A1: NIST SP 800-63B 5.1.1.2 advises against composition rules; clients choose passphrases of 12 or more ' +
        "characters (the API's PASSWORD_POLICY, enforced by the pool too), and threat protection refuses " +
        'compromised credentials.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'A2: TOTP is optional for exchange clients by product decision; users who enrol must use it at every ' +
        'login, and threat protection, the bot shield and new-IP/browser checks (A3, A6, A7) cover the rest.',
    });
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      authFlows: { adminUserPassword: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(USER_TOKENS.accessMinutes),
      idTokenValidity: Duration.minutes(USER_TOKENS.idMinutes),
      refreshTokenValidity: Duration.hours(USER_TOKENS.refreshHours),
      // A8: every refresh (GetTokensFromRefreshToken) spends the token and issues the next one, with no grace
      // period: a token used twice is refused by Cognito, and the backend (lambdas/auth/token-refresh.ts)
      // ends the session. REFRESH_TOKEN_AUTH is then not an auth flow of this client.
      refreshTokenRotationGracePeriod: Duration.seconds(0),
      writeAttributes: CLIENT_WRITABLE,
    });

    this.adminPool = new cognito.UserPool(this, 'AdminPool', {
      ...COMMON_POOL_PROPS,
      standardAttributes: { email: { required: true, mutable: true } },
      // D1: administrators always sign in with TOTP.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
    });
    this.adminPoolClient = this.adminPool.addClient('AdminClient', {
      authFlows: { adminUserPassword: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(ADMIN_TOKENS.accessMinutes),
      idTokenValidity: Duration.minutes(ADMIN_TOKENS.idMinutes),
      refreshTokenValidity: Duration.hours(ADMIN_TOKENS.refreshHours),
      writeAttributes: CLIENT_WRITABLE,
    });
    // D1: one group per tier; a lower precedence number wins when an admin is in two groups.
    this.adminGroups = ADMIN_TIERS.map(
      (tier, index) =>
        new cognito.UserPoolGroup(this, `Tier-${tier}`, {
          userPool: this.adminPool,
          groupName: tier,
          description: `Palisade admin tier: ${tier}`,
          precedence: ADMIN_TIERS.length - index,
        }),
    );
  }
}
