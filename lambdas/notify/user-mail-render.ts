// The user-mail function's templates: a UserMessage (template name + parameters, as JSON) to the rendered
// email of lambdas/notify/templates.ts, with the account's username. The phrase and the footer are added by
// the Notifier's frame; the recipient's address is never given to a template.

import type { AddressMessage, SignInContextInput, UserMessage } from '../kernel/ports/user-mail-contracts.js';
import {
  accountSuspended,
  addressConfirmation,
  breachNotice,
  kycRefresh,
  loginBlocked,
  loginNotice,
  newDeviceConfirmation,
  passwordEntered,
  type RenderedEmail,
  refreshTokenReuse,
  type SignInContext,
  securityChangeNotice,
  signupAttemptNotice,
  suspensionConfirmed,
  verificationCode,
  withdrawalsAvailable,
  withdrawalUpdate,
} from './templates.js';

const contextOf = (c: SignInContextInput): SignInContext => ({
  at: new Date(c.at),
  ip: c.ip,
  ...(c.country !== undefined ? { country: c.country } : {}),
  ...(c.browser !== undefined ? { browser: c.browser } : {}),
  ...(c.device !== undefined ? { device: c.device } : {}),
});

export function renderUserMessage(message: UserMessage, username: string): RenderedEmail {
  switch (message.template) {
    case 'login-notice':
      return loginNotice({
        username,
        context: contextOf(message.context),
        reportUrl: message.reportUrl,
        reportExpiresAt: new Date(message.reportExpiresAt),
      });
    case 'new-ip-code':
      return verificationCode({
        username,
        code: message.code,
        purpose: 'new-ip',
        expiresAt: new Date(message.expiresAt),
        ...(message.context ? { context: contextOf(message.context) } : {}),
      });
    case 'new-device-link':
      return newDeviceConfirmation({
        username,
        context: contextOf(message.context),
        confirmUrl: message.confirmUrl,
        expiresAt: new Date(message.expiresAt),
        ...(message.reportUrl ? { reportUrl: message.reportUrl } : {}),
      });
    case 'suspension-confirmed':
      return suspensionConfirmed({
        username,
        at: new Date(message.at),
        ...(message.withdrawalsCancelled !== undefined
          ? { withdrawalsCancelled: message.withdrawalsCancelled }
          : {}),
      });
    case 'password-entered':
      return passwordEntered({ username, context: contextOf(message.context) });
    case 'login-blocked':
      return loginBlocked({ username, context: contextOf(message.context) });
    case 'refresh-token-reuse':
      return refreshTokenReuse({
        username,
        context: contextOf(message.context),
        reportUrl: message.reportUrl,
        reportExpiresAt: new Date(message.reportExpiresAt),
      });
    case 'account-suspended':
      return accountSuspended({ username, reason: message.reason, at: new Date(message.at) });
    case 'security-change':
      return securityChangeNotice({
        username,
        change: message.change,
        context: contextOf(message.context),
        reportUrl: message.reportUrl,
        reportExpiresAt: new Date(message.reportExpiresAt),
        ...(message.withdrawalsHeldUntil
          ? { withdrawalsHeldUntil: new Date(message.withdrawalsHeldUntil) }
          : {}),
      });
    case 'withdrawals-available':
      return withdrawalsAvailable({ username, at: new Date(message.at) });
    case 'kyc-refresh':
      return kycRefresh({ username, dueAt: new Date(message.dueAt), overdue: message.overdue });
    case 'withdrawal-update':
      return withdrawalUpdate({
        username,
        asset: message.asset,
        amount: message.amount,
        addressMasked: message.addressMasked,
        status: message.status,
        at: new Date(message.at),
      });
    case 'breach-notice':
      return breachNotice({
        username,
        incidentId: message.incidentId,
        detectedAt: new Date(message.detectedAt),
        dataCategories: message.dataCategories,
      });
    case 'address-confirm':
      return addressConfirmation({
        username,
        asset: message.asset,
        addressMasked: message.addressMasked,
        context: contextOf(message.context),
        confirmUrl: message.confirmUrl,
        expiresAt: new Date(message.expiresAt),
        coolingHours: message.coolingHours,
        ...(message.reportUrl ? { reportUrl: message.reportUrl } : {}),
        ...(message.reportExpiresAt ? { reportExpiresAt: new Date(message.reportExpiresAt) } : {}),
      });
  }
}

/** A1: the sign-up code, to an address that has no account yet. */
export function renderAddressMessage(message: AddressMessage, username: string): RenderedEmail {
  switch (message.template) {
    case 'signup-code':
      return verificationCode({
        username,
        code: message.code,
        purpose: 'email-verification',
        expiresAt: new Date(message.expiresAt),
      });
    case 'signup-attempt':
      return signupAttemptNotice({ at: new Date(message.at) });
    case 'email-change-code':
      return verificationCode({
        username,
        code: message.code,
        purpose: 'email-change',
        expiresAt: new Date(message.expiresAt),
      });
  }
}
