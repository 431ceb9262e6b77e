// The KYC context's functions (F1, X4): its API routes and its workflow task, with the access each needs.
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  beneficiaryDeclarationBody,
  beneficiaryDeclaredView,
  businessBody,
  decisionEvent,
  documentAcceptedView,
  kycOverviewView,
  personBody,
  uploadSlotBody,
  uploadSlotView,
  webhookReceivedView,
} from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetKyc',
    method: 'GET',
    path: '/v1/me/kyc',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/get-kyc.ts',
    summary:
      'X4: the KYC level, the withdrawal limits in force, and what the next level needs with the status of each requirement',
    tag: 'kyc',
    response: kycOverviewView,
    status: 200,
    // The KYC record (a signed row of the accounts table); no personal data is read.
    access: reads('accounts:read'),
  },
  {
    id: 'SubmitKycPerson',
    method: 'POST',
    path: '/v1/me/kyc/person',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/submit-person.ts',
    summary:
      'F1: the legal name, date of birth, nationality, residence and tax residence, sealed (E2); a residence in a restricted country is refused (F4); the person is screened (F2)',
    tag: 'kyc',
    body: personBody,
    response: kycOverviewView,
    status: 202,
    errors: ['JURISDICTION'],
    // The KYC record and the roster entry, both sealed by the vault; the screening workflow's start.
    access: reads('accounts:write', 'vault:invoke', 'screening:start'),
  },
  {
    id: 'DeclareBeneficiary',
    method: 'PUT',
    path: '/v1/me/addresses/{addressId}/beneficiary',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/declare-beneficiary.ts',
    summary:
      "F1: the Travel Rule's beneficiary of a withdrawal address (screened, F2); the IVMS101 payload built with the caller's KYC data and sealed (E2)",
    tag: 'kyc',
    body: beneficiaryDeclarationBody,
    response: beneficiaryDeclaredView,
    status: 200,
    errors: ['KYC_PERSON_REQUIRED', 'ADDRESS_BLOCKED'],
    // The address and KYC rows; the vault opens the person data and seals the payload; the matcher reads the
    // list versions in force; the decision, its case and the audit record.
    access: reads('accounts:write', 'vault:invoke', 'screening-lists:read'),
  },
  {
    id: 'RequestKycUpload',
    method: 'POST',
    path: '/v1/me/kyc/documents',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/request-upload.ts',
    summary:
      'F1: an upload slot for one document (government id, proof of address, selfie, source of funds): a presigned POST for one object key, that content type, at most the size limit, SSE-KMS with the data key, expiring in 15 minutes',
    tag: 'kyc',
    body: uploadSlotBody,
    response: uploadSlotView,
    status: 201,
    // The slot recorded in the KYC record; the presigned POST signed with this role (PutObject under kyc/).
    access: reads('accounts:write', 'kyc-documents:stage'),
  },
  {
    id: 'CompleteKycDocument',
    method: 'POST',
    path: '/v1/me/kyc/documents/{slotId}/complete',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/complete-document.ts',
    summary:
      'F1: the upload to a slot is done: the file is checked (type by magic bytes, size, PDF pages); refused, it is deleted and the answer says why; accepted, its requirement is submitted and, with the three identity documents in, the verification provider is asked',
    tag: 'kyc',
    response: documentAcceptedView,
    status: 200,
    errors: ['CONFLICT'],
    // The KYC record; CheckKycDocument (the reads of the bucket and pdf-lib are its alone); the provider's key.
    access: reads('accounts:write', 'kyc-check:invoke', 'kyc-provider:call'),
  },
  {
    id: 'KycProviderWebhook',
    method: 'POST',
    path: '/v1/kyc/provider/webhook',
    auth: 'public',
    entry: 'lambdas/kyc/handlers/provider-webhook.ts',
    summary:
      "F1: the verification provider's decision, signed (`Kyc-Signature: t=…,v1=…`, HMAC-SHA256 over `t.` and the raw body, 5 minutes' tolerance, each event id once); a forged, stale or replayed one is refused and changes nothing",
    tag: 'kyc',
    body: decisionEvent,
    response: webhookReceivedView,
    status: 200,
    errors: ['UNAUTHORIZED', 'CONFLICT'],
    // The KYC record; the webhook secrets and the seen event ids (Shield table, KYC-WEBHOOK# rows only).
    access: reads('accounts:write', 'kyc-webhook:verify'),
  },
  {
    id: 'SubmitKycBusiness',
    method: 'POST',
    path: '/v1/me/kyc/business',
    auth: 'user',
    entry: 'lambdas/kyc/handlers/submit-business.ts',
    summary:
      'F1: a business customer declares the company and its ownership graph; the effective ownership is computed (cycles and shares over 100 % refused), each beneficial owner (or the senior managing official) is sealed (E2) and screened (F2)',
    tag: 'kyc',
    body: businessBody,
    response: kycOverviewView,
    status: 202,
    // The KYC record (owners sealed by the vault), the owners' roster entries, their screenings' starts.
    access: reads('accounts:write', 'vault:invoke', 'screening:start'),
  },
];

/**
 * F1 (Travel Rule): the operator's price table write (one signed row per asset and currency), invoked by hand
 * or by a price feed; the withdrawal request reads it (kyc/price-table.ts).
 */
export const SET_TRAVEL_RULE_PRICES: FunctionSpec = {
  id: 'SetTravelRulePrices',
  entry: 'lambdas/kyc/handlers/set-prices.ts',
  access: reads('accounts:write'),
};

/**
 * F1: the server-side check of an upload, invoked by CompleteKycDocument: the only function with pdf-lib and
 * the reads of the document bucket (size, bytes, delete of a refused file). No table, no signing key.
 */
export const CHECK_KYC_DOCUMENT: FunctionSpec = {
  id: 'CheckKycDocument',
  entry: 'lambdas/kyc/handlers/check-document.ts',
  access: ['kyc-documents:check'],
  // Parsing a PDF of up to 10 MiB: more memory than a route's default, and a bounded time.
  sizing: { memoryMb: 1024, timeoutSeconds: 20 },
};

/** The screening workflow's KYC step: the decision on the person data recorded, the level it earns (audited). */
export const RECORD_KYC_SCREENING: FunctionSpec = {
  id: 'RecordKycScreening',
  entry: 'lambdas/kyc/handlers/record-screening.ts',
  access: reads('accounts:write'),
};

/**
 * F1: the refresh workflow's task (statemachines/kyc-refresh.asl.json): the customers whose refresh comes due are
 * asked for it (a mail), those past their deadline are marked overdue (audited, told); a page per run.
 */
export const SWEEP_KYC_REFRESH: FunctionSpec = {
  id: 'SweepKycRefresh',
  entry: 'lambdas/kyc/handlers/sweep-refresh.ts',
  // The KYC records and their refresh index (accounts table), the audit records and mails of the outbox.
  access: reads('accounts:write', 'user-mail:send'),
};
