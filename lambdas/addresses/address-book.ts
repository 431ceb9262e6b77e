// C1: the address whitelist as the withdrawal checks see it. The store behind it (addresses issue work) owns
// the rows; this file is the contract other features read: an address, its status, and whether it may
// receive a withdrawal now.
import type { Asset } from '../kernel/assets.js';

/**
 * pending: added, its email link not clicked yet. active: confirmed. removed: taken off by the user.
 * blocked: the destination is on the sanctions list (never usable, kept as evidence).
 */
export type AddressStatus = 'pending' | 'active' | 'removed' | 'blocked';

export interface WhitelistedAddress {
  addressId: string;
  userId: string;
  asset: Asset;
  /** The address as the user gave it, validated and normalised for its asset (ETH in EIP-55 form). */
  address: string;
  /** First and last characters only, for responses and records: `bc1qar…5mdq`. */
  addressMasked: string;
  label: string;
  status: AddressStatus;
  createdAt: string;
  confirmedAt?: string;
  removedAt?: string;
  /** End of the cooling period after confirmation: withdrawals to it are refused before this instant. */
  usableFrom?: string;
  /** F1 (Travel Rule): the customer declared a wallet they hold themselves (not another exchange's). */
  selfHosted?: boolean;
  /** F1: when the customer proved control of the address with a signed challenge (wallet-proof.ts). */
  ownershipProvenAt?: string;
  /** F1: the Travel Rule data declared for the address (kyc/beneficiary.ts). */
  travelRule?: AddressTravelRule;
}

/**
 * F1: the beneficiary a customer declared for an address, its screening and the IVMS101 payload built from it
 * and the customer's KYC data. The payload is sealed by the vault (E2), bound to the address row (group
 * `identity`); the withdrawal request copies it into the withdrawal record without opening it.
 */
export interface AddressTravelRule {
  /** The beneficiary's name masked (`J… D…`): what responses and records may show. */
  beneficiaryMasked: string;
  /** The screening decision's action on the beneficiary: block (strong hit), case (medium or PEP), clear. */
  screening: 'clear' | 'case' | 'block';
  decisionId: string;
  declaredAt: string;
  /** The IVMS101 payload (JSON) sealed by the vault. */
  payload: string;
  /** The KYC record's `updatedAt` the originator was read at: a later change asks for a new declaration. */
  kycUpdatedAt: string;
}

export interface AddressBook {
  /** The caller's own address by id; another user's id, or an unknown one, is undefined alike. */
  get(userId: string, addressId: string): Promise<WhitelistedAddress | undefined>;
}

export type ReceiveRefusal = 'ADDRESS_PENDING' | 'ADDRESS_REMOVED' | 'ADDRESS_BLOCKED' | 'ADDRESS_COOLING';

/** Whether a withdrawal may go to `address` at `now`; the reason when it may not. */
export function receiveRefusal(address: WhitelistedAddress, now: Date): ReceiveRefusal | undefined {
  switch (address.status) {
    case 'pending':
      return 'ADDRESS_PENDING';
    case 'removed':
      return 'ADDRESS_REMOVED';
    case 'blocked':
      return 'ADDRESS_BLOCKED';
    case 'active':
      return address.usableFrom && Date.parse(address.usableFrom) > now.getTime()
        ? 'ADDRESS_COOLING'
        : undefined;
  }
}
