// The withdrawals context's functions: its API routes, its workflow tasks, with the access each needs.

import * as z from 'zod/mini';
import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  IDEMPOTENCY_KEY,
  withdrawalAccepted,
  withdrawalRequest,
  withdrawalsQuery,
  withdrawalsResponse,
} from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'RequestWithdrawal',
    method: 'POST',
    path: '/v1/me/withdrawals',
    auth: 'user',
    entry: 'lambdas/withdrawals/handlers/create-withdrawal.ts',
    summary:
      'C2: requests a withdrawal to a whitelisted address (Idempotency-Key header, password and TOTP step-up); checked, scored, then screened by the withdrawal workflow',
    tag: 'withdrawals',
    body: withdrawalRequest,
    headers: {
      'Idempotency-Key': {
        required: true,
        schema: z.string().check(z.regex(IDEMPOTENCY_KEY)),
        description:
          'C2: one key per withdrawal the client means (8–64 letters, digits, - and _): a retry with the same key ' +
          'and terms answers the first request again; other terms with it are IDEMPOTENCY_KEY_REUSED',
      },
    },
    response: withdrawalAccepted,
    status: 202,
    errors: [
      'ACCOUNT_SUSPENDED',
      'SECURITY_HOLD',
      'ADDRESS_UNKNOWN',
      'ADDRESS_PENDING',
      'ADDRESS_REMOVED',
      'ADDRESS_BLOCKED',
      'ADDRESS_COOLING',
      'ASSET_MISMATCH',
      'AMOUNT_INVALID',
      'TRAVEL_RULE_DATA_REQUIRED',
      'WALLET_PROOF_REQUIRED',
      'TOTP_REQUIRED',
      'REAUTH_FAILED',
      'DAILY_LIMIT',
      'MONTHLY_LIMIT',
      'WITHDRAWAL_NOT_STARTED',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_INVALID',
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_IN_PROGRESS',
    ],
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'idempotency:use',
      'withdrawal:start',
      'shield:write',
    ),
  },
  {
    id: 'ListWithdrawals',
    method: 'GET',
    path: '/v1/me/withdrawals',
    auth: 'user',
    entry: 'lambdas/withdrawals/handlers/list-withdrawals.ts',
    summary: "C2: the caller's withdrawals, newest first: status, decision, transfer reference",
    tag: 'withdrawals',
    query: withdrawalsQuery,
    response: withdrawalsResponse,
    status: 200,
    errors: ['INVALID_CURSOR'],
    access: reads('accounts:read'),
  },
];

export const CANCEL_WITHDRAWALS: FunctionSpec = {
  id: 'CancelWithdrawals',
  entry: 'lambdas/withdrawals/handlers/cancel-withdrawals.ts',
  // A cancelled review's token is failed by AnswerTask, which alone reads task tokens.
  access: reads('accounts:write', 'task-answer:invoke'),
};

export const SCREEN_WITHDRAWAL: FunctionSpec = {
  id: 'ScreenWithdrawal',
  entry: 'lambdas/withdrawals/handlers/screen.ts',
  access: reads('accounts:read'),
};

export const AWAIT_WITHDRAWAL_DECISION: FunctionSpec = {
  id: 'AwaitWithdrawalDecision',
  entry: 'lambdas/withdrawals/handlers/await-decision.ts',
  // The record and its audit; the task's token is kept by AnswerTask.
  access: reads('accounts:write', 'task-answer:invoke'),
};

export const APPROVE_WITHDRAWAL: FunctionSpec = {
  id: 'ApproveWithdrawal',
  entry: 'lambdas/withdrawals/handlers/approve.ts',
  access: reads('accounts:write'),
};

export const DISPATCH_WITHDRAWAL: FunctionSpec = {
  id: 'DispatchWithdrawal',
  entry: 'lambdas/withdrawals/handlers/dispatch.ts',
  access: reads('accounts:write', 'custody:dispatch'),
};

export const REJECT_WITHDRAWAL: FunctionSpec = {
  id: 'RejectWithdrawal',
  entry: 'lambdas/withdrawals/handlers/reject.ts',
  access: reads('accounts:write'),
};

export const NOTIFY_WITHDRAWAL: FunctionSpec = {
  id: 'NotifyWithdrawal',
  entry: 'lambdas/withdrawals/handlers/notify-withdrawal.ts',
  access: reads('accounts:read', 'user-mail:send'),
};
