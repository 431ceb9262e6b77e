// The KYC context's functions (F1, X4): its API routes and its workflow task, with the access each needs.
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import { businessBody, kycOverviewView, personBody } from './contracts.js';

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
