// C2/C3: the withdrawal record, shared by the request route (which creates it with its risk score), the
// withdrawal workflow (which moves it through its lifecycle) and the suspension (which cancels it). A signed
// row of the accounts table under the user's partition, so a user's withdrawals are one query.
import { randomBytes } from 'node:crypto';
import type { Asset } from '../kernel/assets.js';
import { TASK_TOKEN_PARTITION_PREFIX } from '../kernel/tables.js';

/**
 * screening: created, the workflow decides. review: unusual, waiting for an admin decision (task token).
 * approved: may be dispatched. dispatching: handed to custody (no cancel from here on). dispatched: custody
 * took it. rejected: by the screening (blocked), an admin, or the review timing out. cancelled: by a
 * suspension (A4/A5) before dispatch.
 */
export const WITHDRAWAL_STATUSES = [
  'screening',
  'review',
  'approved',
  'dispatching',
  'dispatched',
  'rejected',
  'cancelled',
] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/** Statuses a suspension cancels: everything not yet handed to custody and not already final. */
export const CANCELLABLE: readonly WithdrawalStatus[] = ['screening', 'review', 'approved'];
export const FINAL: readonly WithdrawalStatus[] = ['dispatched', 'rejected', 'cancelled'];

export const RISK_SIGNALS = [
  'new-ip',
  'new-device',
  'amount-unusual',
  'velocity',
  'destination-recent',
  'recent-security-change',
  'takeover-chain',
  'sanctioned-destination',
] as const;
export type RiskSignalId = (typeof RISK_SIGNALS)[number];

/** One explainable signal: what it saw, in words an analyst reads, and the points it adds. */
export interface RiskSignal {
  id: RiskSignalId;
  points: number;
  detail: string;
}

/** low: approve. unusual: manual investigation. blocked: reject and alert. */
export type RiskBand = 'low' | 'unusual' | 'blocked';

export interface RiskAssessment {
  score: number;
  band: RiskBand;
  signals: RiskSignal[];
}

export type WithdrawalSpeed = 'standard' | 'instant';

export interface WithdrawalDecision {
  outcome: 'approved' | 'rejected' | 'cancelled';
  by: 'screening' | 'admin' | 'timeout' | 'suspension';
  at: string;
  reason?: string;
  /** The admin who decided (issue 6); absent for system decisions. */
  adminId?: string;
}

export interface WithdrawalRecord {
  withdrawalId: string;
  userId: string;
  asset: Asset;
  /** The amount as a canonical decimal string (`0.015`), and as integer minor units (`1500000`). */
  amount: string;
  amountMinor: string;
  addressId: string;
  addressMasked: string;
  speed: WithdrawalSpeed;
  status: WithdrawalStatus;
  createdAt: string;
  updatedAt: string;
  risk: RiskAssessment;
  sourceIp?: string;
  deviceId?: string;
  decision?: WithdrawalDecision;
  dispatch?: { at: string; transferRef: string };
  /** F1: the Travel Rule data of a withdrawal at or above the threshold (or without a fresh price). */
  travelRule?: WithdrawalTravelRule;
}

/**
 * F1: what the Travel Rule required of a withdrawal and what it carries: the value in the configured currency
 * (absent when no fresh price was had: then the data is required anyway), the beneficiary masked, its screening
 * decision, and the IVMS101 payload sealed by the vault (bound to the address row it was declared on).
 */
export interface WithdrawalTravelRule {
  currency: string;
  threshold: string;
  value?: string;
  priceMissing?: true;
  beneficiaryMasked: string;
  screeningDecisionId: string;
  declaredAt: string;
  /** The sealed IVMS101 payload (E2), as declared for the address `addressId`. */
  ivms101: string;
  /** F1: the self-hosted wallet's proof of control, when the destination is one. */
  ownershipProvenAt?: string;
}

export type WithdrawalRow = WithdrawalRecord & { pk: string; sk: string; version: number } & Record<
    string,
    unknown
  >;

export const WITHDRAWAL_SK_PREFIX = 'WITHDRAWAL#';

export const withdrawalKey = (userId: string, withdrawalId: string) => ({
  pk: `USER#${userId}`,
  sk: `${WITHDRAWAL_SK_PREFIX}${withdrawalId}`,
});

/**
 * The server-side home of a review task's token (C3): its own row, never part of the record a route
 * returns, so no response can carry it. Under the task-token partitions, outside the user's, so that IAM
 * keeps every function but AnswerTask away from it.
 */
export const reviewTokenKey = (userId: string, withdrawalId: string) => ({
  pk: `${TASK_TOKEN_PARTITION_PREFIX}USER#${userId}`,
  sk: `WITHDRAWAL-REVIEW#${withdrawalId}`,
});

/** Time-ordered ids: `wd_` + 12 hex digits of milliseconds + 16 random hex digits; sorts by creation. */
export function newWithdrawalId(at: Date): string {
  return `wd_${at.getTime().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}
export const WITHDRAWAL_ID = /^wd_[0-9a-f]{28}$/;

/** Input of the withdrawal workflow (and what its tasks receive first). */
export interface WithdrawalWorkflowInput {
  userId: string;
  withdrawalId: string;
}

export const withdrawalExecutionName = (withdrawalId: string): string => `withdrawal-${withdrawalId}`;
