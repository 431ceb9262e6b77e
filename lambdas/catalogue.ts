// The catalogue of Palisade's functions: routes, authorizers and workflow tasks. CDK builds the API, the
// Lambdas and their grants from it; the local runtime serves the same routes; the OpenAPI document is made
// from it. One list, so a route cannot exist in one runtime and not the other.
import type * as z from 'zod/mini';
import {
  changeEmailBody,
  changePhoneBody,
  confirmContactBody,
  contactChangedResponse,
  contactChangeStartedResponse,
} from './account/contact-change-contracts.js';
import { meResponse } from './account/contracts.js';
import { revocationResponse, sessionsResponse } from './account/sessions-contracts.js';
import {
  addAddressBody,
  addressConfirmedResponse,
  addressCreatedResponse,
  addressesResponse,
  addressRemovedResponse,
} from './addresses/contracts.js';
import {
  adminAuthenticatedResponse,
  adminChallengeRequest,
  adminLoginRequest,
  adminLoginResponse,
  adminMeResponse,
} from './admin/admin-login-contracts.js';
import type { AdminRouteNeeds } from './admin/admin-route.js';
import {
  adminUserResponse,
  approveBody,
  createRequestBody,
  listRequestsQuery,
  rejectBody,
  requestsResponse,
  requestView,
  withdrawalReviewsQuery,
  withdrawalReviewsResponse,
} from './admin/contracts.js';
import { challengeRequest, linkResponse, loginRequest, loginResponse } from './auth/contracts.js';
import { deviceRemovedResponse, devicesResponse } from './auth/device-contracts.js';
import { duressSetResponse, setDuressBody } from './auth/duress-contracts.js';
import { loginsQuery, loginsResponse } from './auth/login-history.js';
import { changePasswordBody, passwordChangedResponse } from './auth/password-contracts.js';
import {
  signupRequest,
  signupResponse,
  verifySignupRequest,
  verifySignupResponse,
} from './auth/signup-contracts.js';
import {
  confirmTotpBody,
  disableTotpBody,
  totpEnrolmentResponse,
  totpStatusResponse,
} from './auth/totp-contracts.js';
import {
  pgpKeyRemovedResponse,
  pgpKeyRemoveRequest,
  pgpKeyRequest,
  pgpKeyResponse,
  phraseRequest,
  phraseResponse,
  platformKeyResponse,
} from './notify/contracts.js';
import { healthResponse } from './platform/contracts.js';
import { securityResponse } from './security/contracts.js';
import type { WorkflowName } from './shared/ports/workflows.js';
import {
  withdrawalAccepted,
  withdrawalRequest,
  withdrawalsQuery,
  withdrawalsResponse,
} from './withdrawals/contracts.js';

/**
 * What a function may touch; lib/grants turns each into the narrowest IAM grant, and ACCESS_ENV
 * (lambdas/shared/runtime/access-env.ts) names the environment variables it needs. Table access includes
 * the signing key: reading a signed table needs its public key (kms:GetPublicKey), writing needs kms:Sign.
 * `audit:append` may only add records (PutItem, never Update or Delete).
 */
export type Access =
  | 'accounts:read'
  | 'accounts:write'
  | 'audit:append'
  | 'audit:read'
  | 'blind-index:key'
  | 'data-key:seal-open'
  | 'vault:invoke'
  | 'user-mail:send'
  | 'pgp-signer:invoke'
  | 'pgp-key:sign'
  | 'pgp-key:public'
  | 'duress:check'
  | 'identity:authenticate'
  | 'identity:mfa'
  | 'shield:write'
  | 'shield:forget'
  | 'identity:revoke'
  | 'identity:sign-out'
  | 'identity:read'
  | 'identity:create'
  | 'identity:enable'
  | 'identity:set-password'
  | 'identity:update-contact'
  | 'sms:invoke'
  | 'sms:publish'
  | 'suspension:start'
  | 'security-hold:start'
  /** C3: send a withdrawal to the custody system's queue (lib/custody.ts). */
  | 'custody:dispatch'
  /** C3: fail a withdrawal review's task token (SendTaskFailure), when a suspension cancels it. */
  | 'withdrawal-review:cancel'
  /** C3/D2: answer a withdrawal review's task token with the decision (SendTaskSuccess). */
  | 'withdrawal-review:decide'
  /** C2: start the withdrawal workflow (the request route). */
  | 'withdrawal:start'
  /** C2: Powertools idempotency records (get, put, update, delete on the idempotency table only). */
  | 'idempotency:use'
  | 'mail:send'
  /** D1: admin login against the admin pool (password, TOTP; global sign-out of a refused admin). */
  | 'admin-identity:authenticate'
  | 'admin-identity:reauthenticate'
  /** D4: offboarding in the admin pool: disable the admin and sign them out globally. */
  | 'admin-identity:revoke'
  /** D2: start the admin-approval workflow (a new admin request). */
  | 'admin-approval:start'
  /** D2: answer the admin-approval workflow's stored task token (SendTaskSuccess). */
  | 'admin-approval:answer';

