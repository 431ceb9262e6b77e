// C2: a withdrawal request, checked in a fixed order (each refusal its own code), scored (risk.ts), written
// with its limits ledger entry in one transaction (ledger.ts), and handed to the withdrawal workflow.
import type { AccountStore } from '../account/contracts.js';
import { type AddressBook, receiveRefusal, type WhitelistedAddress } from '../addresses/contracts.js';
import type { Asset } from '../kernel/assets.js';
import type { CodeOf } from '../kernel/error-codes.js';
import { AppError, type ErrorDetail, ValidationError } from '../kernel/errors.js';
import type { CallerIdentity } from '../kernel/http.js';
import { logger } from '../kernel/observability.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import type { Settings } from '../kernel/settings.js';
import type { AddressScreen, ScreeningActions } from '../screening/contracts.js';
import { holdStatus, type SecurityStateStore } from '../security/contracts.js';
import { formatAmount, limitMinor, parseAmount } from './amount.js';
import type { WithdrawalAccepted } from './contracts.js';
import type { WithdrawalLedger } from './ledger.js';
import {
  newWithdrawalId,
  type WithdrawalRecord,
  type WithdrawalSpeed,
  type WithdrawalTravelRule,
  withdrawalExecutionName,
} from './record.js';
import { assessRisk } from './risk.js';
import { type RiskFactPorts, readRiskFacts, riskFactsOf } from './risk-facts.js';

/** A refusal of the request with its own status and stable code. */
export class WithdrawalRefused extends AppError {
  override readonly name = 'WithdrawalRefused';
  constructor(
    readonly status: 403 | 404 | 503,
    readonly code: CodeOf<403 | 404 | 503>,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(message, details);
  }
}

export interface RequestWithdrawalPorts extends RiskFactPorts {
  accounts: Pick<AccountStore, 'getAccount' | 'getSession'>;
  securityState: Pick<SecurityStateStore, 'get'>;
  addresses: AddressBook;
  identity: Pick<IdentityProvider, 'getUser' | 'reauthenticate'>;
  ledger: Pick<WithdrawalLedger, 'record' | 'undo' | 'limitsFor'>;
  workflows: Pick<Workflows, 'start'>;
  settings: Pick<Settings, 'withdrawalLimits'>;
  /**
   * X4: the limits of the user's KYC level in force (kyc/levels.ts `effectiveLimits`, wired by kyc/wiring.ts
   * `levelLimits`), given in both runtimes (create-withdrawal.ts, local/ports.ts). Absent (unit tests), every
   * user has settings.withdrawalLimits, which is also what the KYC rules give a user without a KYC record (the
   * default level, `basic`).
   */
  levelLimits?: (
    userId: string,
    asset: Asset,
    now: Date,
  ) => Promise<{ daily: string; monthly: string; ceiling?: { daily: string; monthly: string } }>;
  /**
   * F1 (Travel Rule): whether a withdrawal of `amount` must carry originator and beneficiary data (kyc/travel-rule.ts
   * `travelRuleApplies` over the price port, wired by kyc/wiring.ts). Absent (unit tests), the rule is not applied.
   */
  travelRule?: (
    asset: Asset,
    amount: string,
    now: Date,
  ) => Promise<{
    required: boolean;
    currency: string;
    threshold: string;
    value?: string;
    priceMissing?: true;
  }>;
  clock: Clock;
  /** F2: the destination against the sanctions lists in force, again at request time (they may have grown). */
  sanctions: AddressScreen;
  /**
   * F2/C1: the destination's screening decision, recorded with the list version (once per address and
   * version: the decision id is their digest); a hit opens a case. The customer is told nothing of it.
   */
  screening?: Pick<ScreeningActions, 'recordAddressScreening'>;
}

export interface WithdrawalInput {
  asset: Asset;
  amount: string;
  addressId: string;
  speed?: WithdrawalSpeed | undefined;
  password: string;
  code?: string | undefined;
}

/** Starting the workflow: tried this often (StartExecution is idempotent by execution name). */
const START_ATTEMPTS = 3;

