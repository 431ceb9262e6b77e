// A3/I1: the Cognito adapter hands the client's address, User-Agent and endpoint to threat protection.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ExpiredCodeException,
  InvalidPasswordException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { authContextOf } from '../../lambdas/auth/login-flow.js';
import { CognitoIdentityProvider } from '../../lambdas/kernel/aws/identity-provider.js';

describe('A3 Cognito sees the client, not the Lambda', () => {
  it('A3 a password login sends ContextData with the client IP, User-Agent, host and route', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(AdminInitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's' });
    const provider = new CognitoIdentityProvider(new CognitoIdentityProviderClient({}), 'pool', 'client');
    const context = authContextOf(
      { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 Test', baseUrl: 'https://api.example.com/prod' },
      '/v1/auth/login',
    );
    await provider.passwordAuth('alice', 'a long password 1', context);
    const input = cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input;
    expect(input?.ContextData).toEqual({
      IpAddress: '203.0.113.7',
      ServerName: 'api.example.com',
      ServerPath: '/v1/auth/login',
      HttpHeaders: [{ headerName: 'User-Agent', headerValue: 'Mozilla/5.0 Test' }],
    });
    cognito.restore();
  });

  it('A3 a malformed base URL leaves the host empty rather than failing the login', () => {
    expect(authContextOf({ ip: '198.51.100.1', baseUrl: 'not a url' }, '/x').serverName).toBe('');
  });

  it('A2 a wrong TOTP code at Cognito (CodeMismatchException) is a refused login, not a 500', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito
      .on(AdminRespondToAuthChallengeCommand)
      .rejects(new CodeMismatchException({ message: 'Invalid code', $metadata: {} }));
    const provider = new CognitoIdentityProvider(new CognitoIdentityProviderClient({}), 'pool', 'client');
    await expect(provider.respondToTotp('alice', 'session', '000000')).rejects.toMatchObject({ status: 401 });
    cognito.restore();
  });

  it('A2 a code of a spent time step (ExpiredCodeException) is TOTP_CODE_USED; a wrong one the generic 401', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito
      .on(AdminRespondToAuthChallengeCommand)
      .rejectsOnce(
        new ExpiredCodeException({
          message: 'Your software token has already been used once.',
          $metadata: {},
        }),
      )
      .rejectsOnce(new CodeMismatchException({ message: 'Invalid code', $metadata: {} }));
    const provider = new CognitoIdentityProvider(new CognitoIdentityProviderClient({}), 'pool', 'client');
    await expect(provider.respondToTotp('alice', 'session', '123456')).rejects.toMatchObject({
      status: 401,
      code: 'TOTP_CODE_USED',
    });
    await expect(provider.respondToTotp('alice', 'session', '000000')).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    cognito.restore();
  });

  it('A1 a password Cognito refuses after the user was created undoes the user (no burnt username) and is a 400', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'u-1' }] } });
    cognito
      .on(AdminSetUserPasswordCommand)
      .rejects(new InvalidPasswordException({ message: 'Password does not conform', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});
    const provider = new CognitoIdentityProvider(new CognitoIdentityProviderClient({}), 'pool', 'client');
    await expect(
      provider.createUser({ username: 'pat', email: 'pat@example.com', password: 'correct horse battery' }),
    ).rejects.toMatchObject({ status: 400, code: 'PASSWORD_POLICY' });
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'pool',
      Username: 'pat',
    });
    cognito.restore();
  });
});
