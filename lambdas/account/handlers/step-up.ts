// POST /v1/me/step-up: the caller re-authenticates (the password, and a TOTP code when enrolled, behind the
// re-authentication lockout of kernel/shield/reauth-guard.ts) and the session is marked stepped up, for reads
// that need a fresh step-up (GET /v1/me?reveal=contact) during the next STEP_UP.freshMinutes.

import * as aws from '../../kernel/aws/infra.js';
import { Unauthorized, ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { type StepUpResponse, stepUpRequest } from '../contracts.js';
import { type StepUps, stepUpFreshUntil } from '../step-up.js';
import { awsStepUps } from '../wiring.js';

export const makeHandler = (ports: {
  identity: Pick<IdentityProvider, 'reauthenticate'>;
  stepUps: StepUps;
  clock: Clock;
}) =>
  httpHandler({ body: stepUpRequest }, async (request, event) => {
    const caller = callerOf(event);
    const { password, code } = request.body;
    if (!(await ports.identity.reauthenticate(caller.username, password, code))) {
      throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
    }
    const now = ports.clock.now();
    if (!(await ports.stepUps.record(caller.userId, caller.sessionId, now))) {
      throw new Unauthorized('This session has ended', 'SESSION_REVOKED');
    }
    const body: StepUpResponse = {
      steppedUpAt: now.toISOString(),
      freshUntil: stepUpFreshUntil(now).toISOString(),
    };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ identity: aws.reauthIdentity(), stepUps: awsStepUps(), clock: aws.clock }),
);
