// Every catalogue function's handler module, imported statically so the local composition root is typed: each
// module's `makeHandler` must accept the local ports, so a port renamed in a handler fails `npm run typecheck`
// here instead of at the first request. test/unit/local-handlers.test.ts checks this list against the catalogue.

import * as GetMe from '../lambdas/account/handlers/get-me.js';
import * as ListSessions from '../lambdas/account/handlers/list-sessions.js';
import * as NotifySuspension from '../lambdas/account/handlers/notify-suspension.js';
import * as RecordSuspension from '../lambdas/account/handlers/record-suspension.js';
import * as RevokeAccess from '../lambdas/account/handlers/revoke-access.js';
import * as RevokeSession from '../lambdas/account/handlers/revoke-session.js';
import * as RevokeAllSessions from '../lambdas/account/handlers/revoke-sessions.js';
import * as StepUp from '../lambdas/account/handlers/step-up.js';
import * as SuspensionLinkPage from '../lambdas/account/handlers/suspension-link-page.js';
import * as UseSuspensionLink from '../lambdas/account/handlers/use-suspension-link.js';
import * as AddWithdrawalAddress from '../lambdas/addresses/handlers/add-address.js';
import * as AddressLinkPage from '../lambdas/addresses/handlers/address-link-page.js';
import * as ConfirmWithdrawalAddress from '../lambdas/addresses/handlers/confirm-address.js';
import * as ListWithdrawalAddresses from '../lambdas/addresses/handlers/list-addresses.js';
import * as IssueOwnershipChallenge from '../lambdas/addresses/handlers/ownership-challenge.js';
import * as ProveAddressOwnership from '../lambdas/addresses/handlers/prove-ownership.js';
import * as RemoveWithdrawalAddress from '../lambdas/addresses/handlers/remove-address.js';
import * as AdminAddCaseNote from '../lambdas/admin/handlers/add-case-note.js';
import * as AdminLoginChallenge from '../lambdas/admin/handlers/admin-auth-challenge.js';
import * as AdminLogin from '../lambdas/admin/handlers/admin-auth-login.js';
import * as AdminAuthorizer from '../lambdas/admin/handlers/admin-authorizer.js';
import * as GetAdminMe from '../lambdas/admin/handlers/admin-me.js';
import * as ApproveAdminRequest from '../lambdas/admin/handlers/approve-request.js';
import * as CreateAdminRequest from '../lambdas/admin/handlers/create-request.js';
import * as ExecuteAccountAction from '../lambdas/admin/handlers/execute-account-action.js';
import * as ExecuteStaffAction from '../lambdas/admin/handlers/execute-staff-action.js';
import * as ExpireAdminRequest from '../lambdas/admin/handlers/expire-request.js';
import * as AdminExportCaseGoaml from '../lambdas/admin/handlers/export-case-goaml.js';
import * as AdminExportIncidentEvidence from '../lambdas/admin/handlers/export-incident-evidence.js';
import * as AdminFileIncidentReport from '../lambdas/admin/handlers/file-incident-report.js';
import * as AdminFindUser from '../lambdas/admin/handlers/find-user.js';
import * as AdminGetAudit from '../lambdas/admin/handlers/get-audit.js';
import * as AdminGetCase from '../lambdas/admin/handlers/get-case.js';
import * as AdminGetIncident from '../lambdas/admin/handlers/get-incident.js';
import * as AdminGetUser from '../lambdas/admin/handlers/get-user.js';
import * as AdminListCases from '../lambdas/admin/handlers/list-cases.js';
import * as ListAdminRequests from '../lambdas/admin/handlers/list-requests.js';
import * as AdminListWithdrawalReviews from '../lambdas/admin/handlers/list-withdrawal-reviews.js';
import * as LoadScreeningList from '../lambdas/admin/handlers/load-screening-list.js';
import * as AdminOpenIncident from '../lambdas/admin/handlers/open-incident.js';
import * as RejectAdminRequest from '../lambdas/admin/handlers/reject-request.js';
import * as AdminStepCase from '../lambdas/admin/handlers/step-case.js';
import * as StoreApprovalToken from '../lambdas/admin/handlers/store-approval-token.js';
import * as UserAuthorizer from '../lambdas/auth/handlers/authorizer.js';
import * as AnswerChallenge from '../lambdas/auth/handlers/challenge.js';
import * as ChangePassword from '../lambdas/auth/handlers/change-password.js';
import * as CheckDuress from '../lambdas/auth/handlers/check-duress.js';
import * as ConfirmDevice from '../lambdas/auth/handlers/confirm-device.js';
import * as ConfirmTotp from '../lambdas/auth/handlers/confirm-totp.js';
import * as DeviceLinkPage from '../lambdas/auth/handlers/device-link-page.js';
import * as DisableTotp from '../lambdas/auth/handlers/disable-totp.js';
import * as EnrollTotp from '../lambdas/auth/handlers/enroll-totp.js';
import * as ListDevices from '../lambdas/auth/handlers/list-devices.js';
import * as ListLogins from '../lambdas/auth/handlers/list-logins.js';
import * as Login from '../lambdas/auth/handlers/login.js';
import * as Logout from '../lambdas/auth/handlers/logout.js';
import * as RefreshTokens from '../lambdas/auth/handlers/refresh.js';
import * as RemoveDevice from '../lambdas/auth/handlers/remove-device.js';
import * as SetDuressPassword from '../lambdas/auth/handlers/set-duress-password.js';
import * as SignUp from '../lambdas/auth/handlers/signup.js';
import * as VerifySignUp from '../lambdas/auth/handlers/verify-signup.js';
import * as BreachClock from '../lambdas/cases/handlers/breach-clock.js';
import * as BreachNotifySubjects from '../lambdas/cases/handlers/breach-notify-subjects.js';
import * as FileUserReport from '../lambdas/cases/handlers/file-report.js';
import * as ListUserReports from '../lambdas/cases/handlers/list-reports.js';
import * as CheckKycDocument from '../lambdas/kyc/handlers/check-document.js';
import * as CompleteKycDocument from '../lambdas/kyc/handlers/complete-document.js';
import * as DeclareBeneficiary from '../lambdas/kyc/handlers/declare-beneficiary.js';
import * as GetKyc from '../lambdas/kyc/handlers/get-kyc.js';
import * as KycProviderWebhook from '../lambdas/kyc/handlers/provider-webhook.js';
import * as RecordKycScreening from '../lambdas/kyc/handlers/record-screening.js';
import * as RequestKycUpload from '../lambdas/kyc/handlers/request-upload.js';
import * as SetTravelRulePrices from '../lambdas/kyc/handlers/set-prices.js';
import * as SubmitKycBusiness from '../lambdas/kyc/handlers/submit-business.js';
import * as SubmitKycPerson from '../lambdas/kyc/handlers/submit-person.js';
import * as SweepKycRefresh from '../lambdas/kyc/handlers/sweep-refresh.js';
import * as RemovePgpKey from '../lambdas/notify/handlers/delete-pgp-key.js';
import * as GetPgpKey from '../lambdas/notify/handlers/get-pgp-key.js';
import * as PgpMailSigner from '../lambdas/notify/handlers/pgp-mail-signer.js';
import * as SetAntiPhishingPhrase from '../lambdas/notify/handlers/put-anti-phishing-phrase.js';
import * as SetPgpKey from '../lambdas/notify/handlers/put-pgp-key.js';
import * as SendSms from '../lambdas/notify/handlers/send-sms.js';
import * as SendUserMail from '../lambdas/notify/handlers/send-user-mail.js';
import * as AuditCheckpoint from '../lambdas/platform/handlers/audit-checkpoint.js';
import * as GetHealth from '../lambdas/platform/handlers/get-health.js';
import * as OutboxSweeper from '../lambdas/platform/handlers/outbox-sweeper.js';
import * as CloseAccount from '../lambdas/privacy/handlers/close-account.js';
import * as RetentionSweep from '../lambdas/privacy/handlers/retention-sweep.js';
import * as PersonalDataVault from '../lambdas/privacy/handlers/vault.js';
import * as BackfillRoster from '../lambdas/screening/handlers/backfill-roster.js';
import * as ListRosterPartitions from '../lambdas/screening/handlers/list-roster-partitions.js';
import * as RescreenPage from '../lambdas/screening/handlers/rescreen-page.js';
import * as ScreenCustomer from '../lambdas/screening/handlers/screen-customer.js';
import * as RequestEmailChange from '../lambdas/security/handlers/change-email.js';
import * as RequestPhoneChange from '../lambdas/security/handlers/change-phone.js';
import * as ClearSecurityHold from '../lambdas/security/handlers/clear-hold.js';
import * as ConfirmEmailChange from '../lambdas/security/handlers/confirm-email.js';
import * as ConfirmPhoneChange from '../lambdas/security/handlers/confirm-phone.js';
import * as GetMySecurity from '../lambdas/security/handlers/get-security.js';
import * as NotifySecurityChange from '../lambdas/security/handlers/notify-change.js';
import * as NotifySecurityHoldEnded from '../lambdas/security/handlers/notify-hold-ended.js';
import * as AnswerTask from '../lambdas/task-tokens/handlers/answer-task.js';
import * as ApproveWithdrawal from '../lambdas/withdrawals/handlers/approve.js';
import * as AwaitWithdrawalDecision from '../lambdas/withdrawals/handlers/await-decision.js';
import * as CancelWithdrawals from '../lambdas/withdrawals/handlers/cancel-withdrawals.js';
import * as RequestWithdrawal from '../lambdas/withdrawals/handlers/create-withdrawal.js';
import * as DispatchWithdrawal from '../lambdas/withdrawals/handlers/dispatch.js';
import * as ListWithdrawals from '../lambdas/withdrawals/handlers/list-withdrawals.js';
import * as NotifyWithdrawal from '../lambdas/withdrawals/handlers/notify-withdrawal.js';
import * as RejectWithdrawal from '../lambdas/withdrawals/handlers/reject.js';
import * as ScreenWithdrawal from '../lambdas/withdrawals/handlers/screen.js';
import type { LocalPorts } from './ports.js';

