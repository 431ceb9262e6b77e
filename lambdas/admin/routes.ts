// The admin context's functions: its API routes, its workflow tasks and the functions others invoke, with the access each needs.

import {
  caseNoteBody,
  caseStepBody,
  casesResponse,
  caseView,
  fileIncidentReportBody,
  goamlExportResponse,
  incidentEvidenceQuery,
  incidentEvidenceResponse,
  incidentView,
  listCasesQuery,
  openIncidentBody,
} from '../cases/contracts.js';
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  adminAuthenticatedResponse,
  adminChallengeRequest,
  adminLoginRequest,
  adminLoginResponse,
  adminMeResponse,
} from './admin-login-contracts.js';
import { REFUSAL_CODES } from './approval.js';
import {
  adminUserResponse,
  approveBody,
  auditQuery,
  auditResponse,
  createRequestBody,
  createRequestResponse,
  listRequestsQuery,
  rejectBody,
  requestsResponse,
  requestView,
  withdrawalReviewsQuery,
  withdrawalReviewsResponse,
} from './contracts.js';
import { findUserQuery, foundUserResponse } from './find-user-contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'AdminLogin',
    method: 'POST',
    path: '/v1/admin/auth/login',
    auth: 'public',
    entry: 'lambdas/admin/handlers/admin-auth-login.ts',
    summary: 'D1: starts an admin login with the admin pool password; answers the TOTP challenge',
    tag: 'admin',
    body: adminLoginRequest,
    response: adminLoginResponse,
    status: 200,
    errors: ['UNAUTHORIZED', 'TOTP_SETUP_REQUIRED', 'ADMIN_NOT_ALLOWED'],
    access: reads('accounts:write', 'admin-identity:authenticate', 'shield:write'),
  },
  {
    id: 'AdminLoginChallenge',
    method: 'POST',
    path: '/v1/admin/auth/challenge',
    auth: 'public',
    entry: 'lambdas/admin/handlers/admin-auth-challenge.ts',
    summary: 'D1: the TOTP code of an admin login; answers a short-lived admin access token',
    tag: 'admin',
    body: adminChallengeRequest,
    response: adminAuthenticatedResponse,
    status: 200,
    errors: ['UNAUTHORIZED', 'ADMIN_NOT_ALLOWED'],
    access: reads('accounts:write', 'admin-identity:authenticate', 'shield:write'),
  },
  {
    id: 'GetAdminMe',
    method: 'GET',
    path: '/v1/admin/me',
    auth: 'admin',
    admin: { permission: 'session' },
    entry: 'lambdas/admin/handlers/admin-me.ts',
    summary: 'D1: the calling admin as the admin authorizer verified them (id, session, tiers)',
    tag: 'admin',
    response: adminMeResponse,
    status: 200,
    // D3: a refusal is an audit record, bounded on the Shield table (every admin route alike).
    access: reads('shield:write'),
  },
  {
    id: 'CreateAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests',
    auth: 'admin',
    admin: { permission: 'request' },
    entry: 'lambdas/admin/handlers/create-request.ts',
    summary:
      'D2: asks for an admin action (action, target, parameters, reason); the payload is hashed and the approval workflow waits for its approvals',
    tag: 'admin',
    body: createRequestBody,
    response: createRequestResponse,
    status: 201,
    errors: [
      'WITHDRAWAL_NOT_FOUND',
      'ADMIN_NOT_FOUND',
      'WITHDRAWAL_NOT_IN_REVIEW',
      'FIELD_NOT_REVEALABLE',
      'CASE_NOT_FOUND',
      'CASE_STEP_NOT_ALLOWED',
    ],
    // The request rows, personal parameters sealed through the vault, the workflow, the audit record, and the
    // upload slots of a load-screening-list request's files (presigned POSTs to incoming/*, F2).
    access: reads(
      'accounts:write',
      'vault:invoke',
      'admin-approval:start',
      'shield:write',
      'screening-lists:stage',
    ),
  },
  {
    id: 'ListAdminRequests',
    method: 'GET',
    path: '/v1/admin/requests',
    auth: 'admin',
    admin: { permission: 'read-requests' },
    entry: 'lambdas/admin/handlers/list-requests.ts',
    summary: 'D2: the pending requests the caller may approve now, soonest expiry first',
    tag: 'admin',
    query: listRequestsQuery,
    response: requestsResponse,
    status: 200,
    access: reads('accounts:read', 'shield:write'),
  },
  {
    id: 'ApproveAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests/{requestId}/approve',
    auth: 'admin',
    admin: { permission: 'approve' },
    entry: 'lambdas/admin/handlers/approve-request.ts',
    summary:
      'D2: approves a request, bound to the payload hash the approver saw (step-up: password and TOTP code)',
    tag: 'admin',
    body: approveBody,
    response: requestView,
    status: 200,
    errors: ['REAUTH_FAILED', ...REFUSAL_CODES],
    access: reads('accounts:write', 'admin-identity:reauthenticate', 'task-answer:invoke', 'shield:write'),
  },
  {
    id: 'RejectAdminRequest',
    method: 'POST',
    path: '/v1/admin/requests/{requestId}/reject',
    auth: 'admin',
    admin: { permission: 'reject' },
    entry: 'lambdas/admin/handlers/reject-request.ts',
    summary:
      'D2: rejects (or, by its requester, withdraws) a request with a reason (step-up: password and TOTP code)',
    tag: 'admin',
    body: rejectBody,
    response: requestView,
    status: 200,
    errors: ['REAUTH_FAILED', ...REFUSAL_CODES],
    access: reads('accounts:write', 'admin-identity:reauthenticate', 'task-answer:invoke', 'shield:write'),
  },
  {
    id: 'AdminGetUser',
    method: 'GET',
    path: '/v1/admin/users/{userId}',
    auth: 'admin',
    admin: { permission: 'read-users' },
    entry: 'lambdas/admin/handlers/get-user.ts',
    summary:
      "D5: a user's account as admins see it: personal data masked unless an approved reveal is in force; every read audited",
    tag: 'admin',
    response: adminUserResponse,
    status: 200,
    access: reads('accounts:read', 'vault:invoke', 'shield:write'),
  },
  {
    id: 'AdminFindUser',
    method: 'GET',
    path: '/v1/admin/users',
    auth: 'admin',
    admin: { permission: 'read-users' },
    entry: 'lambdas/admin/handlers/find-user.ts',
    summary:
      'D5: which user a username names (through the user directory): id, username, status; the view is read by id; every lookup audited',
    tag: 'admin',
    query: findUserQuery,
    response: foundUserResponse,
    status: 200,
    // The directory's user by name (its subject is the account id), the account row, the lookup's record.
    access: reads('identity:read', 'accounts:read', 'shield:write'),
  },
  {
    id: 'AdminGetAudit',
    method: 'GET',
    path: '/v1/admin/audit',
    auth: 'admin',
    admin: { permission: 'read-audit' },
    entry: 'lambdas/admin/handlers/get-audit.ts',
    summary:
      "D3: the audit records about a user or made by an admin, newest first, and the chain's standing: the last anchored checkpoint, checked, and the records after it linked; audited",
    tag: 'admin',
    query: auditQuery,
    response: auditResponse,
    status: 200,
    // The chain and its indexes, the checkpoints (and the signing key's public half), the read's own record.
    access: reads('audit:read', 'audit-checkpoint:read', 'shield:write'),
  },
  {
    id: 'AdminListWithdrawalReviews',
    method: 'GET',
    path: '/v1/admin/withdrawals',
    auth: 'admin',
    admin: { permission: 'read-withdrawal-reviews' },
    entry: 'lambdas/admin/handlers/list-withdrawal-reviews.ts',
    summary:
      'D2: the withdrawals under investigation (status=review) with their risk score and signals, masked; every read audited',
    tag: 'admin',
    query: withdrawalReviewsQuery,
    response: withdrawalReviewsResponse,
    status: 200,
    access: reads('accounts:read', 'shield:write'),
  },
  {
    id: 'AdminListCases',
    method: 'GET',
    path: '/v1/admin/cases',
    auth: 'admin',
    admin: { permission: 'read-cases' },
    entry: 'lambdas/admin/handlers/list-cases.ts',
    summary:
      'F3: compliance cases (screening hits, withdrawal reviews, user reports), newest first, by status, kind or subject, a page after a cursor; audited',
    tag: 'cases',
    query: listCasesQuery,
    response: casesResponse,
    status: 200,
    errors: ['INVALID_CURSOR'],
    access: reads('accounts:read', 'shield:write'),
  },
  {
    id: 'AdminGetCase',
    method: 'GET',
    path: '/v1/admin/cases/{caseId}',
    auth: 'admin',
    admin: { permission: 'read-cases' },
    entry: 'lambdas/admin/handlers/get-case.ts',
    summary: 'F3: one case: subject, signals, evidence, notes, history and the steps that apply now; audited',
    tag: 'cases',
    response: caseView,
    status: 200,
    errors: ['CASE_NOT_FOUND'],
    access: reads('accounts:read', 'shield:write'),
  },
  {
    id: 'AdminAddCaseNote',
    method: 'POST',
    path: '/v1/admin/cases/{caseId}/notes',
    auth: 'admin',
    admin: { permission: 'work-cases' },
    entry: 'lambdas/admin/handlers/add-case-note.ts',
    summary:
      'F3: a note on a case, with references to evidence (audit records, withdrawals, logins); audited',
    tag: 'cases',
    body: caseNoteBody,
    response: caseView,
    status: 201,
    errors: ['CASE_NOT_FOUND'],
    access: reads('accounts:write', 'shield:write'),
  },
  {
    id: 'AdminStepCase',
    method: 'POST',
    path: '/v1/admin/cases/{caseId}/steps',
    auth: 'admin',
    admin: { permission: 'work-cases' },
    entry: 'lambdas/admin/handlers/step-case.ts',
    summary:
      'F3: starts investigating, escalates or reopens a case (closing it is an admin request: dismiss-case, report-case); audited',
    tag: 'cases',
    body: caseStepBody,
    response: caseView,
    status: 200,
    errors: ['CASE_NOT_FOUND', 'CASE_STEP_NOT_ALLOWED'],
    access: reads('accounts:write', 'shield:write'),
  },
  {
    id: 'AdminExportCaseGoaml',
    method: 'GET',
    path: '/v1/admin/cases/{caseId}/goaml',
    auth: 'admin',
    admin: { permission: 'work-cases' },
    entry: 'lambdas/admin/handlers/export-case-goaml.ts',
    summary:
      'F3: a reported case as a goAML suspicious-activity report (XML in a JSON answer), personal data from the vault; audited',
    tag: 'cases',
    response: goamlExportResponse,
    status: 200,
    errors: ['CASE_NOT_FOUND', 'CASE_NOT_REPORTED'],
    access: reads('accounts:read', 'vault:invoke', 'shield:write'),
  },
  {
    id: 'AdminOpenIncident',
    method: 'POST',
    path: '/v1/admin/incidents',
    auth: 'admin',
    admin: { permission: 'manage-incidents' },
    entry: 'lambdas/admin/handlers/open-incident.ts',
    summary:
      'F6: records a personal-data breach (what, when, which data, which users, severity) and starts its notification clocks (GDPR Art. 33/34, DORA where configured)',
    tag: 'incidents',
    body: openIncidentBody,
    response: incidentView,
    status: 201,
    // The incident row, its audit record and the workflow start (outbox).
    access: reads('accounts:write', 'breach:start', 'shield:write'),
  },
  {
    id: 'AdminGetIncident',
    method: 'GET',
    path: '/v1/admin/incidents/{incidentId}',
    auth: 'admin',
    admin: { permission: 'manage-incidents' },
    entry: 'lambdas/admin/handlers/get-incident.ts',
    summary: 'F6: an incident with its deadlines, reminders, alarms, filings and status',
    tag: 'incidents',
    response: incidentView,
    status: 200,
    errors: ['INCIDENT_NOT_FOUND'],
    access: reads('accounts:read', 'shield:write'),
  },
  {
    id: 'AdminFileIncidentReport',
    method: 'POST',
    path: '/v1/admin/incidents/{incidentId}/filings',
    auth: 'admin',
    admin: { permission: 'manage-incidents' },
    entry: 'lambdas/admin/handlers/file-incident-report.ts',
    summary: "F6: records a report as filed with its authority's reference; its clock stops; audited",
    tag: 'incidents',
    body: fileIncidentReportBody,
    response: incidentView,
    status: 200,
    errors: ['INCIDENT_NOT_FOUND', 'INCIDENT_REPORT_FILED'],
    access: reads('accounts:write', 'shield:write'),
  },
  {
    id: 'AdminExportIncidentEvidence',
    method: 'GET',
    path: '/v1/admin/incidents/{incidentId}/evidence',
    auth: 'admin',
    admin: { permission: 'manage-incidents' },
    entry: 'lambdas/admin/handlers/export-incident-evidence.ts',
    summary:
      "F6: the evidence bundle for one authority (facts, deadlines, filings, clock events, the incident's audit trail); audited",
    tag: 'incidents',
    query: incidentEvidenceQuery,
    response: incidentEvidenceResponse,
    status: 200,
    errors: ['INCIDENT_NOT_FOUND'],
    access: reads('accounts:read', 'audit:read', 'shield:write'),
  },
];

