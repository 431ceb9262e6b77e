// The kernel's Cognito user-pool client (lambdas/kernel/aws/cognito-idp.ts), which replaces
// @aws-sdk/client-cognito-identity-provider in the functions (docs/decisions.md, "Bundles"): the adapter's
// operations against the cloud harness's Cognito emulation (its IAM, attribution and error answers), each
// Admin* call signed with the role's credentials (checked by an independent SigV4 verifier), the operations the
// SDK sends unsigned sent unsigned, Cognito's error names kept, throttling retried, the SDK's addressing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_IDP, cognitoIdp } from '../../lambdas/kernel/aws/cognito-idp.js';
import { CognitoIdentityProvider } from '../../lambdas/kernel/aws/identity-provider.js';
import { jsonTransportFromEnv } from '../../lambdas/kernel/aws/json-api.js';
import { CognitoTokenRefresher } from '../../lambdas/kernel/aws/token-refresher.js';
import { cognitoHarness, scriptedService } from '../support/aws-json.js';

let harness: Awaited<ReturnType<typeof cognitoHarness>>;
beforeAll(async () => {
  harness = await cognitoHarness();
});
afterAll(() => harness.stop());

const PASSWORD = 'Correct horse battery 9';
const provider = (caller = 'Fn') =>
  new CognitoIdentityProvider(
    cognitoIdp(() => harness.transport(caller)),
    harness.pool.id,
    harness.pool.clientId,
  );

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; status?: number; code?: string };
    return { name: e.name, status: e.$metadata?.httpStatusCode ?? e.status, code: e.code };
  }
  throw new Error('expected an error');
};

