// The account context's functions: its API routes, its workflow tasks, with the access each needs.

import type { RouteSpec } from '../catalogue.js';
import { linkPage, linkResponse, linkToken } from '../kernel/shapes.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import { meQuery, meResponse, stepUpRequest, stepUpResponse } from './contracts.js';
import { revocationResponse, sessionsResponse } from './sessions-contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetMe',
    method: 'GET',
    path: '/v1/me',
    auth: 'user',
    entry: 'lambdas/account/handlers/get-me.ts',
    summary:
      "The caller's own account, email and phone masked; `?reveal=contact` shows them in clear after a fresh step-up (audited)",
    tag: 'account',
    query: meQuery,
    response: meResponse,
    status: 200,
    errors: ['STEP_UP_REQUIRED'],
    access: reads('accounts:read', 'vault:invoke'),
  },
  {
    id: 'StepUp',
    method: 'POST',
    path: '/v1/me/step-up',
    auth: 'user',
    entry: 'lambdas/account/handlers/step-up.ts',
    summary:
      'Re-authenticates in this session (password, and a TOTP code when enrolled): reads that need a fresh step-up are allowed for 5 minutes',
    tag: 'account',
    body: stepUpRequest,
    response: stepUpResponse,
    status: 200,
    errors: ['REAUTH_FAILED', 'SESSION_REVOKED'],
    access: reads('accounts:write', 'identity:authenticate', 'shield:write'),
  },
  {
    id: 'SuspensionLinkPage',
    method: 'GET',
    path: '/v1/auth/suspend/{token}',
    auth: 'public',
    entry: 'lambdas/account/handlers/suspension-link-page.ts',
    summary: '"This wasn\'t me" link: a page whose button suspends the account (opening it changes nothing)',
    tag: 'auth',
    link: 'page',
    response: linkPage,
    status: 200,
    access: [],
  },
  {
    id: 'UseSuspensionLink',
    method: 'POST',
    path: '/v1/auth/suspend',
    auth: 'public',
    entry: 'lambdas/account/handlers/use-suspension-link.ts',
    summary:
      '"This wasn\'t me" button (a form) or an app (JSON): suspends the account and ends every session before it answers (single use, 7 days)',
    tag: 'auth',
    link: 'action',
    body: linkToken,
    response: linkResponse,
    status: 200,
    access: reads('accounts:write', 'suspension:start'),
  },
  {
    id: 'ListSessions',
    method: 'GET',
    path: '/v1/me/sessions',
    auth: 'user',
    entry: 'lambdas/account/handlers/list-sessions.ts',
    summary: "The caller's live sessions, the current one marked",
    tag: 'sessions',
    response: sessionsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'RevokeSession',
    method: 'DELETE',
    path: '/v1/me/sessions/{sessionId}',
    auth: 'user',
    entry: 'lambdas/account/handlers/revoke-session.ts',
    summary: "Ends one of the caller's sessions; another user's session id is Not Found",
    tag: 'sessions',
    response: revocationResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'RevokeAllSessions',
    method: 'DELETE',
    path: '/v1/me/sessions',
    auth: 'user',
    entry: 'lambdas/account/handlers/revoke-sessions.ts',
    summary: 'Ends every session of the caller and revokes every refresh token (global sign-out)',
    tag: 'sessions',
    response: revocationResponse,
    status: 200,
    access: reads('accounts:write', 'identity:sign-out'),
  },
];

export const RECORD_SUSPENSION: FunctionSpec = {
  id: 'RecordSuspension',
  entry: 'lambdas/account/handlers/record-suspension.ts',
  access: reads('accounts:write'),
};

export const REVOKE_ACCESS: FunctionSpec = {
  id: 'RevokeAccess',
  entry: 'lambdas/account/handlers/revoke-access.ts',
  access: reads('accounts:read', 'identity:revoke'),
};

export const NOTIFY_SUSPENSION: FunctionSpec = {
  id: 'NotifySuspension',
  entry: 'lambdas/account/handlers/notify-suspension.ts',
  access: reads('accounts:read', 'user-mail:send'),
};
