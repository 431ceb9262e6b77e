// The catalogue of Palisade's functions: routes, authorizers and workflow tasks. CDK builds the API, the
// Lambdas and their grants from it; the local runtime serves the same routes; the OpenAPI document is made
// from it. One list, so a route cannot exist in one runtime and not the other.
import type * as z from 'zod/mini';
import * as accountRoutes from './account/routes.js';
import * as addressesRoutes from './addresses/routes.js';
import type { AdminRouteNeeds } from './admin/admin-route.js';
import * as adminRoutes from './admin/routes.js';
import * as authRoutes from './auth/routes.js';
import * as casesRoutes from './cases/routes.js';
import type { ErrorCode } from './kernel/error-codes.js';
import type { WorkflowName } from './kernel/ports/workflows.js';
import type { Access, FunctionSpec } from './kernel/specs.js';
import * as kycRoutes from './kyc/routes.js';
import * as notifyRoutes from './notify/routes.js';
import * as platformRoutes from './platform/routes.js';
import * as privacyRoutes from './privacy/routes.js';
import * as screeningRoutes from './screening/routes.js';
import * as securityRoutes from './security/routes.js';
import * as taskTokensRoutes from './task-tokens/routes.js';
import * as withdrawalsRoutes from './withdrawals/routes.js';

export {
  type Access,
  type FunctionSpec,
  INTEGRITY_ALARM,
  SIGNED_READS,
} from './kernel/specs.js';

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
  /**
   * The largest request body (bytes) this route accepts when that is above the firewall's default of
   * 8 KiB (the AWS managed rule set's SizeRestrictions_BODY). lib/firewall.ts lets exactly the routes that
   * set it through, up to this size; every other route keeps the 8 KiB limit. At most MAX_BODY_BYTES of
   * lambdas/kernel/http.ts, which every handler enforces as well.
   */
  maxBodyBytes?: number;
  /**
   * An emailed link's route (A4, A7, C1; lambdas/kernel/link-page.ts). `page`: the GET the link opens, an HTML
   * page that reads and changes nothing. `action`: the POST of the page's button, which makes the change once;
   * it takes the token as JSON (apps, JSON answer) or as application/x-www-form-urlencoded (the page, HTML
   * answer). Only `action` routes take a form body: every other handler answers 415, and lib/firewall.ts
   * blocks a form body on any other route.
   */
  link?: 'page' | 'action';
  /**
   * The error codes of this route's own rules (lambdas/kernel/error-codes.ts), beyond those every route of its
   * kind answers (lambdas/openapi.ts `routeCodes`: validation, authentication, size, media type, rate limit,
   * internal error, a link's expiry): the OpenAPI document lists them per status, and the e2e suite checks
   * that every answer it gets is listed (test/support/contract.ts).
   */
  errors?: readonly ErrorCode[];
  /** Request headers the route reads (`Idempotency-Key`), as the OpenAPI document declares them. */
  headers?: Readonly<Record<string, { required: boolean; schema: z.ZodMiniType; description: string }>>;
}

/**
 * public: no token. user: the user authorizer. admin: the admin authorizer (`/v1/admin/...` only, D1), and the
 * capability of the permission matrix the route needs, checked by the one admin middleware
 * (`adminHttpHandler`, lambdas/admin/admin-route.ts) before the route's logic runs.
 */
export type RouteSpec = RouteBase &
  ({ auth: 'public' | 'user'; admin?: undefined } | { auth: 'admin'; admin: AdminRouteNeeds });

export const ROUTES: readonly RouteSpec[] = [
  ...platformRoutes.ROUTES,
  ...accountRoutes.ROUTES,
  ...authRoutes.ROUTES,
  ...adminRoutes.ROUTES,
  ...securityRoutes.ROUTES,
  ...notifyRoutes.ROUTES,
  ...addressesRoutes.ROUTES,
  ...withdrawalsRoutes.ROUTES,
  ...casesRoutes.ROUTES,
  ...kycRoutes.ROUTES,
  ...privacyRoutes.ROUTES,
];

export const ADMIN_AUTHORIZER: FunctionSpec = adminRoutes.ADMIN_AUTHORIZER;