describe('A1 Cognito user pools through the signed JSON caller', () => {
  it('A1 sign-up, look-up, contact change, disable and sign-out: awsJson1_1 calls, each signed with the role (SigV4 verified)', async () => {
    const before = harness.seen.length;
    const cognito = provider();
    const { userId } = await cognito.createUser({
      username: 'bob',
      email: 'bob@example.com',
      phone: '+441234567890',
      password: 'Correct horse battery \uFF19', // a full-width 9
    });
    expect(await cognito.getUser('bob')).toEqual({
      userId,
      username: 'bob',
      email: 'bob@example.com',
      phone: '+441234567890',
      enabled: true,
      totpEnabled: false,
    });
    await cognito.updateContact('bob', { email: 'bob2@example.com' });
    expect((await cognito.getUser('bob'))?.email).toBe('bob2@example.com');
    expect(await cognito.groupsOf('bob')).toEqual([]);
    await cognito.globalSignOut('bob');
    await cognito.disableUser('bob');
    expect((await cognito.getUser('bob'))?.enabled).toBe(false);
    await cognito.enableUser('bob');
    await cognito.disableTotp('bob');
    const calls = harness.seen.slice(before);
    expect(calls.map((c) => c.operation)).toEqual([
      'AdminCreateUser',
      'AdminSetUserPassword',
      'AdminGetUser',
      'AdminUpdateUserAttributes',
      'AdminGetUser',
      'AdminListGroupsForUser',
      'AdminUserGlobalSignOut',
      'AdminDisableUser',
      'AdminGetUser',
      'AdminEnableUser',
      'AdminSetUserMFAPreference',
    ]);
    for (const call of calls) {
      expect(call.signature, call.operation).toBe('ok');
      expect(call.contentType).toBe('application/x-amz-json-1.1');
      expect(call.target).toBe(`AWSCognitoIdentityProviderService.${call.operation}`);
      expect(call.headers['x-amz-security-token']).toBe('session-Fn');
    }
    expect(calls[0]?.input).toEqual({
      UserPoolId: harness.pool.id,
      Username: 'bob',
      UserAttributes: [
        { Name: 'email', Value: 'bob@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'phone_number', Value: '+441234567890' },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    });
    // passwords reach Cognito NFKC-normalised, as the local directory hashes them
    expect(calls[1]?.input).toMatchObject({ Password: PASSWORD, Permanent: true });
  });

  it('A8 the operations Cognito authorises by the app client or the token go unsigned, as the SDK sends them', async () => {
    await harness.directory.createUser({ username: 'carol', email: 'carol@example.com', password: PASSWORD });
    const before = harness.seen.length;
    const cognito = provider();
    // a proof of the password: AdminInitiateAuth (signed), then RevokeToken of the unused refresh token (not)
    expect(await cognito.reauthenticate('carol', PASSWORD)).toBe(true);
    const auth = await cognito.passwordAuth('carol', PASSWORD);
    if (auth.kind !== 'tokens' || !auth.tokens.refreshToken) throw new Error('expected tokens');
    await new CognitoTokenRefresher(
      cognitoIdp(() => harness.transport()),
      harness.pool.clientId,
    ).refreshTokens(auth.tokens.refreshToken);
    const { secret } = await cognito.beginTotpEnrolment(auth.tokens.accessToken);
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    const calls = harness.seen.slice(before);
    expect(calls.map((c) => [c.operation, c.signature])).toEqual([
      ['AdminInitiateAuth', 'ok'],
      ['RevokeToken', 'unsigned'],
      ['AdminInitiateAuth', 'ok'],
      ['GetTokensFromRefreshToken', 'unsigned'],
      ['AssociateSoftwareToken', 'unsigned'],
    ]);
    for (const call of calls.filter((c) => c.signature === 'unsigned')) {
      expect(call.headers['x-amz-security-token']).toBeUndefined();
      expect(call.headers['x-amz-date']).toBeUndefined();
    }
    expect(calls[1]?.input).toEqual({ ClientId: harness.pool.clientId, Token: expect.any(String) });
  });

  it("A1 refusals keep Cognito's names: a taken username, an unknown user, a wrong password, a role without the action", async () => {
    await harness.directory.createUser({ username: 'dave', email: 'dave@example.com', password: PASSWORD });
    const cognito = provider();
    expect(
      await failure(cognito.createUser({ username: 'dave', email: 'd@example.com', password: PASSWORD })),
    ).toEqual({ name: 'Conflict', status: 409, code: 'USERNAME_TAKEN' });
    expect(await cognito.getUser('nobody')).toBeUndefined();
    expect(await failure(cognito.passwordAuth('dave', 'Wrong password 123'))).toMatchObject({
      name: 'Unauthorized',
      status: 401,
    });
    expect(await failure(cognito.passwordAuth('nobody', PASSWORD))).toMatchObject({ status: 401 });
    // the raw client: the service's error name and status, as the SDK's exceptions carry them
    const raw = cognitoIdp(() => harness.transport());
    expect(
      await failure(raw.call('AdminGetUser', { UserPoolId: harness.pool.id, Username: 'nobody' })),
    ).toEqual({ name: 'UserNotFoundException', status: 400, code: undefined });
    expect(await failure(provider('Stranger').getUser('dave'))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      code: undefined,
    });
    expect(harness.endpoint.violations.map((v) => v.caller)).toEqual(['Stranger']);
    harness.endpoint.violations.length = 0;
  });

  it('I2 throttling (TooManyRequestsException as a 400) and service faults are retried; a client error is not', async () => {
    const standIn = await scriptedService('cognito-idp', [
      { status: 400, body: { __type: 'TooManyRequestsException', message: 'Too many requests' } },
      { status: 500, body: { __type: 'InternalErrorException', message: 'fault' } },
      {
        status: 200,
        body: {
          Username: 'erin',
          Enabled: true,
          UserAttributes: [
            { Name: 'sub', Value: 'u-9' },
            { Name: 'email', Value: 'erin@example.com' },
          ],
        },
      },
      { status: 400, body: { __type: 'InvalidParameterException', message: 'bad' } },
    ]);
    const cognito = new CognitoIdentityProvider(
      cognitoIdp(() => standIn.transport()),
      'pool',
      'client',
    );
    expect((await cognito.getUser('erin'))?.userId).toBe('u-9');
    expect(standIn.seen.map((c) => c.signature)).toEqual(['ok', 'ok', 'ok']);
    expect(await failure(cognito.getUser('erin'))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
    });
    expect(standIn.seen).toHaveLength(4);
    await standIn.close();
  });

  it('I2 a connection cut before any answer is sent again for a read, never for an auth flow (a repeated password check counts twice)', async () => {
    const user = {
      Username: 'erin',
      Enabled: true,
      UserAttributes: [
        { Name: 'sub', Value: 'u-9' },
        { Name: 'email', Value: 'erin@example.com' },
      ],
    };
    const standIn = await scriptedService('cognito-idp', [
      { status: 0 },
      // closes its connection: the auth flow's is a new one, so its cut is not a stale kept-alive socket's
      { status: 200, body: user, headers: { connection: 'close' } },
      { status: 0 },
    ]);
    const cognito = new CognitoIdentityProvider(
      cognitoIdp(() => standIn.transport()),
      'pool',
      'client',
    );
    expect((await cognito.getUser('erin'))?.userId).toBe('u-9');
    expect(standIn.seen.map((c) => c.operation)).toEqual(['AdminGetUser', 'AdminGetUser']);
    await expect(cognito.passwordAuth('erin', PASSWORD)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(standIn.seen.map((c) => c.operation)).toEqual([
      'AdminGetUser',
      'AdminGetUser',
      'AdminInitiateAuth',
    ]);
    await standIn.close();
  });

  it("I2 addressed as the SDK addresses Cognito: the service's endpoint variable, else the general one, else the region's host", () => {
    const env = { AWS_REGION: 'eu-central-1' };
    expect(jsonTransportFromEnv(COGNITO_IDP, env).endpoint.href).toBe(
      'https://cognito-idp.eu-central-1.amazonaws.com/',
    );
    expect(
      jsonTransportFromEnv(COGNITO_IDP, { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:1/all' }).endpoint.href,
    ).toBe('http://127.0.0.1:1/all');
    expect(
      jsonTransportFromEnv(COGNITO_IDP, {
        ...env,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1/all',
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:2/idp',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:2/idp');
  });
});
