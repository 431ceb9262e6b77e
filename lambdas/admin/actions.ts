// D2: what each admin action acts on and the parameters it takes. Strict schemas: an unknown key is refused,
// so the payload an approver signs off (its hash) holds nothing the executor would not act on.
import * as z from 'zod/mini';
import type { AdminAction } from '../kernel/settings.js';
import { stagedFileName } from '../screening/contracts.js';
import {
  CHANGE_EMAIL_PARAMETERS,
  CHANGE_PHONE_PARAMETERS,
  DECIDE_WITHDRAWAL_PARAMETERS,
  NO_PARAMETERS,
  REVEAL_PARAMETERS,
  REVIEW_KYC_PARAMETERS,
  SET_KYC_LEVEL_PARAMETERS,
  WITHDRAWAL_LIMITS_PARAMETERS,
} from './action-parameters.js';

export const TARGET_KINDS = ['user', 'withdrawal', 'admin', 'case', 'list'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/**
 * Which task function of the approval workflow executes an action, by what the action touches (least
 * privilege: each function's role holds only its executors' rights):
 * - `account`: a user account's own state (account and security rows, the suspension and security-hold
 *   workflows, the user pool, the vault and blind index of a new email or phone) — ExecuteAccountAction;
 * - `staff`: the admin plane and money (withdrawal limits and review decisions, reveal grants, the admin pool
 *   and the voiding of an offboarded admin's requests, the closing of compliance cases) — ExecuteStaffAction;
 * - `lists`: a new version of a screening list (the staged files, the list versions, the re-screen) —
 *   LoadScreeningList, the only holder of `screening-lists:write`.
 * The workflow routes on the action (statemachines/admin-approval.asl.json, checked against this map).
 */
export const EXECUTOR_GROUPS = ['account', 'staff', 'lists'] as const;
export type ExecutorGroup = (typeof EXECUTOR_GROUPS)[number];

export const targetSchema = z.strictObject({
  kind: z.enum(TARGET_KINDS),
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'an id of letters, digits, - and _')),
});
export type AdminTarget = z.infer<typeof targetSchema>;

const none = NO_PARAMETERS;

export const ACTION_SPECS = {
  'suspend-account': { target: 'user', executor: 'account', parameters: none },
  'restore-account': { target: 'user', executor: 'account', parameters: none },
  'reset-mfa': { target: 'user', executor: 'account', parameters: none },
  'change-user-email': {
    target: 'user',
    executor: 'account',
    parameters: CHANGE_EMAIL_PARAMETERS,
  },
  'change-user-phone': {
    target: 'user',
    executor: 'account',
    parameters: CHANGE_PHONE_PARAMETERS,
  },
  'lift-hold': { target: 'user', executor: 'account', parameters: none },
  'change-withdrawal-limits': {
    target: 'user',
    executor: 'staff',
    parameters: WITHDRAWAL_LIMITS_PARAMETERS,
  },
  'decide-withdrawal': {
    target: 'withdrawal',
    executor: 'staff',
    parameters: DECIDE_WITHDRAWAL_PARAMETERS,
  },
  'reveal-personal-data': {
    target: 'user',
    executor: 'staff',
    parameters: REVEAL_PARAMETERS,
  },
  'disable-admin': { target: 'admin', executor: 'staff', parameters: none },
  // F3: the closing decisions on a compliance case; the request's reason is the decision's (and the goAML
  // report's) reason.
  'dismiss-case': { target: 'case', executor: 'staff', parameters: none },
  'report-case': { target: 'case', executor: 'staff', parameters: none },
  // F2: lifts the withdrawal freeze a strong screening hit set on the customer (a false positive); the
  // request's reason is the compliance decision's.
  'lift-screening-freeze': { target: 'user', executor: 'account', parameters: none },
  // F2: a new version of the list the target names (`{kind: 'list', id: 'ofac-sdn'}`), from the files the
  // requester uploads to the slots the request's answer gives; each file's sha-256 is part of the approved
  // payload, so the loader loads only the bytes the approver signed off.
  'load-screening-list': {
    target: 'list',
    executor: 'lists',
    // Built on its first parse (z.lazy), as action-parameters.ts' are: a request builds its own action's only.
    parameters: z.lazy(() =>
      z.strictObject({
        format: z.enum(['ofac-sdn-csv', 'un-xml', 'ftm-jsonl']),
        files: z
          .array(
            z.strictObject({
              name: stagedFileName,
              sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a sha-256 in lower-case hex')),
            }),
          )
          .check(
            z.minLength(1),
            z.maxLength(8),
            z.refine((files) => new Set(files.map((f) => f.name)).size === files.length, 'each file once'),
          ),
      }),
    ),
  },
  // F1: the compliance review of a KYC requirement in review (the provider's `undecided`, a source-of-funds
  // document, EDD's second approval): met or rejected, the level the requirements earn (audited).
  'review-kyc-requirement': {
    target: 'user',
    executor: 'account',
    parameters: REVIEW_KYC_PARAMETERS,
  },
  // X4: sets the customer's KYC level (audited `kyc.level-changed`; a lowering limits withdrawals at once).
  'set-kyc-level': {
    target: 'user',
    executor: 'account',
    parameters: SET_KYC_LEVEL_PARAMETERS,
  },
} as const satisfies Record<
  AdminAction,
  { target: TargetKind; executor: ExecutorGroup; parameters: z.ZodMiniType }
>;

/** The actions one task function executes. */
export type ActionsOf<G extends ExecutorGroup> = {
  [A in AdminAction]: (typeof ACTION_SPECS)[A]['executor'] extends G ? A : never;
}[AdminAction];

export type ActionParameters<A extends AdminAction> = z.infer<(typeof ACTION_SPECS)[A]['parameters']>;