export async function requestWithdrawal(
  ports: RequestWithdrawalPorts,
  caller: CallerIdentity,
  input: WithdrawalInput,
  client: { sourceIp: string },
): Promise<WithdrawalAccepted> {
  const now = ports.clock.now();
  const { userId } = caller;

  // The reads the checks need do not wait on one another: made together, checked in the fixed order after.
  const [account, security, address, user] = await Promise.all([
    ports.accounts.getAccount(userId),
    ports.securityState.get(userId),
    // Another user's address id and an unknown one are refused alike (E5).
    ports.addresses.get(userId, input.addressId),
    ports.identity.getUser(caller.username),
  ]);
  if (account?.status !== 'active') {
    throw new WithdrawalRefused(
      403,
      'ACCOUNT_SUSPENDED',
      'The account is suspended: withdrawals are refused',
    );
  }

  const hold = holdStatus(security, now);
  if (hold.active) {
    throw new WithdrawalRefused(
      403,
      'SECURITY_HOLD',
      `Withdrawals are held after a security change until ${hold.endsAt}`,
      [{ path: 'holdEndsAt', message: hold.endsAt as string }],
    );
  }

  if (!address) throw new WithdrawalRefused(404, 'ADDRESS_UNKNOWN', 'No such address in your whitelist');
  const refusal = receiveRefusal(address, now);
  if (refusal) {
    const why = {
      ADDRESS_PENDING: 'is waiting for its email confirmation',
      ADDRESS_REMOVED: 'was removed from your whitelist',
      ADDRESS_BLOCKED: 'is blocked',
      ADDRESS_COOLING: `is usable from ${address.usableFrom}`,
    }[refusal];
    throw new WithdrawalRefused(403, refusal, `This address ${why}`);
  }
  if (address.asset !== input.asset) {
    throw new ValidationError(
      `The address is a ${address.asset} address, not ${input.asset}`,
      [{ path: 'asset', message: `must be ${address.asset} for this address` }],
      'ASSET_MISMATCH',
    );
  }

  const amount = parseAmount(input.asset, input.amount);
  if (!amount.ok) {
    throw new ValidationError(
      'Invalid amount',
      [{ path: 'amount', message: amount.message }],
      'AMOUNT_INVALID',
    );
  }

  // Step-up (B1): the password, and a TOTP code for a user with TOTP. Cognito verifies a code only inside
  // a password authentication, so both go through reauthenticate.
  if (user?.totpEnabled && !input.code) {
    throw new ValidationError(
      'A current TOTP code is required',
      [{ path: 'code', message: 'required' }],
      'TOTP_REQUIRED',
    );
  }
  // read-only checks and reads that do not wait on one another run together, and while the step-up is
  // checked: the Travel Rule (which refuses before anything is written), the limits, the destination's
  // screening and the risk facts' reads. Their refusals and failures are told only after the step-up passed,
  // so a wrong password is still REAUTH_FAILED whatever the rest would have said.
  const checks = Promise.all([
    travelRuleOf(ports, address, input.asset, formatAmount(input.asset, amount.minor), now),
    (async () => {
      const { ceiling, ...defaults } = ports.levelLimits
        ? await ports.levelLimits(userId, input.asset, now)
        : { ...ports.settings.withdrawalLimits[input.asset], ceiling: undefined };
      // D2: the user's own limits (an approved admin change) in place of the default, for the risk facts as
      // for the limit check (which the ledger makes against the limits as they are at the write); X4: capped
      // by the ceiling of an overdue KYC refresh.
      const limits = await ports.ledger.limitsFor(userId, input.asset, defaults, ceiling);
      return { ceiling, defaults, limits };
    })(),
    ports.sanctions.screen(address.asset, address.address),
    readRiskFacts(ports, { userId, sessionId: caller.sessionId }),
  ]);
  checks.catch(() => undefined);
  if (!(await ports.identity.reauthenticate(caller.username, input.password, input.code))) {
    throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
  }
  const [travelRule, { ceiling, defaults, limits }, screened, read] = await checks;
  const facts = riskFactsOf(read, {
    sourceIp: client.sourceIp,
    asset: input.asset,
    amountMinor: amount.minor,
    dailyLimitMinor: limitMinor(input.asset, limits.daily),
    address,
    sanctioned: screened.hit !== undefined,
    security,
  });
  const risk = assessRisk(facts, now);

  const at = now.toISOString();
  const record: WithdrawalRecord = {
    withdrawalId: newWithdrawalId(now),
    userId,
    asset: input.asset,
    amount: formatAmount(input.asset, amount.minor),
    amountMinor: amount.minor.toString(),
    addressId: address.addressId,
    addressMasked: address.addressMasked,
    speed: input.speed ?? 'standard',
    status: 'screening',
    createdAt: at,
    updatedAt: at,
    risk,
    sourceIp: client.sourceIp,
    ...(facts.deviceId ? { deviceId: facts.deviceId } : {}),
    ...(travelRule ? { travelRule } : {}),
  };
  // The screening decision and the withdrawal are written side by side (neither reads the other); the
  // decision is recorded whatever the ledger says, as before. The limits are checked by the ledger, against
  // the ledger as it is at the write (DAILY_LIMIT / MONTHLY_LIMIT).
  await both(
    ports.screening?.recordAddressScreening({
      userId,
      addressId: address.addressId,
      trigger: 'withdrawal',
      ...(screened.hit ? { hit: screened.hit } : {}),
      listVersions: screened.listVersions,
    }),
    ports.ledger.record(record, defaults, now, ceiling),
  );
  await startWorkflow(ports, record);
  return {
    withdrawalId: record.withdrawalId,
    status: record.status,
    asset: record.asset,
    amount: record.amount,
    createdAt: record.createdAt,
  };
}