export const USER_AUTHORIZER: FunctionSpec = authRoutes.USER_AUTHORIZER;

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
      RecordSuspensionFunctionArn: accountRoutes.RECORD_SUSPENSION,
      RevokeAccessFunctionArn: accountRoutes.REVOKE_ACCESS,
      CancelWithdrawalsFunctionArn: withdrawalsRoutes.CANCEL_WITHDRAWALS,
      NotifySuspensionFunctionArn: accountRoutes.NOTIFY_SUSPENSION,
    },
  },
  {
    name: 'security-hold',
    file: 'statemachines/security-hold.asl.json',
    tasks: {
      NotifySecurityChangeFunctionArn: securityRoutes.NOTIFY_SECURITY_CHANGE,
      ClearHoldFunctionArn: securityRoutes.CLEAR_SECURITY_HOLD,
      NotifyHoldEndedFunctionArn: securityRoutes.NOTIFY_SECURITY_HOLD_ENDED,
    },
  },
  {
    // C3: screening, approval or an admin decision (task token), dispatch to custody, or rejection.
    name: 'withdrawal',
    file: 'statemachines/withdrawal.asl.json',
    tasks: {
      ScreenWithdrawalFunctionArn: withdrawalsRoutes.SCREEN_WITHDRAWAL,
      AwaitDecisionFunctionArn: withdrawalsRoutes.AWAIT_WITHDRAWAL_DECISION,
      ApproveWithdrawalFunctionArn: withdrawalsRoutes.APPROVE_WITHDRAWAL,
      DispatchWithdrawalFunctionArn: withdrawalsRoutes.DISPATCH_WITHDRAWAL,
      RejectWithdrawalFunctionArn: withdrawalsRoutes.REJECT_WITHDRAWAL,
      NotifyWithdrawalFunctionArn: withdrawalsRoutes.NOTIFY_WITHDRAWAL,
    },
  },
  {
    // F6: Art. 34 mail to the affected users of a high-risk breach, then the notification clocks until every
    // report is filed. Started by the admin route that opens an incident.
    name: 'breach-notification',
    file: 'statemachines/breach-notification.asl.json',
    tasks: {
      BreachNotifySubjectsFunctionArn: casesRoutes.BREACH_NOTIFY_SUBJECTS,
      BreachClockFunctionArn: casesRoutes.BREACH_CLOCK,
    },
  },
  {
    // F2: one customer's screening (sign-up verification), or the re-screen of the whole roster when a list
    // version changes (a Distributed Map over the roster's partitions in AWS; inline locally).
    name: 'screening',
    file: 'statemachines/screening.asl.json',
    tasks: {
      ScreenCustomerFunctionArn: screeningRoutes.SCREEN_CUSTOMER,
      ListRosterPartitionsFunctionArn: screeningRoutes.LIST_ROSTER_PARTITIONS,
      RescreenPageFunctionArn: screeningRoutes.RESCREEN_PAGE,
      // F1: the decision on KYC's person data, recorded in the KYC record.
      RecordKycScreeningFunctionArn: kycRoutes.RECORD_KYC_SCREENING,
    },
  },
  {
    // F1: the periodic KYC refresh: asks the customers whose refresh comes due, marks the overdue ones. Started
    // on a schedule (WORKFLOW_SCHEDULES: EventBridge Scheduler in AWS, a timer locally).
    name: 'kyc-refresh',
    file: 'statemachines/kyc-refresh.asl.json',
    tasks: { SweepKycRefreshFunctionArn: kycRoutes.SWEEP_KYC_REFRESH },
  },
  {
    // D2: waits for each approval on a task token kept with the request, then executes once; rejection,
    // offboarding (void) or expiry end it. Last: its execution task starts the workflows above.
    name: 'admin-approval',
    file: 'statemachines/admin-approval.asl.json',
    tasks: {
      StoreApprovalTokenFunctionArn: adminRoutes.STORE_APPROVAL_TOKEN,
      // The execution, split by what the actions touch (ACTION_SPECS executor; the workflow routes by action),
      // so that each role holds only its own actions' rights.
      ExecuteAccountActionFunctionArn: adminRoutes.EXECUTE_ACCOUNT_ACTION,
      ExecuteStaffActionFunctionArn: adminRoutes.EXECUTE_STAFF_ACTION,
      LoadScreeningListFunctionArn: adminRoutes.LOAD_SCREENING_LIST,
      ExpireAdminRequestFunctionArn: adminRoutes.EXPIRE_ADMIN_REQUEST,
    },
  },
];

