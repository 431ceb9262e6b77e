// POST /v1/auth/suspend (A4): the button of the "this wasn't me" link's page, or an app, with the link's token
// in the body (a form or JSON). The suspension and the end of every session are recorded before the answer;
// the account-suspension workflow does the rest. Single use: a used link is refused.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { linkActionHandler } from '../../kernel/link-page.js';
import { type ReportPorts, reportNotMe } from '../suspension.js';
import { awsAccountOutbox, awsAccountStore, awsSuspensionLinkUses } from '../wiring.js';

export const makeHandler = (ports: ReportPorts) =>
  linkActionHandler(async (token) => {
    await reportNotMe(ports, token);
    return {
      title: 'Your account is suspended',
      body: {
        done: true,
        message:
          'Your account is suspended and every session is signed out. Withdrawals not yet sent are cancelled ' +
          'and an email confirms it. Contact support to restore the account.',
      },
    };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    linkUses: awsSuspensionLinkUses(),
    accounts: awsAccountStore(),
    outbox: awsAccountOutbox(),
    workflows: aws.workflows(),
    clock: aws.clock,
  }),
);