/** Waits for both (neither is abandoned half-way when the other fails), then fails with the first failure. */
async function both(a: Promise<unknown> | undefined, b: Promise<unknown>): Promise<void> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
}

/**
 * F1: the Travel Rule at the request. At or above the threshold (or without a fresh price), the destination must
 * have its beneficiary declared (kyc/beneficiary.ts: screened, the IVMS101 payload sealed), a self-hosted one
 * its proof of control (addresses/ownership.ts), and a beneficiary blocked by screening is refused as a blocked
 * address is. Each refusal comes before anything is written. Only flags and a sealed string are read here.
 */
async function travelRuleOf(
  ports: RequestWithdrawalPorts,
  address: WhitelistedAddress,
  asset: Asset,
  amount: string,
  now: Date,
): Promise<WithdrawalTravelRule | undefined> {
  const rule = ports.travelRule && (await ports.travelRule(asset, amount, now));
  if (!rule?.required) return undefined;
  const declared = address.travelRule;
  const over = `Travel Rule (${rule.threshold} ${rule.currency} or more): `;
  if (!declared) {
    throw new ValidationError(
      `${over}declare the address's beneficiary first`,
      [{ path: 'addressId', message: 'no beneficiary' }],
      'TRAVEL_RULE_DATA_REQUIRED',
    );
  }
  if (declared.screening === 'block')
    throw new WithdrawalRefused(403, 'ADDRESS_BLOCKED', 'This address is blocked');
  if (address.selfHosted && !address.ownershipProvenAt) {
    throw new WithdrawalRefused(
      403,
      'WALLET_PROOF_REQUIRED',
      `${over}prove that you control this self-hosted wallet first`,
    );
  }
  return {
    currency: rule.currency,
    threshold: rule.threshold,
    ...(rule.value ? { value: rule.value } : {}),
    ...(rule.priceMissing ? { priceMissing: true as const } : {}),
    beneficiaryMasked: declared.beneficiaryMasked,
    screeningDecisionId: declared.decisionId,
    declaredAt: declared.declaredAt,
    ivms101: declared.payload,
    ...(address.ownershipProvenAt ? { ownershipProvenAt: address.ownershipProvenAt } : {}),
  };
}

/**
 * Hands the record to its workflow. If it cannot be started, the record and its ledger entry are taken back
 * together (no withdrawal without a workflow, no limit used by nothing) and the request fails with 503, so
 * the client's retry with the same Idempotency-Key starts afresh and still leaves one withdrawal. A record
 * that moved meanwhile had its workflow started after all: the request then succeeds.
 */
async function startWorkflow(ports: RequestWithdrawalPorts, record: WithdrawalRecord): Promise<void> {
  let failure: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      await ports.workflows.start(
        'withdrawal',
        { userId: record.userId, withdrawalId: record.withdrawalId },
        withdrawalExecutionName(record.withdrawalId),
      );
      return;
    } catch (err) {
      failure = err;
    }
  }
  logger.error('withdrawal workflow did not start', { error: failure as Error });
  if (!(await ports.ledger.undo(record.userId, record.withdrawalId))) return;
  throw new WithdrawalRefused(
    503,
    'WITHDRAWAL_NOT_STARTED',
    'The withdrawal could not be started; nothing was recorded. Retry with the same Idempotency-Key',
  );
}