export const VAULT: FunctionSpec = privacyRoutes.VAULT;

export const PGP_SIGNER: FunctionSpec = notifyRoutes.PGP_SIGNER;

export const USER_MAIL: FunctionSpec = notifyRoutes.USER_MAIL;

export const SMS_SENDER: FunctionSpec = notifyRoutes.SMS_SENDER;

export const DURESS_CHECK: FunctionSpec = authRoutes.DURESS_CHECK;

export const ANSWER_TASK: FunctionSpec = taskTokensRoutes.ANSWER_TASK;

export const KYC_DOCUMENT_CHECK: FunctionSpec = kycRoutes.CHECK_KYC_DOCUMENT;

/**
 * Functions other functions invoke directly, in the order they are built (each may invoke the ones before
 * it), and the access that allows the call; the variable naming the function to the caller is that
 * access's in ACCESS_ENV (lambdas/kernel/runtime/access-env.ts).
 */
export const INVOKABLE: readonly { access: Access; spec: FunctionSpec }[] = [
  { access: 'vault:invoke', spec: VAULT },
  { access: 'pgp-signer:invoke', spec: PGP_SIGNER },
  { access: 'user-mail:send', spec: USER_MAIL },
  { access: 'duress:check', spec: DURESS_CHECK },
  { access: 'sms:invoke', spec: SMS_SENDER },
  { access: 'task-answer:invoke', spec: ANSWER_TASK },
  { access: 'kyc-check:invoke', spec: KYC_DOCUMENT_CHECK },
];

/**
 * Functions CloudFormation invokes while it deploys (custom resources), never a request: built and granted
 * like the others, but absent from the local runtime, the OpenAPI document and the bench's budgets.
 */
export const PLATFORM_KEY_INIT: FunctionSpec = notifyRoutes.PLATFORM_KEY_INIT;

/** A function run on a schedule (an EventBridge rule in AWS, a timer of the local runtime). */
export interface ScheduleSpec {
  spec: FunctionSpec;
  /** Minutes between two runs. */
  everyMinutes: number;
}

/** D3: the audit chain's checkpoints, every AUDIT_CHECKPOINT_MINUTES. */
export const AUDIT_CHECKPOINT: FunctionSpec = platformRoutes.AUDIT_CHECKPOINT;
/** The transactional outbox's sweeper, every OUTBOX_SWEEP_MINUTES (kernel/outbox.ts). */
export const OUTBOX_SWEEPER: FunctionSpec = platformRoutes.OUTBOX_SWEEPER;
export const SCHEDULED: readonly ScheduleSpec[] = [...platformRoutes.SCHEDULED, ...privacyRoutes.SCHEDULED];
/**
 * Workflows started on a schedule: an EventBridge Scheduler schedule each in AWS (lib/workflow-schedules.ts,
 * its own role allowed to start that state machine only), a timer of the local runtime locally.
 */
export interface WorkflowScheduleSpec {
  workflow: WorkflowName;
  /** Hours between two runs. */
  everyHours: number;
}
export const WORKFLOW_SCHEDULES: readonly WorkflowScheduleSpec[] = [
  { workflow: 'kyc-refresh', everyHours: 24 },
];

export const DEPLOY_FUNCTIONS: readonly FunctionSpec[] = [PLATFORM_KEY_INIT];

/**
 * Operators' one-off functions, invoked by hand (an operator script with the operator's credentials), never
 * by a request, a schedule or a workflow: built in the Internal nested stack with the workflows' ARNs, their
 * names in the stack's outputs. Locally the same handlers run behind `/_local` routes.
 */
export const OPERATOR_FUNCTIONS: readonly FunctionSpec[] = [
  screeningRoutes.BACKFILL_ROSTER,
  kycRoutes.SET_TRAVEL_RULE_PRICES,
];

export const allFunctions = (): FunctionSpec[] => [
  ...ROUTES,
  USER_AUTHORIZER,
  ADMIN_AUTHORIZER,
  ...INVOKABLE.map((i) => i.spec),
  ...WORKFLOWS.flatMap((w) => Object.values(w.tasks)),
  ...SCHEDULED.map((s) => s.spec),
  ...OPERATOR_FUNCTIONS,
];
