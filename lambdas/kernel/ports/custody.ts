// Custody port (C3): hands an approved withdrawal to the custody system that moves the funds. Idempotent by
// withdrawal id: dispatching the same withdrawal again answers the same transfer and moves nothing twice.
import type { Asset } from '../assets.js';

export interface CustodyTransfer {
  withdrawalId: string;
  userId: string;
  asset: Asset;
  /** Integer minor units as a decimal string. */
  amountMinor: string;
  /** The full destination (custody needs it); read from the address book by the dispatch task only. */
  address: string;
}

export interface Custody {
  dispatch(transfer: CustodyTransfer): Promise<{ transferRef: string }>;
}

/** The custody system could not take the transfer now; the workflow retries the dispatch. */
export class CustodyUnavailable extends Error {
  override readonly name = 'CustodyUnavailable';
}

/** The reference of a withdrawal's transfer: derived from its id, so every retry names the same transfer. */
export const transferRefOf = (withdrawalId: string): string => `ct_${withdrawalId}`;
