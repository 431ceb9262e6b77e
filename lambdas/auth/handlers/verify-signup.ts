// POST /v1/auth/signup/verify (A1): both codes complete the sign-up; the user can then log in.

import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import { verifySignupRequest } from '../signup-contracts.js';
import { NO_PASSWORD_SET, type SignupFlow } from '../signup-flow.js';
import { awsSignupFlow } from '../wiring.js';

export const makeHandler = (ports: { signup: SignupFlow }) =>
  httpHandler({ body: verifySignupRequest }, async (request) => ({
    // One read per row: the sign-up row read for the codes is the one its completion replaces.
    body: await readOnce(() =>
      ports.signup.verify(request.body.signupId, request.body.emailCode, request.body.phoneCode),
    ),
  }));

export const handler = lazyHandler(() => makeHandler({ signup: awsSignupFlow(NO_PASSWORD_SET) }));