/** Accesses that read signed rows: a function holding one must also hold INTEGRITY_ALARM. */
export const SIGNED_READS: readonly Access[] = ['accounts:read', 'accounts:write', 'audit:read'];
/** A failed verification writes an audit record (E1), so every reader of signed rows may append one. */
export const INTEGRITY_ALARM: Access = 'audit:append';

/** The access of a function that reads signed rows: its own plus the integrity alarm's. */
const reads = (...access: Access[]): Access[] => [...access, INTEGRITY_ALARM];

export interface FunctionSpec {
  /** Stable id: the construct id of the Lambda and the key of its bundle in bench/. */
  id: string;
  /** Handler module, relative to the repository root; it exports `handler` and `makeHandler`. */
  entry: string;
  access: readonly Access[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface RouteBase extends FunctionSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/me/sessions/{sessionId}`. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  response: z.ZodMiniType;
  /** Status of a successful answer. */
  status: number;
}

/**
 * public: no token. user: the user authorizer. admin: the admin authorizer (`/v1/admin/...` only, D1), and the
 * capability of the permission matrix the route needs, checked by the one admin middleware
 * (`adminHttpHandler`, lambdas/admin/admin-route.ts) before the route's logic runs.
 */
export type RouteSpec = RouteBase &
  ({ auth: 'public' | 'user'; admin?: undefined } | { auth: 'admin'; admin: AdminRouteNeeds });

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/v1/health',
    auth: 'public',
    entry: 'lambdas/platform/get-health.ts',
    summary: 'Liveness of the API',
    tag: 'platform',
    response: healthResponse,
    status: 200,
    access: [],
  },
  {
    id: 'GetMe',
    method: 'GET',
    path: '/v1/me',
    auth: 'user',
    entry: 'lambdas/account/get-me.ts',
    summary: "The caller's own account",
    tag: 'account',
    response: meResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'Login',
    method: 'POST',
    path: '/v1/auth/login',
    auth: 'public',
    entry: 'lambdas/auth/login.ts',
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
    ),
  },
  {
    id: 'SignUp',
    method: 'POST',
    path: '/v1/auth/signup',
    auth: 'public',
    entry: 'lambdas/auth/signup.ts',
    summary: 'A1: starts a sign-up; a code goes to the email address and another to the phone',
    tag: 'auth',
    body: signupRequest,
    response: signupResponse,
    status: 201,
    access: reads(
      'accounts:write',
      'blind-index:key',
      'identity:create',
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
    entry: 'lambdas/auth/verify-signup.ts',
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
    entry: 'lambdas/auth/challenge.ts',
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
    id: 'AdminLogin',
    method: 'POST',
    path: '/v1/admin/auth/login',
    auth: 'public',
    entry: 'lambdas/admin/admin-auth-login.ts',
    summary: 'D1: starts an admin login with the admin pool password; answers the TOTP challenge',
    tag: 'admin',
    body: adminLoginRequest,
    response: adminLoginResponse,
    status: 200,
    access: reads('accounts:write', 'admin-identity:authenticate', 'shield:write'),
  },
  {
    id: 'AdminLoginChallenge',
    method: 'POST',
    path: '/v1/admin/auth/challenge',
    auth: 'public',
    entry: 'lambdas/admin/admin-auth-challenge.ts',
    summary: 'D1: the TOTP code of an admin login; answers a short-lived admin access token',
    tag: 'admin',
    body: adminChallengeRequest,
    response: adminAuthenticatedResponse,
    status: 200,
    access: reads('accounts:write', 'admin-identity:authenticate', 'shield:write'),
  },
  {
    id: 'GetAdminMe',
    method: 'GET',
    path: '/v1/admin/me',
    auth: 'admin',
    admin: { permission: 'session' },
    entry: 'lambdas/admin/admin-me.ts',
    summary: 'D1: the calling admin as the admin authorizer verified them (id, session, tiers)',
    tag: 'admin',
    response: adminMeResponse,
    status: 200,
    access: [],
  },
  {
    id: 'ConfirmDevice',
    method: 'GET',
    path: '/v1/auth/device-links/{token}',
    auth: 'public',
    entry: 'lambdas/auth/confirm-device.ts',
    summary: 'The link of the new-device email: lets the waiting login continue',
    tag: 'auth',
    response: linkResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'UseSuspensionLink',
    method: 'GET',
    path: '/v1/auth/suspend/{token}',
    auth: 'public',
    entry: 'lambdas/auth/use-suspension-link.ts',
    summary: '"This wasn\'t me": suspends the account and signs every session out (single use, 7 days)',
    tag: 'auth',
    response: linkResponse,
    status: 200,
    access: reads('accounts:write', 'suspension:start'),
  },
  {
    id: 'EnrollTotp',
    method: 'POST',
    path: '/v1/me/mfa/totp',
    auth: 'user',
    entry: 'lambdas/auth/enroll-totp.ts',
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
    entry: 'lambdas/auth/confirm-totp.ts',
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
    entry: 'lambdas/auth/disable-totp.ts',
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
    id: 'GetMySecurity',
    method: 'GET',
    path: '/v1/me/security',
    auth: 'user',
    entry: 'lambdas/security/get-security.ts',
    summary: "B2: the caller's withdrawal hold (active, its end) and last security change",
    tag: 'security',
    response: securityResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'SetDuressPassword',
    method: 'PUT',
    path: '/v1/me/duress-password',
    auth: 'user',
    entry: 'lambdas/auth/set-duress-password.ts',
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
    entry: 'lambdas/auth/change-password.ts',
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
    id: 'RequestEmailChange',
    method: 'PUT',
    path: '/v1/me/email',
    auth: 'user',
    entry: 'lambdas/account/change-email.ts',
    summary: 'B1: starts an email change (re-authentication): a 6-digit code goes to the new address',
    tag: 'security',
    body: changeEmailBody,
    response: contactChangeStartedResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'blind-index:key',
      'vault:invoke',
      'user-mail:send',
      'shield:write',
    ),
  },
  {
    id: 'ConfirmEmailChange',
    method: 'POST',
    path: '/v1/me/email/confirm',
    auth: 'user',
    entry: 'lambdas/account/confirm-email.ts',
    summary:
      'B1: the code from the new address makes the change; a security change noticed to the old address and the phone',
    tag: 'security',
    body: confirmContactBody,
    response: contactChangedResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'blind-index:key',
      'vault:invoke',
      'identity:update-contact',
      'security-hold:start',
    ),
  },
  {
    id: 'RequestPhoneChange',
    method: 'PUT',
    path: '/v1/me/phone',
    auth: 'user',
    entry: 'lambdas/account/change-phone.ts',
    summary: 'B1: starts a phone change (re-authentication): a 6-digit code goes to the new number by SMS',
    tag: 'security',
    body: changePhoneBody,
    response: contactChangeStartedResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'blind-index:key',
      'vault:invoke',
      'sms:invoke',
      'shield:write',
    ),
  },
  {
    id: 'ConfirmPhoneChange',
    method: 'POST',
    path: '/v1/me/phone/confirm',
    auth: 'user',
    entry: 'lambdas/account/confirm-phone.ts',
    summary:
      'B1: the code from the new number makes the change; a security change noticed to the old phone and the address',
    tag: 'security',
    body: confirmContactBody,
    response: contactChangedResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'blind-index:key',
      'vault:invoke',
      'identity:update-contact',
      'security-hold:start',
    ),
  },
  {
    id: 'Logout',
    method: 'POST',
    path: '/v1/auth/logout',
    auth: 'user',
    entry: 'lambdas/auth/logout.ts',
    summary: "Ends the caller's current session; its tokens are refused from the next request on",
    tag: 'sessions',
    response: revocationResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'ListSessions',
    method: 'GET',
    path: '/v1/me/sessions',
    auth: 'user',
    entry: 'lambdas/account/list-sessions.ts',
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
    entry: 'lambdas/account/revoke-session.ts',
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
    entry: 'lambdas/account/revoke-sessions.ts',
    summary: 'Ends every session of the caller and revokes every refresh token (global sign-out)',
    tag: 'sessions',
    response: revocationResponse,
    status: 200,
    access: reads('accounts:write', 'identity:sign-out'),
  },
  {
    id: 'ListLogins',
    method: 'GET',
    path: '/v1/me/logins',
    auth: 'user',
    entry: 'lambdas/auth/list-logins.ts',
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
    entry: 'lambdas/auth/list-devices.ts',
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
    entry: 'lambdas/auth/remove-device.ts',
    summary: "Takes one of the caller's devices off the whitelist: its next login needs the email link again",
    tag: 'sessions',
    response: deviceRemovedResponse,
    status: 200,
    access: reads('accounts:write', 'shield:forget'),
  },
  {
    id: 'SetAntiPhishingPhrase',
    method: 'PUT',
    path: '/v1/me/anti-phishing-phrase',
    auth: 'user',
    entry: 'lambdas/notify/put-anti-phishing-phrase.ts',
    summary: 'B4: sets the phrase shown at the top of every email to the caller (3–64 printable, no link)',
    tag: 'notifications',
    body: phraseRequest,
    response: phraseResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'SetPgpKey',
    method: 'PUT',
    path: '/v1/me/pgp-key',
    auth: 'user',
    entry: 'lambdas/notify/put-pgp-key.ts',
    summary: 'B3: registers an OpenPGP public key; every email is then signed (and, on request, encrypted)',
    tag: 'notifications',
    body: pgpKeyRequest,
    response: pgpKeyResponse,
    status: 200,
    // B1: re-authentication, then the security change (audit, signed hold row, security-hold workflow).
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'pgp-signer:invoke',
      'security-hold:start',
      'shield:write',
    ),
  },
  {
    id: 'RemovePgpKey',
    method: 'POST',
    path: '/v1/me/pgp-key/remove',
    auth: 'user',
    entry: 'lambdas/notify/delete-pgp-key.ts',
    summary:
      'B3: removes the OpenPGP key after the password (and a TOTP code when enrolled); emails go unsigned again (a security change)',
    tag: 'notifications',
    body: pgpKeyRemoveRequest,
    response: pgpKeyRemovedResponse,
    status: 200,
    access: reads('accounts:write', 'identity:authenticate', 'security-hold:start', 'shield:write'),
  },
  {
    id: 'GetPgpKey',
    method: 'GET',
    path: '/v1/pgp-key',
    auth: 'public',
    entry: 'lambdas/notify/get-pgp-key.ts',
    summary: "B3: the platform's OpenPGP public key and fingerprint, to verify signed emails",
    tag: 'notifications',
    response: platformKeyResponse,
    status: 200,
    access: ['pgp-key:public'],
  },
  {
    id: 'AddWithdrawalAddress',
    method: 'POST',
    path: '/v1/me/addresses',
    auth: 'user',
    entry: 'lambdas/addresses/add-address.ts',
    summary:
      'C1: adds a withdrawal address (validated per asset, screened); pending until the emailed link is clicked',
    tag: 'addresses',
    body: addAddressBody,
    response: addressCreatedResponse,
    status: 201,
    // The address rows, the confirmation email, and the "this wasn't me" link in it (A4).
    access: reads('accounts:write', 'user-mail:send'),
  },
  {
    id: 'ListWithdrawalAddresses',
    method: 'GET',
    path: '/v1/me/addresses',
    auth: 'user',
    entry: 'lambdas/addresses/list-addresses.ts',
    summary: "C1: the caller's withdrawal addresses, masked, with status and the end of their cooling period",
    tag: 'addresses',
    response: addressesResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'RemoveWithdrawalAddress',
    method: 'DELETE',
    path: '/v1/me/addresses/{addressId}',
    auth: 'user',
    entry: 'lambdas/addresses/remove-address.ts',
    summary: "C1: takes one of the caller's addresses off the list at once; another user's id is Not Found",
    tag: 'addresses',
    response: addressRemovedResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'ConfirmWithdrawalAddress',
    method: 'GET',
    path: '/v1/addresses/confirm/{token}',
    auth: 'public',
    entry: 'lambdas/addresses/confirm-address.ts',
    summary: 'C1: the link of the address-confirmation email (single use, 24 h); starts the cooling period',
    tag: 'addresses',
    response: addressConfirmedResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'RequestWithdrawal',
    method: 'POST',
    path: '/v1/me/withdrawals',
    auth: 'user',
    entry: 'lambdas/withdrawals/create-withdrawal.ts',
    summary:
      'C2: requests a withdrawal to a whitelisted address (Idempotency-Key header, password and TOTP step-up); checked, scored, then screened by the withdrawal workflow',
    tag: 'withdrawals',
    body: withdrawalRequest,
    response: withdrawalAccepted,
    status: 202,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'idempotency:use',
      'withdrawal:start',
      'shield:write',
    ),
  },
  {
    id: 'ListWithdrawals',
    method: 'GET',
    path: '/v1/me/withdrawals',
    auth: 'user',
    entry: 'lambdas/withdrawals/list-withdrawals.ts',
    summary: "C2: the caller's withdrawals, newest first: status, decision, transfer reference",
    tag: 'withdrawals',
    query: withdrawalsQuery,
    response: withdrawalsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'CreateAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests',
    auth: 'admin',
    admin: { permission: 'request' },
    entry: 'lambdas/admin/create-request.ts',
    summary:
      'D2: asks for an admin action (action, target, parameters, reason); the payload is hashed and the approval workflow waits for its approvals',
    tag: 'admin',
    body: createRequestBody,
    response: requestView,
    status: 201,
    // The request rows, personal parameters sealed through the vault, the workflow, the audit record.
    access: reads('accounts:write', 'vault:invoke', 'admin-approval:start'),
  },
  {
    id: 'ListAdminRequests',
    method: 'GET',
    path: '/v1/admin/requests',
    auth: 'admin',
    admin: { permission: 'read-requests' },
    entry: 'lambdas/admin/list-requests.ts',
    summary: 'D2: the pending requests the caller may approve now, soonest expiry first',
    tag: 'admin',
    query: listRequestsQuery,
    response: requestsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'ApproveAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests/{requestId}/approve',
    auth: 'admin',
    admin: { permission: 'approve' },
    entry: 'lambdas/admin/approve-request.ts',
    summary:
      'D2: approves a request, bound to the payload hash the approver saw (step-up: password and TOTP code)',
    tag: 'admin',
    body: approveBody,
    response: requestView,
    status: 200,
    access: reads('accounts:write', 'admin-identity:reauthenticate', 'admin-approval:answer', 'shield:write'),
  },
  {
    id: 'RejectAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests/{requestId}/reject',
    auth: 'admin',
    admin: { permission: 'reject' },
    entry: 'lambdas/admin/reject-request.ts',
    summary:
      'D2: rejects (or, by its requester, withdraws) a request with a reason (step-up: password and TOTP code)',
    tag: 'admin',
    body: rejectBody,
    response: requestView,
    status: 200,
    access: reads('accounts:write', 'admin-identity:reauthenticate', 'admin-approval:answer', 'shield:write'),
  },
  {
    id: 'AdminGetUser',
    method: 'GET',
    path: '/v1/admin/users/{userId}',
    auth: 'admin',
    admin: { permission: 'read-users' },
    entry: 'lambdas/admin/get-user.ts',
    summary:
      "D5: a user's account as admins see it: personal data masked unless an approved reveal is in force; every read audited",
    tag: 'admin',
    response: adminUserResponse,
    status: 200,
    access: reads('accounts:read', 'vault:invoke'),
  },
  {
    id: 'AdminListWithdrawalReviews',
    method: 'GET',
    path: '/v1/admin/withdrawals',
    auth: 'admin',
    admin: { permission: 'read-withdrawal-reviews' },
    entry: 'lambdas/admin/list-withdrawal-reviews.ts',
    summary:
      'D2: the withdrawals under investigation (status=review) with their risk score and signals, masked; every read audited',
    tag: 'admin',
    query: withdrawalReviewsQuery,
    response: withdrawalReviewsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
];

/** D1: the authorizer of `auth: 'admin'` routes: an admin-pool token, a tier, an active admin (D4). */
export const ADMIN_AUTHORIZER: FunctionSpec = {
  id: 'AdminAuthorizer',
  entry: 'lambdas/admin/admin-authorizer.ts',
  access: reads('accounts:read'),
};

export const USER_AUTHORIZER: FunctionSpec = {
  id: 'UserAuthorizer',
  entry: 'lambdas/auth/authorizer.ts',
  access: reads('accounts:read'),
};

export interface WorkflowSpec {
  name: WorkflowName;
  /** ASL file, relative to the repository root. */
  file: string;
  /** Definition substitution key (`${Key}` in the ASL) → the Lambda bound to it. */
  tasks: Record<string, FunctionSpec>;
}

export const WORKFLOWS: readonly WorkflowSpec[] = [
  {
    name: 'account-suspension',
    file: 'statemachines/account-suspension.asl.json',
    tasks: {
      RecordSuspensionFunctionArn: {
        id: 'RecordSuspension',
        entry: 'lambdas/account/record-suspension.ts',
        access: reads('accounts:write'),
      },
      RevokeAccessFunctionArn: {
        id: 'RevokeAccess',
        entry: 'lambdas/account/revoke-access.ts',
        access: reads('accounts:read', 'identity:revoke'),
      },
      CancelWithdrawalsFunctionArn: {
        id: 'CancelWithdrawals',
        entry: 'lambdas/withdrawals/cancel-withdrawals.ts',
        access: reads('accounts:write', 'withdrawal-review:cancel'),
      },
      NotifySuspensionFunctionArn: {
        id: 'NotifySuspension',
        entry: 'lambdas/account/notify-suspension.ts',
        access: reads('accounts:read', 'user-mail:send'),
      },
    },
  },
  {
    name: 'security-hold',
    file: 'statemachines/security-hold.asl.json',
    tasks: {
      NotifySecurityChangeFunctionArn: {
        id: 'NotifySecurityChange',
        entry: 'lambdas/security/notify-change.ts',
        // The suspension link and the notice rows (signed), the old contact through the vault, email and SMS.
        access: reads('accounts:write', 'vault:invoke', 'user-mail:send', 'sms:invoke'),
      },
      ClearHoldFunctionArn: {
        id: 'ClearSecurityHold',
        entry: 'lambdas/security/clear-hold.ts',
        access: reads('accounts:write'),
      },
      NotifyHoldEndedFunctionArn: {
        id: 'NotifySecurityHoldEnded',
        entry: 'lambdas/security/notify-hold-ended.ts',
        access: ['user-mail:send'],
      },
    },
  },
  {
    // C3: screening, approval or an admin decision (task token), dispatch to custody, or rejection.
    name: 'withdrawal',
    file: 'statemachines/withdrawal.asl.json',
    tasks: {
      ScreenWithdrawalFunctionArn: {
        id: 'ScreenWithdrawal',
        entry: 'lambdas/withdrawals/screen.ts',
        access: reads('accounts:read'),
      },
      AwaitDecisionFunctionArn: {
        id: 'AwaitWithdrawalDecision',
        entry: 'lambdas/withdrawals/await-decision.ts',
        access: reads('accounts:write'),
      },
      ApproveWithdrawalFunctionArn: {
        id: 'ApproveWithdrawal',
        entry: 'lambdas/withdrawals/approve.ts',
        access: reads('accounts:write'),
      },
      DispatchWithdrawalFunctionArn: {
        id: 'DispatchWithdrawal',
        entry: 'lambdas/withdrawals/dispatch.ts',
        access: reads('accounts:write', 'custody:dispatch'),
      },
      RejectWithdrawalFunctionArn: {
        id: 'RejectWithdrawal',
        entry: 'lambdas/withdrawals/reject.ts',
        access: reads('accounts:write'),
      },
      NotifyWithdrawalFunctionArn: {
        id: 'NotifyWithdrawal',
        entry: 'lambdas/withdrawals/notify-withdrawal.ts',
        access: reads('accounts:read', 'user-mail:send'),
      },
    },
  },
  {
    // D2: waits for each approval on a task token kept with the request, then executes once; rejection,
    // offboarding (void) or expiry end it. Last: its execution task starts the workflows above.
    name: 'admin-approval',
    file: 'statemachines/admin-approval.asl.json',
    tasks: {
      StoreApprovalTokenFunctionArn: {
        id: 'StoreApprovalToken',
        entry: 'lambdas/admin/store-approval-token.ts',
        access: reads('accounts:write', 'admin-approval:answer'),
      },
      // The execution, split by what the actions touch (ACTION_SPECS executor; the workflow routes by action),
      // so that each role holds only its own actions' rights.
      ExecuteAccountActionFunctionArn: {
        id: 'ExecuteAccountAction',
        entry: 'lambdas/admin/execute-account-action.ts',
        // The account and security rows, the suspension and security-hold workflows, the user pool (TOTP,
        // enable, contact), the vault (sealed parameters) and the blind index (a new email or phone).
        access: reads(
          'accounts:write',
          'vault:invoke',
          'blind-index:key',
          'suspension:start',
          'security-hold:start',
          'identity:mfa',
          'identity:enable',
          'identity:update-contact',
        ),
      },
      ExecuteStaffActionFunctionArn: {
        id: 'ExecuteStaffAction',
        entry: 'lambdas/admin/execute-staff-action.ts',
        // Limits and reveal grants (rows), the withdrawal decision (its task token), the admin pool
        // (offboarding) and the tokens of the requests an offboarding voids.
        access: reads(
          'accounts:write',
          'withdrawal-review:decide',
          'admin-identity:revoke',
          'admin-approval:answer',
        ),
      },
      ExpireAdminRequestFunctionArn: {
        id: 'ExpireAdminRequest',
        entry: 'lambdas/admin/expire-request.ts',
        access: reads('accounts:write'),
      },
    },
  },
];

/**
 * The personal-data vault (E2): the only function with the data key; others seal and open field groups
 * through it (`vault:invoke`), so a function that only needs masked data never holds plaintext.
 */
export const VAULT: FunctionSpec = {
  id: 'PersonalDataVault',
  entry: 'lambdas/privacy/vault.ts',
  access: ['data-key:seal-open'],
};

/**
 * B3: the only function with OpenPGP.js and the platform key (`pgp-key:sign`): signs (and encrypts) email
 * bodies for the user-mail function and validates users' keys for the pgp-key route. Its bundle has the
 * one documented size exception of bench/budgets.ts.
 */
export const PGP_SIGNER: FunctionSpec = {
  id: 'PgpMailSigner',
  entry: 'lambdas/notify/pgp-mail-signer.ts',
  access: ['pgp-key:sign'],
};

/**
 * Emails a user by id and template: looks the address up through the vault, renders the template with the
 * anti-phishing phrase, and sends, signed through PGP_SIGNER for a user with a key (`user-mail:send`).
 */
export const USER_MAIL: FunctionSpec = {
  id: 'SendUserMail',
  entry: 'lambdas/messaging/send-user-mail.ts',
  access: reads('accounts:read', 'vault:invoke', 'pgp-signer:invoke', 'mail:send'),
};

/**
 * A1: sends a templated SMS (the sign-up's phone code) through SNS: its own function, so that no route
 * carries the SNS client and only this role holds sns:Publish (`sms:publish`); callers hold `sms:invoke`.
 */
export const SMS_SENDER: FunctionSpec = {
  id: 'SendSms',
  entry: 'lambdas/messaging/send-sms.ts',
  access: ['sms:publish'],
};

/**
 * The duress check (A5), invoked by the login for every password: it alone reads duress hashes and starts
 * a duress suspension; the login learns only match or no match.
 */
export const DURESS_CHECK: FunctionSpec = {
  id: 'CheckDuress',
  entry: 'lambdas/auth/check-duress.ts',
  access: reads('accounts:read', 'suspension:start'),
};

/**
 * Functions other functions invoke directly, in the order they are built (each may invoke the ones before
 * it), and the access that allows the call; the variable naming the function to the caller is that
 * access's in ACCESS_ENV (lambdas/shared/runtime/access-env.ts).
 */
export const INVOKABLE: readonly { access: Access; spec: FunctionSpec }[] = [
  { access: 'vault:invoke', spec: VAULT },
  { access: 'pgp-signer:invoke', spec: PGP_SIGNER },
  { access: 'user-mail:send', spec: USER_MAIL },
  { access: 'duress:check', spec: DURESS_CHECK },
  { access: 'sms:invoke', spec: SMS_SENDER },
];

export const allFunctions = (): FunctionSpec[] => [
  ...ROUTES,
  USER_AUTHORIZER,
  ADMIN_AUTHORIZER,
  ...INVOKABLE.map((i) => i.spec),
  ...WORKFLOWS.flatMap((w) => Object.values(w.tasks)),
];