/** D1: the authorizer of `auth: 'admin'` routes: an admin-pool token, a tier, an active admin (D4). */
export const ADMIN_AUTHORIZER: FunctionSpec = {
  id: 'AdminAuthorizer',
  entry: 'lambdas/admin/handlers/admin-authorizer.ts',
  // The refusal of an offboarded admin's token is recorded (D3): the audit append, the bound's counter.
  access: reads('accounts:read', 'shield:write'),
};

/** Hands the waiting task's token to AnswerTask, which keeps it: no table, no SendTask* here. */
export const STORE_APPROVAL_TOKEN: FunctionSpec = {
  id: 'StoreApprovalToken',
  entry: 'lambdas/admin/handlers/store-approval-token.ts',
  access: ['task-answer:invoke'],
};

// The execution, split by what the actions touch (ACTION_SPECS executor; the workflow routes by action),
// so that each role holds only its own actions' rights.
export const EXECUTE_ACCOUNT_ACTION: FunctionSpec = {
  id: 'ExecuteAccountAction',
  entry: 'lambdas/admin/handlers/execute-account-action.ts',
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
};

export const EXECUTE_STAFF_ACTION: FunctionSpec = {
  id: 'ExecuteStaffAction',
  entry: 'lambdas/admin/handlers/execute-staff-action.ts',
  // Limits and reveal grants (rows), the admin pool (offboarding), and AnswerTask: the withdrawal decision
  // (the review's token) and the workflows of the requests an offboarding voids.
  access: reads('accounts:write', 'admin-identity:revoke', 'task-answer:invoke'),
};

