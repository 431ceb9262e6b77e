// The KYC context's functions (F1, X4): its API routes and its workflow task, with the access each needs.
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  beneficiaryDeclarationBody,
  beneficiaryDeclaredView,
  kycOverviewView,
  personBody,
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

/** The screening workflow's KYC step: the decision on the person data recorded, the level it earns (audited). */
export const RECORD_KYC_SCREENING: FunctionSpec = {
  id: 'RecordKycScreening',
  entry: 'lambdas/kyc/handlers/record-screening.ts',
  access: reads('accounts:write'),
};
