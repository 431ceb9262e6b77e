// POST /v1/auth/signup (A1): a pending sign-up; a code goes to the email and another to the phone.

import * as aws from '../../kernel/aws/infra.js';
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { passwordScreen } from '../password-screen.js';
import { signupRequest } from '../signup-contracts.js';
import type { SignupFlow } from '../signup-flow.js';
import { awsSignupFlow } from '../wiring.js';

export const makeHandler = (ports: { signup: SignupFlow }) =>
  httpHandler({ body: signupRequest }, async (request) => ({
    status: 201,
    body: await ports.signup.start(request.body, { ip: request.sourceIp }),
  }));

export const handler = lazyHandler(() =>
  makeHandler({ signup: awsSignupFlow(passwordScreen(aws.breachedPasswords())) }),
);
