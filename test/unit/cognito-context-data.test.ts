// A3/I1: the Cognito adapter hands the client's address, User-Agent and endpoint to threat protection; and the
// adapter's mapping of Cognito's refusals. Driven through the kernel's JSON caller (cognito-idp.ts) against the
// cloud harness's Cognito emulation, or a scripted stand-in for the answers the emulation does not give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authContextOf } from '../../lambdas/auth/login-flow.js';
import { cognitoIdp } from '../../lambdas/kernel/aws/cognito-idp.js';
import { CognitoIdentityProvider } from '../../lambdas/kernel/aws/identity-provider.js';
import { cognitoHarness, type ScriptedAnswer, scriptedService } from '../support/aws-json.js';

let harness: Awaited<ReturnType<typeof cognitoHarness>>;
beforeAll(async () => {
  harness = await cognitoHarness();
});
afterAll(() => harness.stop());

const provider = () =>
  new CognitoIdentityProvider(
    cognitoIdp(() => harness.transport()),
    harness.pool.id,
    harness.pool.clientId,
  );

/** The adapter against a stand-in Cognito answering from a script. */
async function scripted(answers: ScriptedAnswer[]) {
  const standIn = await scriptedService('cognito-idp', answers);
  return {
    ...standIn,
    provider: new CognitoIdentityProvider(
      cognitoIdp(() => standIn.transport()),
      'pool',
      'client',
    ),
  };
}

const refusal = (type: string, message: string): ScriptedAnswer => ({
  status: 400,
  body: { __type: type, message },
});

describe('A3 Cognito sees the client, not the Lambda', () => {
  it('A3 a password login sends ContextData with the client IP, User-Agent, host and route', async () => {
    const password = 'A long password 1';
    await harness.directory.createUser({ username: 'alice', email: 'alice@example.com', password });
    const context = authContextOf(
      { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 Test', baseUrl: 'https://api.example.com/prod' },
      '/v1/auth/login',
    );
    const result = await provider().passwordAuth('alice', password, context);
    expect(result.kind).toBe('tokens');
    const call = harness.seen.find((c) => c.operation === 'AdminInitiateAuth');
    expect(call?.input.ContextData).toEqual({
      IpAddress: '203.0.113.7',
      ServerName: 'api.example.com',
      ServerPath: '/v1/auth/login',
      HttpHeaders: [{ headerName: 'User-Agent', headerValue: 'Mozilla/5.0 Test' }],
    });
    expect(call?.input.AuthParameters).toEqual({ USERNAME: 'alice', PASSWORD: password });
    expect(call?.signature).toBe('ok');
  });

  it('A3 a malformed base URL leaves the host empty rather than failing the login', () => {
    expect(authContextOf({ ip: '198.51.100.1', baseUrl: 'not a url' }, '/x').serverName).toBe('');
  });

  it('A2 a wrong TOTP code at Cognito (CodeMismatchException) is a refused login, not a 500', async () => {
    const standIn = await scripted([refusal('CodeMismatchException', 'Invalid code')]);
    await expect(standIn.provider.respondToTotp('alice', 'session', '000000')).rejects.toMatchObject({
      status: 401,
    });
    expect(standIn.seen[0]?.input).toEqual({
      UserPoolId: 'pool',
      ClientId: 'client',
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'session',
      ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: '000000' },
    });
    await standIn.close();
  });

  it('A2 a code of a spent time step (ExpiredCodeException) is TOTP_CODE_USED; a wrong one the generic 401', async () => {
    const standIn = await scripted([
      refusal('ExpiredCodeException', 'Your software token has already been used once.'),
      // as Cognito writes it: the namespaced shape id
      refusal('com.amazonaws.cognitoidentityprovider#CodeMismatchException', 'Invalid code'),
    ]);
    await expect(standIn.provider.respondToTotp('alice', 'session', '123456')).rejects.toMatchObject({
      status: 401,
      code: 'TOTP_CODE_USED',
    });
    await expect(standIn.provider.respondToTotp('alice', 'session', '000000')).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    await standIn.close();
  });

  it('A1 a password Cognito refuses after the user was created undoes the user (no burnt username) and is a 400', async () => {
    const before = harness.seen.length;
    await expect(
      provider().createUser({ username: 'pat', email: 'pat@example.com', password: 'correct horse battery' }),
    ).rejects.toMatchObject({ status: 400, code: 'PASSWORD_POLICY' });
    const calls = harness.seen.slice(before);
    expect(calls.map((c) => c.operation)).toEqual([
      'AdminCreateUser',
      'AdminSetUserPassword',
      'AdminDeleteUser',
    ]);
    expect(calls[2]?.input).toEqual({ UserPoolId: harness.pool.id, Username: 'pat' });
    expect(await harness.directory.getUser('pat')).toBeUndefined();
  });
});
