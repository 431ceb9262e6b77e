// C1/F1: the address whitelist routes' bodies and answers. Published through contracts.ts; a file of its own
// so a function that needs none of these shapes (a withdrawal reads the address book only) does not build them
// at import.
import * as z from 'zod/mini';
import { ASSET_IDS } from '../kernel/assets.js';
import { MAX_LABEL_LENGTH } from './label.js';

export const addAddressBody = z.strictObject({
  asset: z.enum(ASSET_IDS),
  /** BTC: base58check P2PKH/P2SH or bech32/bech32m (mainnet); ETH: 0x + 40 hex (EIP-55 when mixed case). */
  address: z.string().check(z.maxLength(128)),
  /** 1–64 printable characters on one line, no link, domain or email address. */
  label: z.string().check(z.maxLength(MAX_LABEL_LENGTH * 4)),
  /**
   * F1 (Travel Rule): a wallet you hold yourself (not an account at another exchange). Withdrawals to it at or
   * above the Travel Rule threshold need a proof of control (POST …/{addressId}/ownership) first.
   */
  selfHosted: z.optional(z.boolean()),
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
  /** F1: declared a self-hosted wallet. */
  selfHosted: z.optional(z.boolean()),
  /** F1: when control of the address was proven with a signed challenge. */
  ownershipProvenAt: z.optional(z.iso.datetime()),
});
export type AddressView = z.infer<typeof addressView>;

export const addressCreatedResponse = z.object({ address: addressView, message: z.string() });
export type AddressCreatedResponse = z.infer<typeof addressCreatedResponse>;

export const addressesResponse = z.object({ addresses: z.array(addressView) });
export type AddressesResponse = z.infer<typeof addressesResponse>;

export const addressRemovedResponse = z.object({ address: addressView });
export type AddressRemovedResponse = z.infer<typeof addressRemovedResponse>;

/** F1: the challenge to sign with the address's key (BTC: signmessage, BIP-137; ETH: personal_sign). */
export const ownershipChallengeResponse = z.object({
  /** Sign exactly this text (line breaks included) in the wallet that holds the address. */
  message: z.string(),
  expiresAt: z.iso.datetime(),
  /** How to sign it: `bip137` (BTC signmessage, base64) or `eip191` (ETH personal_sign, 0x hex). */
  scheme: z.enum(['bip137', 'eip191']),
});
export type OwnershipChallengeResponse = z.infer<typeof ownershipChallengeResponse>;

export const ownershipProofBody = z.strictObject({
  /** BTC: the base64 signature of signmessage; ETH: the 0x-prefixed 65-byte hex of personal_sign. */
  signature: z.string().check(z.minLength(1), z.maxLength(200)),
});
export type OwnershipProofBody = z.infer<typeof ownershipProofBody>;

export const ownershipProvenResponse = z.object({ address: addressView });
export type OwnershipProvenResponse = z.infer<typeof ownershipProvenResponse>;

export const addressConfirmedResponse = z.object({
  done: z.boolean(),
  message: z.string(),
  usableFrom: z.iso.datetime(),
});
export type AddressConfirmedResponse = z.infer<typeof addressConfirmedResponse>;
