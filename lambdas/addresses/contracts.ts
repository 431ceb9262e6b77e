// Request and response shapes of the address whitelist routes (C1); read by the handlers and the OpenAPI
// document. The address itself is checked per asset by validate.ts, the label by label.ts, each with its
// own error codes; the schemas here only bound sizes.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

// Published to other contexts.
export {
  type AddressBook,
  type AddressStatus,
  type AddressTravelRule,
  receiveRefusal,
  type WhitelistedAddress,
} from './address-book.js';
export { AddressStore, addressKey } from './address-store.js';
export type { AddressTravelRules } from './address-travel-rules.js';
export { MAX_LABEL_LENGTH } from './label.js';
export {
  type AddAddressBody,
  type AddressConfirmedResponse,
  type AddressCreatedResponse,
  type AddressesResponse,
  type AddressRemovedResponse,
  type AddressView,
  addAddressBody,
  addressConfirmedResponse,
  addressCreatedResponse,
  addressesResponse,
  addressIdParam,
  addressRemovedResponse,
  addressView,
  type OwnershipChallengeResponse,
  type OwnershipProofBody,
  type OwnershipProvenResponse,
  ownershipChallengeResponse,
  ownershipProofBody,
  ownershipProvenResponse,
} from './route-contracts.js';