/**
 * F2: loads a screening list version on an approved `load-screening-list` request (the approval workflow's
 * `lists` task; executors/lists.ts). The only holder of `screening-lists:write`: the staged files (read), the
 * list versions and the current pointer; the re-screen it starts; the request rows and the audit record.
 */
export const LOAD_SCREENING_LIST: FunctionSpec = {
  id: 'LoadScreeningList',
  entry: 'lambdas/admin/handlers/load-screening-list.ts',
  access: reads('accounts:write', 'screening-lists:write', 'screening:start'),
  // F2, measured (bench/list-load-sizing.ts, docs/screening.md): loading the real OFAC SDN (3.5 MB in four
  // files) costs 1.5 s of CPU and a 226 MB peak resident set (90 MB of it the process before the load); UN's
  // consolidated XML 0.9 s, 136 MB. Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB), so the
  // default 512 MB would take ~5 s of parse alone, and a FollowTheMoney dataset may be staged up to 64 MiB.
  // 2,048 MB (9x the SDN peak; a full vCPU) and 180 s (≥ 30x the SDN's CPU time, with S3 reads and writes of
  // every file and the re-screen's start) leave room for lists several times the SDN's size.
  sizing: { memoryMb: 2048, timeoutSeconds: 180 },
};

export const EXPIRE_ADMIN_REQUEST: FunctionSpec = {
  id: 'ExpireAdminRequest',
  entry: 'lambdas/admin/handlers/expire-request.ts',
  access: reads('accounts:write'),
};
