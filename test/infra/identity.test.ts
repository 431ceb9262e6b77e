// Infra tests of the two Cognito pools: free usernames, TOTP optional for clients and required for admins,
// admin tiers as groups, token lifetimes from the one module that defines them.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TIERS } from '../../lambdas/kernel/settings.js';
import { PASSWORD_POLICY } from '../../lambdas/kernel/shapes.js';
import { ADMIN_TOKENS, USER_TOKENS } from '../../lambdas/kernel/token-lifetimes.js';
import { logicalId, ref, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const poolProps = (which: 'userPool' | 'adminPool') =>
  s.merged.findResources('AWS::Cognito::UserPool')[logicalId(s.primary.identity[which])]?.Properties;

describe('Cognito', () => {
  it('A2 client pool: TOTP is optional and the only second factor (no SMS)', () => {
    const props = poolProps('userPool');
    expect(props.MfaConfiguration).toBe('OPTIONAL');
    expect(props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('A1 client pool: free usernames, email and phone are attributes and never sign-in aliases', () => {
    const props = poolProps('userPool');
    expect(props.UsernameAttributes).toBeUndefined();
    expect(props.AliasAttributes).toBeUndefined();
    expect(props.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'email' }),
        expect.objectContaining({ Name: 'phone_number' }),
      ]),
    );
  });

  it('D1 admin pool: TOTP required (ON, software token only), no self sign-up', () => {
    const props = poolProps('adminPool');
    expect(props.MfaConfiguration).toBe('ON');
    expect(props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(props.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
  });

  it('D1 admin tiers exist as groups of the admin pool', () => {
    for (const tier of ADMIN_TIERS) {
      s.merged.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: tier,
        UserPoolId: ref(s.primary.identity.adminPool),
      });
    }
  });

  it('A3 both pools: strong passwords, threat protection enforced, no Cognito self-service sign-up or recovery', () => {
    for (const which of ['userPool', 'adminPool'] as const) {
      const props = poolProps(which);
      expect(props.UserPoolTier).toBe('PLUS');
      expect(props.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
      expect(props.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
      expect(props.AccountRecoverySetting).toEqual({
        RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }],
      });
      expect(props.DeletionProtection).toBe('ACTIVE');
    }
  });

  it("A1 client pool: the password policy is the API's own (length only), so Cognito never refuses a password the API accepted", () => {
    expect(poolProps('userPool').Policies.PasswordPolicy).toMatchObject({
      MinimumLength: PASSWORD_POLICY.minLength,
      RequireLowercase: false,
      RequireUppercase: false,
      RequireNumbers: false,
      RequireSymbols: false,
    });
  });

  it('D1 admin pool: staff passwords also need upper and lower case, digits and symbols', () => {
    expect(poolProps('adminPool').Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
  });

  it('A8 app clients: admin password auth, token revocation, lifetimes from token-lifetimes.ts; refresh rotates on the user pool', () => {
    const cases = [
      {
        pool: s.primary.identity.userPool,
        tokens: USER_TOKENS,
        // A8: the user pool's client rotates refresh tokens (GetTokensFromRefreshToken), no grace period;
        // with rotation Cognito allows no REFRESH_TOKEN_AUTH flow.
        flows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'],
        rotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
      },
      {
        pool: s.primary.identity.adminPool,
        tokens: ADMIN_TOKENS,
        flows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        rotation: Match.absent(),
      },
    ];
    for (const { pool, tokens, flows, rotation } of cases) {
      s.merged.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        UserPoolId: ref(pool),
        ExplicitAuthFlows: Match.arrayEquals(flows),
        RefreshTokenRotation: rotation,
        GenerateSecret: false,
        EnableTokenRevocation: true,
        AccessTokenValidity: tokens.accessMinutes,
        IdTokenValidity: tokens.idMinutes,
        RefreshTokenValidity: tokens.refreshHours * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        // B1: email and phone change only through the guarded API flow, never by the client itself.
        WriteAttributes: Match.arrayEquals(['locale']),
      });
    }
  });
});