/** A handler module as the local runtime uses it: `makeHandler` over (a subset of) the local ports. */
export interface LocalHandlerModule {
  makeHandler: (ports: LocalPorts) => (event: never, context: never) => Promise<unknown>;
}

export const LOCAL_HANDLERS = {
  GetHealth,
  GetMe,
  StepUp,
  SuspensionLinkPage,
  UseSuspensionLink,
  ListSessions,
  RevokeSession,
  RevokeAllSessions,
  Login,
  RefreshTokens,
  SignUp,
  VerifySignUp,
  AnswerChallenge,
  DeviceLinkPage,
  ConfirmDevice,
  EnrollTotp,
  ConfirmTotp,
  DisableTotp,
  SetDuressPassword,
  ChangePassword,
  Logout,
  ListLogins,
  ListDevices,
  RemoveDevice,
  AdminLogin,
  AdminLoginChallenge,
  GetAdminMe,
  CreateAdminRequest,
  ListAdminRequests,
  ApproveAdminRequest,
  RejectAdminRequest,
  AdminGetUser,
  AdminFindUser,
  AdminGetAudit,
  AdminListWithdrawalReviews,
  AdminListCases,
  AdminGetCase,
  AdminAddCaseNote,
  AdminStepCase,
  AdminExportCaseGoaml,
  AdminOpenIncident,
  AdminGetIncident,
  AdminFileIncidentReport,
  AdminExportIncidentEvidence,
  GetMySecurity,
  RequestEmailChange,
  ConfirmEmailChange,
  RequestPhoneChange,
  ConfirmPhoneChange,
  SetAntiPhishingPhrase,
  SetPgpKey,
  RemovePgpKey,
  GetPgpKey,
  AddWithdrawalAddress,
  ListWithdrawalAddresses,
  RemoveWithdrawalAddress,
  IssueOwnershipChallenge,
  ProveAddressOwnership,
  AddressLinkPage,
  ConfirmWithdrawalAddress,
  RequestWithdrawal,
  ListWithdrawals,
  FileUserReport,
  ListUserReports,
  GetKyc,
  SubmitKycPerson,
  DeclareBeneficiary,
  RequestKycUpload,
  CompleteKycDocument,
  KycProviderWebhook,
  SubmitKycBusiness,
  UserAuthorizer,
  AdminAuthorizer,
  PersonalDataVault,
  PgpMailSigner,
  SendUserMail,
  CheckDuress,
  SendSms,
  AnswerTask,
  CheckKycDocument,
  RecordSuspension,
  RevokeAccess,
  CancelWithdrawals,
  NotifySuspension,
  NotifySecurityChange,
  ClearSecurityHold,
  NotifySecurityHoldEnded,
  BreachNotifySubjects,
  BreachClock,
  ScreenCustomer,
  ListRosterPartitions,
  RescreenPage,
  RecordKycScreening,
  SweepKycRefresh,
  BackfillRoster,
  SetTravelRulePrices,
  ScreenWithdrawal,
  AwaitWithdrawalDecision,
  ApproveWithdrawal,
  DispatchWithdrawal,
  RejectWithdrawal,
  NotifyWithdrawal,
  StoreApprovalToken,
  ExecuteAccountAction,
  ExecuteStaffAction,
  LoadScreeningList,
  ExpireAdminRequest,
  AuditCheckpoint,
  OutboxSweeper,
  CloseAccount,
  RetentionSweep,
} satisfies Record<string, LocalHandlerModule>;
