// GET /v1/auth/suspend/{token} (A4): what the "this wasn't me" link opens. A page whose button suspends the
// account (POST /v1/auth/suspend); opening it, as a mail scanner does, suspends nothing.

import { lazyHandler } from '../../kernel/http.js';
import { type LinkPage, linkPageHandler } from '../../kernel/link-page.js';

export const SUSPENSION_LINK_PAGE: LinkPage = {
  title: 'Was this not you?',
  explain:
    'If you did not do what the email describes, suspend your account now: every session is signed out at ' +
    'once, sign-in is blocked and withdrawals not yet sent are cancelled. Support can restore the account.',
  button: 'Suspend my account',
  action: '../suspend',
  danger: true,
};

export const makeHandler = () => linkPageHandler(SUSPENSION_LINK_PAGE);

export const handler = lazyHandler(makeHandler);
