// The admin plane's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances: the
// admin directory, admin login, approval requests and reveal grants (D1, D2, D4, D5).
import { botShield } from '../auth/wiring.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { ShieldStore } from '../kernel/shield/shield-store.js';
import { auditCheckpointWriter } from '../platform/wiring.js';
import { AdminDirectory } from './admin-directory.js';
import { AdminLoginFlow } from './admin-login.js';
import { ApprovalAnswers } from './approval-answers.js';
import { RefusalEvidence } from './refusal-evidence.js';
import { AdminRequestStore } from './request-store.js';
import { RevealGrants } from './reveal-grants.js';

export const adminRequests = (infra: Pick<Infra, 'rows'>) =>
  new AdminRequestStore(infra.rows().tables.accounts);
export const revealGrants = (infra: Pick<Infra, 'rows'>) => new RevealGrants(infra.rows().tables.accounts);
export const adminDirectory = (infra: Pick<Infra, 'rows'>) =>
  new AdminDirectory(infra.rows().tables.accounts);
/** D2: an admin request's task token kept and answered (the AnswerTask function only). */
export const approvalAnswers = (infra: Pick<Infra, 'rows' | 'stepFunctionsAnswers' | 'clock'>) =>
  new ApprovalAnswers({
    requests: adminRequests(infra),
    workflows: infra.stepFunctionsAnswers(),
    clock: infra.clock,
  });

type RefusalInfra = Pick<Infra, 'rows' | 'clock' | 'documents' | 'tableName'>;

/** D3: admin refusals appended to the audit chain, bounded per admin or source on the Shield table. */
export const refusalEvidence = (infra: RefusalInfra) =>
  new RefusalEvidence({
    audit: infra.rows().audit,
    counters: new ShieldStore(infra.documents(), infra.tableName('shield')),
    clock: infra.clock,
  });

type AdminLoginInfra = Pick<
  Infra,
  'rows' | 'clock' | 'documents' | 'tableName' | 'reauthAdminIdentity' | 'adminTokens'
>;

/** D1: password + TOTP against the admin pool, the login's bot shield with admin-scoped keys. */
export const adminLoginFlow = (infra: AdminLoginInfra) =>
  new AdminLoginFlow({
    adminIdentity: infra.reauthAdminIdentity(),
    adminTokens: infra.adminTokens(),
    admins: adminDirectory(infra),
    table: infra.rows().tables.accounts,
    audit: infra.rows().audit,
    shield: botShield(infra),
    refusals: refusalEvidence(infra),
    clock: infra.clock,
  });

/** A request's audit record and approval workflow, written with it (kernel/outbox.ts). */
export const awsAdminOutbox = /* @__PURE__ */ once(() =>
  outboxOf({ rows: aws.rows, clock: aws.clock }, { workflows: aws.workflows() }),
);
/** Audit records only (the staff actions' execution task). */
export const awsAdminAuditOutbox = /* @__PURE__ */ once(() => outboxOf({ rows: aws.rows, clock: aws.clock }));
export const awsAdminRequests = /* @__PURE__ */ once(() => adminRequests({ rows: aws.rows }));
export const awsRevealGrants = /* @__PURE__ */ once(() => revealGrants({ rows: aws.rows }));
export const awsAdminDirectory = /* @__PURE__ */ once(() => adminDirectory({ rows: aws.rows }));
export const awsApprovalAnswers = /* @__PURE__ */ once(() =>
  approvalAnswers({ rows: aws.rows, stepFunctionsAnswers: aws.stepFunctionsAnswers, clock: aws.clock }),
);
export const awsRefusalEvidence = /* @__PURE__ */ once(() =>
  refusalEvidence({ rows: aws.rows, clock: aws.clock, documents: aws.documents, tableName: aws.tableName }),
);
/**
 * D3: the audit chain's standing for GET /v1/admin/audit: the checkpoint writer's own checks, read only
 * (`status`). Referenced by that handler alone, so no other bundle holds the checkpoint store's S3 client.
 */
export const awsAuditChainStatus = /* @__PURE__ */ once(() =>
  auditCheckpointWriter({ rows: aws.rows, keys: aws.keys, checkpoints: aws.checkpoints, clock: aws.clock }),
);
export const awsAdminLoginFlow = /* @__PURE__ */ once(() =>
  adminLoginFlow({
    rows: aws.rows,
    clock: aws.clock,
    documents: aws.documents,
    tableName: aws.tableName,
    reauthAdminIdentity: aws.reauthAdminIdentity,
    adminTokens: aws.adminTokens,
  }),
);

// Published to other contexts.
export {
  awsAccountStore,
  awsAccountStoreWithIndex,
  awsBlindIndexer,
  awsSignupStore,
  suspensionRequests,
} from '../account/wiring.js';
export { awsAddressStore as awsAddressBook } from '../addresses/wiring.js';
/** D5: the user view's devices and logins (A7, A9) and KYC level (F1/X4, read only). */
export { awsLoginStore } from '../auth/wiring.js';
export { awsCaseStore, awsCaseWork, awsIncidentOpening, awsIncidentWork } from '../cases/wiring.js';
/** F1/X4: the KYC record `review-kyc-requirement` and `set-kyc-level` decide on (no vault: nothing sealed). */
export { awsKycStore } from '../kyc/wiring.js';
/** F2: the screening freezes `lift-screening-freeze` lifts. */
/** F2: the staged files of `load-screening-list` (slots at the request, reads at the load). */
export { awsAddressIndex, awsListStaging, awsScreeningStore } from '../screening/wiring.js';
export { awsSecurityChanges, awsSecurityOutbox, awsSecurityState } from '../security/wiring.js';
export {
  awsWithdrawalDecisions,
  awsWithdrawalLedger,
  awsWithdrawalLifecycle,
  awsWithdrawalLimits,
} from '../withdrawals/wiring.js';
