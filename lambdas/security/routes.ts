// The security context's functions: its API routes, its workflow tasks, with the access each needs.

import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  changeEmailBody,
  changePhoneBody,
  confirmContactBody,
  contactChangedResponse,
  contactChangeStartedResponse,
} from './contact-change-contracts.js';
import { securityResponse } from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetMySecurity',
    method: 'GET',
    path: '/v1/me/security',
    auth: 'user',
    entry: 'lambdas/security/handlers/get-security.ts',
    summary: "B2: the caller's withdrawal hold (active, its end) and last security change",
    tag: 'security',
    response: securityResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'RequestEmailChange',
    method: 'PUT',
    path: '/v1/me/email',
    auth: 'user',
    entry: 'lambdas/security/handlers/change-email.ts',
    summary: 'B1: starts an email change (re-authentication): a 6-digit code goes to the new address',
    tag: 'security',
    body: changeEmailBody,
    response: contactChangeStartedResponse,
    status: 200,
    errors: ['EMAIL_TAKEN', 'REAUTH_FAILED', 'CONTACT_UNCHANGED', 'TOTP_REQUIRED', 'CHANGE_ANSWERED'],
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
    entry: 'lambdas/security/handlers/confirm-email.ts',
    summary:
      'B1: the code from the new address makes the change; a security change noticed to the old address and the phone',
    tag: 'security',
    body: confirmContactBody,
    response: contactChangedResponse,
    status: 200,
    errors: ['CODE_INVALID', 'CHANGE_OVER', 'CHANGE_EXPIRED', 'CHANGE_ANSWERED', 'EMAIL_TAKEN'],
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
    entry: 'lambdas/security/handlers/change-phone.ts',
    summary: 'B1: starts a phone change (re-authentication): a 6-digit code goes to the new number by SMS',
    tag: 'security',
    body: changePhoneBody,
    response: contactChangeStartedResponse,
    status: 200,
    errors: [
      'PHONE_TAKEN',
      'REAUTH_FAILED',
      'CONTACT_UNCHANGED',
      'TOTP_REQUIRED',
      'CHANGE_ANSWERED',
      'SMS_COUNTRY_NOT_ALLOWED',
    ],
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
    entry: 'lambdas/security/handlers/confirm-phone.ts',
    summary:
      'B1: the code from the new number makes the change; a security change noticed to the old phone and the address',
    tag: 'security',
    body: confirmContactBody,
    response: contactChangedResponse,
    status: 200,
    errors: ['CODE_INVALID', 'CHANGE_OVER', 'CHANGE_EXPIRED', 'CHANGE_ANSWERED', 'PHONE_TAKEN'],
    access: reads(
      'accounts:write',
      'blind-index:key',
      'vault:invoke',
      'identity:update-contact',
      'security-hold:start',
    ),
  },
];

export const NOTIFY_SECURITY_CHANGE: FunctionSpec = {
  id: 'NotifySecurityChange',
  entry: 'lambdas/security/handlers/notify-change.ts',
  // The suspension link and the notice rows (signed), the old contact through the vault, email and SMS.
  access: reads('accounts:write', 'vault:invoke', 'user-mail:send', 'sms:invoke'),
};

export const CLEAR_SECURITY_HOLD: FunctionSpec = {
  id: 'ClearSecurityHold',
  entry: 'lambdas/security/handlers/clear-hold.ts',
  access: reads('accounts:write'),
};

export const NOTIFY_SECURITY_HOLD_ENDED: FunctionSpec = {
  id: 'NotifySecurityHoldEnded',
  entry: 'lambdas/security/handlers/notify-hold-ended.ts',
  access: ['user-mail:send'],
};
