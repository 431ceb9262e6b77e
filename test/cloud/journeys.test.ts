// The AWS path of the user journeys (I2): every function runs its production bundle in its own worker with
// exactly the template's environment, every AWS call it makes is authorised against its own role from the
// template, and the journeys go through API Gateway's events and the authorizers. A journey that works on the
// local runtime but would fail in AWS (a missing grant, a missing variable, a resource the template lacks)
// fails here, naming the function, the call and what is missing. See docs/cloud-fidelity.md.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, firstLogin, person, signUp, type TestUser } from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';

let h: CloudHarness;

beforeAll(async () => {
  // cdk.json's settings but for the address cooling period, which the real clock cannot wait out (C1).
  h = await CloudHarness.start({ variant: { name: 'journeys', context: { addressCoolingHours: 0 } } });
}, 600_000);
afterAll(async () => {
  await h?.stop();
});
afterEach(() => {
  // Each test answers for its own calls.
  h.reset();
});

const callsOf = (caller: string) =>
  h.calls.filter((c) => c.caller === caller).map((c) => `${c.service}:${c.operation}`);

describe('I2 the AWS path of the user journeys', () => {
  const ann: TestUser = person('ann');

  it('I2 A1 sign-up and verification under the template: codes by SES and by SNS through SendUserMail and SendSms', async () => {
    await signUp(h, ann);
    h.assertClean();
    expect(callsOf('SignUp')).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminSetUserPassword',
        'lambda:Invoke',
      ]),
    );
    expect(callsOf('SendUserMail')).toContain('ses:SendEmail');
    expect(callsOf('SendSms')).toContain('sns:Publish');
    expect(callsOf('VerifySignUp')).toContain('cognito-idp:AdminEnableUser');
  });

  it('I2 A5 A6 Login, the user authorizer and GetMe under the template: password, duress check, emailed code, device link', async () => {
    const token = await firstLogin(h, ann, 'device-ann-00001');
    const me = await h.call('GET', '/v1/me', undefined, { token });
    expectStatus(me, 200);
    expect(me.body).toMatchObject({ username: ann.username, status: 'active' });
    h.assertClean();
    // Every password goes to the duress check (A5), in its own function, over Lambda Invoke.
    expect(callsOf('Login')).toEqual(
      expect.arrayContaining(['cognito-idp:AdminInitiateAuth', 'lambda:Invoke']),
    );
    expect(h.invocations.some((i) => i.functionId === 'CheckDuress' && i.outcome.ok)).toBe(true);
    // The authorizer fetched the pool's JWKS and read the account and session rows.
    expect(callsOf('UserAuthorizer')).toEqual(
      expect.arrayContaining([`jwks:GET /${h.model.userPool.id}/.well-known/jwks.json`]),
    );
  });
});
