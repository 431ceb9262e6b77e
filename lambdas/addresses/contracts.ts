// Request and response shapes of the address whitelist routes (C1); read by the handlers and the OpenAPI
// document. The address itself is checked per asset by validate.ts, the label by label.ts, each with its
// own error codes; the schemas here only bound sizes.
import * as z from 'zod/mini';
import { ASSET_IDS } from '../kernel/assets.js';

export const MAX_LABEL_LENGTH = 64;

export const addAddressBody = z.strictObject({
  asset: z.enum(ASSET_IDS),
  /** BTC: base58check P2PKH/P2SH or bech32/bech32m (mainnet); ETH: 0x + 40 hex (EIP-55 when mixed case). */
  address: z.string().check(z.maxLength(128)),
  /** 1–64 printable characters on one line, no link, domain or email address. */
  label: z.string().check(z.maxLength(MAX_LABEL_LENGTH * 4)),
});
export type AddAddressBody = z.infer<typeof addAddressBody>;

/** The id in `/v1/me/addresses/{addressId}`. */
export const addressIdParam = z.object({
  addressId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
});

export const addressView = z.object({
  addressId: z.string(),
  asset: z.enum(ASSET_IDS),
  /** First six and last four characters: `bc1qar…5mdq`. The full address is never returned. */
  addressMasked: z.string(),
  label: z.string(),
  status: z.enum(['pending', 'active', 'removed', 'blocked']),
  createdAt: z.iso.datetime(),
  confirmedAt: z.optional(z.iso.datetime()),
  /** End of the cooling period: withdrawals to the address are refused before it. */
  usableFrom: z.optional(z.iso.datetime()),
  removedAt: z.optional(z.iso.datetime()),
});
export type AddressView = z.infer<typeof addressView>;

export const addressCreatedResponse = z.object({ address: addressView, message: z.string() });
export type AddressCreatedResponse = z.infer<typeof addressCreatedResponse>;

export const addressesResponse = z.object({ addresses: z.array(addressView) });
export type AddressesResponse = z.infer<typeof addressesResponse>;

export const addressRemovedResponse = z.object({ address: addressView });
export type AddressRemovedResponse = z.infer<typeof addressRemovedResponse>;

export const addressConfirmedResponse = z.object({
  done: z.boolean(),
  message: z.string(),
  usableFrom: z.iso.datetime(),
});
export type AddressConfirmedResponse = z.infer<typeof addressConfirmedResponse>;

// Published to other contexts.
export {
  type AddressBook,
  type AddressStatus,
  receiveRefusal,
  type WhitelistedAddress,
} from './address-book.js';
export { AddressStore } from './address-store.js';
