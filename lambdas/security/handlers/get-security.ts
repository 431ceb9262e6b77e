// GET /v1/me/security (B2): the caller's withdrawal hold and last security change, from the signed row.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { SecurityResponse } from '../contracts.js';
import { holdStatus, type SecurityStateStore } from '../hold.js';
import { awsSecurityState } from '../wiring.js';

export const makeHandler = (ports: { securityState: Pick<SecurityStateStore, 'get'>; clock: Clock }) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const state = await ports.securityState.get(caller.userId);
    const body: SecurityResponse = {
      hold: holdStatus(state, ports.clock.now()),
      ...(state?.lastChange ? { lastChange: state.lastChange } : {}),
    };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ securityState: awsSecurityState(), clock: aws.clock }),
);
