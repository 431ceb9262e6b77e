// C1: is this string a withdrawal destination of this asset, and in which one form is it stored and compared?
// (The address whitelist validates with it; the screening list loader normalises the listed addresses with it.)
// Bitcoin mainnet only: base58check P2PKH/P2SH (bs58check) and segwit bech32/bech32m (bech32, BIP-173/350);
// Ether: 0x + 40 hex with its EIP-55 checksum (keccak-256). Checksums, not regexes, decide: a mistyped
// character fails here instead of sending funds nowhere.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bech32, bech32m } from 'bech32';
import bs58check from 'bs58check';
import type { Asset } from './assets.js';

/** The kinds accepted as destinations: the ones a wallet can spend today. */
export type AddressKind = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'eth';

/** Why an address was refused; each is a distinct error code of the address routes. */
export type AddressRefusal =
  /** Not the shape of any address of the asset (characters, prefix, length). */
  | 'ADDRESS_MALFORMED'
  /** The right shape, but its checksum does not match: a typo. */
  | 'ADDRESS_CHECKSUM'
  /** A testnet/regtest address, or another coin's version byte. */
  | 'ADDRESS_NETWORK'
  /** bech32 in mixed case, or ETH hex in mixed case that is not EIP-55. */
  | 'ADDRESS_CASE'
  /** A valid segwit program of a version or length no wallet spends yet (BIP-350 allows them). */
  | 'ADDRESS_UNSUPPORTED';

export type AddressCheck =
  | { ok: true; asset: Asset; address: string; kind: AddressKind }
  | { ok: false; refusal: AddressRefusal; message: string };

/** The longest address accepted before any decoding (bech32's own limit is 90). */
export const MAX_ADDRESS_LENGTH = 90;

const refuse = (refusal: AddressRefusal, message: string): AddressCheck => ({ ok: false, refusal, message });

/** Validates and normalises `input` as an address of `asset`; surrounding blanks are ignored. */
export function checkAddress(asset: Asset, input: string): AddressCheck {
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) {
    return refuse('ADDRESS_MALFORMED', `An address is 1 to ${MAX_ADDRESS_LENGTH} characters`);
  }
  switch (asset) {
    case 'BTC':
      return checkBitcoin(text);
    case 'ETH':
      return checkEther(text);
  }
}

/** The stored form of an address, or undefined when it is not one (the sanctions list compares these). */
export function normaliseAddress(asset: Asset, input: string): string | undefined {
  const result = checkAddress(asset, input);
  return result.ok ? result.address : undefined;
}

// ---- Bitcoin ----------------------------------------------------------------------------------------------

/** Mainnet version bytes (Bitcoin Core chainparams): testnet/regtest use 0x6f and 0xc4. */
const BASE58_VERSIONS: Record<number, AddressKind> = { 0: 'p2pkh', 5: 'p2sh' };
const TESTNET_VERSIONS = new Set([0x6f, 0xc4]);
const TESTNET_HRPS = new Set(['tb', 'bcrt']);
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

function checkBitcoin(text: string): AddressCheck {
  const separator = text.lastIndexOf('1');
  const hrp = separator > 0 ? text.slice(0, separator).toLowerCase() : '';
  if (hrp === 'bc' || TESTNET_HRPS.has(hrp)) return checkSegwit(text, hrp);
  return checkBase58(text);
}

function checkBase58(text: string): AddressCheck {
  if (!BASE58.test(text)) return refuse('ADDRESS_MALFORMED', 'Not a Bitcoin address');
  const payload = bs58check.decodeUnsafe(text);
  if (!payload) return refuse('ADDRESS_CHECKSUM', 'The address checksum does not match: check for a typo');
  const version = payload[0] as number;
  if (payload.length !== 21) return refuse('ADDRESS_MALFORMED', 'Not a Bitcoin address: wrong length');
  if (TESTNET_VERSIONS.has(version)) {
    return refuse('ADDRESS_NETWORK', 'This is a Bitcoin testnet address, not a mainnet one');
  }
  const kind = BASE58_VERSIONS[version];
  if (!kind) return refuse('ADDRESS_NETWORK', 'Not a Bitcoin mainnet address (another coin or network)');
  return { ok: true, asset: 'BTC', address: text, kind };
}

/** A segwit address decoded per BIP-173/BIP-350: its witness version and program, or why it is not one. */
export type SegwitDecoding =
  | { ok: true; hrp: string; version: number; program: Uint8Array }
  | { ok: false; refusal: AddressRefusal; message: string };

