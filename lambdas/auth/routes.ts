// The auth context's functions: its API routes and the functions others invoke, with the access each needs.

import { revocationResponse } from '../account/contracts.js';
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  challengeRequest,
  linkPage,
  linkResponse,
  linkToken,
  loginRequest,
  loginResponse,
} from './contracts.js';
import { deviceRemovedResponse, devicesResponse } from './device-contracts.js';
import { duressSetResponse, setDuressBody } from './duress-contracts.js';
import { loginsQuery, loginsResponse } from './login-history.js';
import { changePasswordBody, passwordChangedResponse } from './password-contracts.js';
import { refreshRequest, refreshResponse } from './refresh-contracts.js';
import {
  signupRequest,
  signupResponse,
  verifySignupRequest,
  verifySignupResponse,
} from './signup-contracts.js';
import {
  confirmTotpBody,
  disableTotpBody,
  totpEnrolmentResponse,
  totpStatusResponse,
} from './totp-contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'Login',
    method: 'POST',
    path: '/v1/auth/login',
    auth: 'public',
    entry: 'lambdas/auth/handlers/login.ts',
    summary: 'Starts a login: tokens, or the first further proof it needs',
    tag: 'auth',
    body: loginRequest,
    response: loginResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'shield:write',
      'vault:invoke',
      'user-mail:send',
      // A5: every password a login checks also goes to the duress check (login-flow.ts).
      'duress:check',
    ),
  },
  {
    id: 'RefreshTokens',
    method: 'POST',
    path: '/v1/auth/refresh',
    auth: 'public',
    entry: 'lambdas/auth/handlers/refresh.ts',
    summary:
      "A8: new tokens for the session's refresh token and device; the token is rotated on every use, and a used one ends the session",
    tag: 'auth',
    body: refreshRequest,
    response: refreshResponse,
    status: 200,
    // The exchange itself (GetTokensFromRefreshToken) is authorised by the app client and the token, not by
    // IAM: `identity:refresh` grants no action, only the pool's variables. Reuse revokes the session row,
    // appends the audit record (accounts:write brings audit:append) and emails the user with a fresh
    // "this wasn't me" link.
    access: reads('accounts:write', 'identity:refresh', 'shield:write', 'user-mail:send'),
  },
  {
    id: 'SignUp',
    method: 'POST',
    path: '/v1/auth/signup',
    auth: 'public',
    entry: 'lambdas/auth/handlers/signup.ts',
    summary: 'A1: starts a sign-up; a code goes to the email address and another to the phone',
    tag: 'auth',
    body: signupRequest,
    response: signupResponse,
    status: 201,
    access: reads(
      'accounts:write',
      'blind-index:key',
      'identity:create',
      'identity:delete',
      // A1: a held username is looked up before it may be freed (a sign-up never verified).
      'identity:read',
      'shield:write',
      'user-mail:send',
      'sms:invoke',
    ),
  },
  {
    id: 'VerifySignUp',
    method: 'POST',
    path: '/v1/auth/signup/verify',
    auth: 'public',
    entry: 'lambdas/auth/handlers/verify-signup.ts',
    summary: 'A1: both codes complete the sign-up (5 attempts, 15 minutes); the user can then log in',
    tag: 'auth',
    body: verifySignupRequest,
    response: verifySignupResponse,
    status: 200,
    access: reads('accounts:write', 'blind-index:key', 'vault:invoke', 'identity:read', 'identity:enable'),
  },
  {
    id: 'AnswerChallenge',
    method: 'POST',
    path: '/v1/auth/challenge',
    auth: 'public',
    entry: 'lambdas/auth/handlers/challenge.ts',
    summary: 'Answers the current step of a login (TOTP, emailed code, device confirmation poll)',
    tag: 'auth',
    body: challengeRequest,
    response: loginResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'shield:write',
      'vault:invoke',
      'user-mail:send',
    ),
  },
  {
    id: 'DeviceLinkPage',
    method: 'GET',
    path: '/v1/auth/device-links/{token}',
    auth: 'public',
    entry: 'lambdas/auth/handlers/device-link-page.ts',
    summary: 'The link of the new-device email: a page whose button confirms the sign-in (changes nothing)',
    tag: 'auth',
    link: 'page',
    response: linkPage,
    status: 200,
    access: [],
  },
  {
    id: 'ConfirmDevice',
    method: 'POST',
    path: '/v1/auth/device-links',
    auth: 'public',
    entry: 'lambdas/auth/handlers/confirm-device.ts',
    summary: "The new-device link's button (a form) or an app (JSON): lets the waiting login continue, once",
    tag: 'auth',
    link: 'action',
    body: linkToken,
    response: linkResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'EnrollTotp',
    method: 'POST',
    path: '/v1/me/mfa/totp',
    auth: 'user',
    entry: 'lambdas/auth/handlers/enroll-totp.ts',
    summary: 'Starts TOTP enrolment: the secret, its otpauth URI and a QR code',
    tag: 'mfa',
    response: totpEnrolmentResponse,
    status: 200,
    // Cognito's software-token calls are authorised by the caller's own access token.
    access: ['identity:read'],
  },
  {
    id: 'ConfirmTotp',
    method: 'POST',
    path: '/v1/me/mfa/totp/confirm',
    auth: 'user',
    entry: 'lambdas/auth/handlers/confirm-totp.ts',
    summary:
      'Confirms TOTP enrolment with the password and a first code; login asks for a code from then on (a security change)',
    tag: 'mfa',
    body: confirmTotpBody,
    response: totpStatusResponse,
    status: 200,
    // Re-authentication, the security change (B1/B2), and turning TOTP off again should that fail.
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'identity:mfa',
      'security-hold:start',
      'shield:write',
    ),
  },
  {
    id: 'DisableTotp',
    method: 'POST',
    path: '/v1/me/mfa/totp/disable',
    auth: 'user',
    entry: 'lambdas/auth/handlers/disable-totp.ts',
    summary: 'Turns TOTP off after the password and a current code; a security change',
    tag: 'mfa',
    body: disableTotpBody,
    response: totpStatusResponse,
    status: 200,
    // A security change: the audit record, the signed hold row (B2) and the security-hold workflow.
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'identity:mfa',
      'security-hold:start',
      'shield:write',
    ),
  },
  {
    id: 'SetDuressPassword',
    method: 'PUT',
    path: '/v1/me/duress-password',
    auth: 'user',
    entry: 'lambdas/auth/handlers/set-duress-password.ts',
    summary: 'Sets or changes the duress password (re-authentication; never equal to the password)',
    tag: 'security',
    body: setDuressBody,
    response: duressSetResponse,
    status: 200,
    access: reads('accounts:write', 'identity:authenticate', 'security-hold:start', 'shield:write'),
  },
  {
    id: 'ChangePassword',
    method: 'PUT',
    path: '/v1/me/password',
    auth: 'user',
    entry: 'lambdas/auth/handlers/change-password.ts',
    summary:
      'B1: changes the password (re-authentication; the sign-up policy); a security change that ends every other session',
    tag: 'security',
    body: changePasswordBody,
    response: passwordChangedResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'identity:set-password',
      'identity:sign-out',
      'security-hold:start',
      'shield:write',
    ),
  },
  {
    id: 'Logout',
    method: 'POST',
    path: '/v1/auth/logout',
    auth: 'user',
    entry: 'lambdas/auth/handlers/logout.ts',
    summary: "Ends the caller's current session; its tokens are refused from the next request on",
    tag: 'sessions',
    response: revocationResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'ListLogins',
    method: 'GET',
    path: '/v1/me/logins',
    auth: 'user',
    entry: 'lambdas/auth/handlers/list-logins.ts',
    summary: "The caller's login history, newest first: time, IP, country, browser, outcome",
    tag: 'sessions',
    query: loginsQuery,
    response: loginsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'ListDevices',
    method: 'GET',
    path: '/v1/me/devices',
    auth: 'user',
    entry: 'lambdas/auth/handlers/list-devices.ts',
    summary: "The caller's whitelisted devices, most recently seen first",
    tag: 'sessions',
    response: devicesResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'RemoveDevice',
    method: 'DELETE',
    path: '/v1/me/devices/{deviceId}',
    auth: 'user',
    entry: 'lambdas/auth/handlers/remove-device.ts',
    summary: "Takes one of the caller's devices off the whitelist: its next login needs the email link again",
    tag: 'sessions',
    response: deviceRemovedResponse,
    status: 200,
    access: reads('accounts:write', 'shield:forget'),
  },
];

export const USER_AUTHORIZER: FunctionSpec = {
  id: 'UserAuthorizer',
  entry: 'lambdas/auth/handlers/authorizer.ts',
  access: reads('accounts:read'),
};

/**
 * The duress check (A5), invoked by the login for every password: it alone reads duress hashes and starts
 * a duress suspension; the login learns only match or no match.
 */
export const DURESS_CHECK: FunctionSpec = {
  id: 'CheckDuress',
  entry: 'lambdas/auth/handlers/check-duress.ts',
  access: reads('accounts:read', 'suspension:start'),
};
