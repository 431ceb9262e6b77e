// F1 (the Travel Rule): the beneficiary of a withdrawal address. The customer names who receives what they send
// there (a person or a company; themselves for their own wallet); the name is screened against the lists in force
// (F2: a strong hit is blocked where the address is used, a medium one opens a case and holds withdrawals for
// review), and the IVMS101 payload is built from it and the customer's KYC person data and sealed by the vault,
// bound to the address row. The withdrawal request copies that sealed payload into the withdrawal record when
// the rule applies; it never opens it and bundles none of this (the matcher lives in this function only).
import { type AddressTravelRule, type AddressTravelRules, addressKey } from '../addresses/contracts.js';
import { Conflict, Forbidden, NotFound } from '../kernel/errors.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { FieldCipher } from '../kernel/privacy/field-cipher.js';
import { maskName } from '../kernel/privacy/mask.js';
import { TABLES } from '../kernel/tables.js';
import type { ScreeningOutcome } from '../screening/contracts.js';
import type { KycConfig } from './config.js';
import type { KycPersonReader } from './person-reader.js';
import { type BeneficiaryInput, buildTravelRulePayload } from './travel-rule.js';

export interface DeclareBeneficiaryPorts {
  travelRules: Pick<AddressTravelRules, 'get' | 'setTravelRule'>;
  kycPerson: Pick<KycPersonReader, 'read'>;
  screening: {
    screenBeneficiary(input: { userId: string; addressId: string; name: string }): Promise<ScreeningOutcome>;
  };
  vault: Pick<FieldCipher, 'encrypt'>;
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
  config: Pick<KycConfig, 'vasp'>;
}

/** The declared beneficiary's name as the lists are searched for it. */
export const beneficiaryName = (b: BeneficiaryInput): string =>
  b.kind === 'person' ? `${b.given} ${b.family}` : b.legalName;

export interface DeclaredBeneficiary {
  addressId: string;
  beneficiaryMasked: string;
  declaredAt: string;
}

export async function declareBeneficiary(
  ports: DeclareBeneficiaryPorts,
  requester: { userId: string; sourceIp: string; requestId: string },
  addressId: string,
  beneficiary: BeneficiaryInput,
): Promise<DeclaredBeneficiary> {
  const { userId } = requester;
  const address = await ports.travelRules.get(userId, addressId);
  if (!address || address.status === 'removed') throw new NotFound('Address not found');
  if (address.status === 'blocked') {
    throw new Conflict('This address cannot be changed; contact support', 'ADDRESS_BLOCKED');
  }
  const { record, person } = await ports.kycPerson.read(userId);
  if (!record || !person) {
    throw new Forbidden(
      'Give your KYC person data first (POST /v1/me/kyc/person): the Travel Rule names you as the originator',
      'KYC_PERSON_REQUIRED',
    );
  }
  const payload = buildTravelRulePayload({
    customerId: userId,
    person,
    beneficiary,
    destinationAddress: address.address,
    vasp: ports.config.vasp,
  });
  const name = beneficiaryName(beneficiary);
  // Screened before anything is stored: the decision is recorded (and a case opened) even if the write fails.
  const outcome = await ports.screening.screenBeneficiary({ userId, addressId, name });
  const action = outcome.decision.action;
  const sealed = await ports.vault.encrypt(
    { table: TABLES.accounts.logicalName, key: addressKey(userId, addressId), group: 'identity' },
    { ivms101: JSON.stringify(payload) },
  );
  const declaredAt = ports.clock.now().toISOString();
  const travelRule: AddressTravelRule = {
    beneficiaryMasked: maskName(name),
    screening: action === 'block' ? 'block' : action === 'case' || action === 'edd' ? 'case' : 'clear',
    decisionId: outcome.decision.decisionId,
    declaredAt,
    payload: sealed,
    kycUpdatedAt: record.updatedAt,
  };
  const after = ports.outbox.pending((): Effect[] => [
    {
      kind: 'audit',
      event: {
        actor: { kind: 'user', id: userId },
        action: 'address.beneficiary-declared',
        target: { kind: 'user', id: userId },
        outcome: travelRule.screening === 'clear' ? 'success' : 'flagged',
        at: declaredAt,
        sourceIp: requester.sourceIp.slice(0, 64),
        requestId: requester.requestId,
        // Never the name: the decision id leads a compliance officer to what was screened.
        details: { addressId, kind: beneficiary.kind, decisionId: travelRule.decisionId },
      },
    },
  ]);
  await ports.travelRules.setTravelRule(userId, addressId, travelRule, after);
  await after.settle();
  return { addressId, beneficiaryMasked: travelRule.beneficiaryMasked, declaredAt };
}