/**
 * BIP-350 decoding, any network: version 0 with the bech32 checksum and a 20- or 32-byte program; versions
 * 1 to 16 with the bech32m checksum and a 2- to 40-byte program. A string in mixed case is refused.
 */
export function decodeSegwit(text: string): SegwitDecoding {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    return { ok: false, refusal: 'ADDRESS_CASE', message: 'A bech32 address is all lower or all upper case' };
  }
  const lower = text.toLowerCase();
  const plain = bech32.decodeUnsafe(lower, MAX_ADDRESS_LENGTH);
  const modern = plain ? undefined : bech32m.decodeUnsafe(lower, MAX_ADDRESS_LENGTH);
  const decoded = plain ?? modern;
  if (!decoded) {
    return {
      ok: false,
      refusal: /^[a-z0-9]+1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+$/.test(lower)
        ? 'ADDRESS_CHECKSUM'
        : 'ADDRESS_MALFORMED',
      message: 'Not a valid bech32 address: check for a typo',
    };
  }
  const [version, ...data] = decoded.words;
  if (version === undefined || version > 16) {
    return { ok: false, refusal: 'ADDRESS_MALFORMED', message: 'Not a segwit address: bad witness version' };
  }
  // BIP-350: version 0 uses bech32, every later version bech32m; the other pairing is a checksum error.
  if ((version === 0) !== (plain !== undefined)) {
    return {
      ok: false,
      refusal: 'ADDRESS_CHECKSUM',
      message: 'The address checksum does not match its witness version (bech32 vs bech32m)',
    };
  }
  const bytes = bech32.fromWordsUnsafe(data);
  if (
    !bytes ||
    bytes.length < 2 ||
    bytes.length > 40 ||
    (version === 0 && ![20, 32].includes(bytes.length))
  ) {
    return { ok: false, refusal: 'ADDRESS_MALFORMED', message: 'Not a segwit address: bad program length' };
  }
  return { ok: true, hrp: decoded.prefix, version, program: Uint8Array.from(bytes) };
}

function checkSegwit(text: string, hrp: string): AddressCheck {
  const decoded = decodeSegwit(text);
  if (!decoded.ok) return decoded;
  if (hrp !== 'bc') return refuse('ADDRESS_NETWORK', 'This is a Bitcoin testnet address, not a mainnet one');
  const { version, program } = decoded;
  const kind: AddressKind | undefined =
    version === 0
      ? program.length === 20
        ? 'p2wpkh'
        : 'p2wsh'
      : version === 1 && program.length === 32
        ? 'p2tr'
        : undefined;
  if (!kind) {
    return refuse(
      'ADDRESS_UNSUPPORTED',
      'This segwit version is not spendable by wallets yet; withdrawals cannot go to it',
    );
  }
  return { ok: true, asset: 'BTC', address: text.toLowerCase(), kind };
}

// ---- Ether ------------------------------------------------------------------------------------------------

const ETH_SHAPE = /^0x[0-9a-fA-F]{40}$/;

/** The EIP-55 form of 40 hex digits: each letter upper case where keccak-256 of the lower-case hex says so. */
export function toChecksumAddress(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = keccak_256(new TextEncoder().encode(lower));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    const nibble = ((hash[i >> 1] as number) >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    const char = lower[i] as string;
    out += nibble >= 8 ? char.toUpperCase() : char;
  }
  return out;
}

/**
 * Mixed case must be the EIP-55 checksum (a wrong one is a typo). All lower (or all upper) case carries no
 * checksum; it is accepted, as wallets and block explorers print it, and stored in EIP-55 form.
 */
function checkEther(text: string): AddressCheck {
  if (!ETH_SHAPE.test(text)) return refuse('ADDRESS_MALFORMED', 'An Ether address is 0x and 40 hex digits');
  const hex = text.slice(2);
  const checksummed = toChecksumAddress(hex);
  const uniform = hex === hex.toLowerCase() || hex === hex.toUpperCase();
  if (!uniform && checksummed !== text) {
    return refuse('ADDRESS_CASE', 'The EIP-55 checksum (upper/lower case) does not match: check for a typo');
  }
  return { ok: true, asset: 'ETH', address: checksummed, kind: 'eth' };
}

/** `bc1qar…5mdq`: the first six and last four characters, for responses, emails and records. */
export function maskAddress(address: string): string {
  return address.length <= 12 ? `${address.slice(0, 2)}…` : `${address.slice(0, 6)}…${address.slice(-4)}`;
}
