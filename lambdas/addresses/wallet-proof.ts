// Travel Rule (F1): proof that the customer controls a self-hosted wallet. The server issues a challenge text
// (challengeText) for one whitelist address; the customer signs it with the address's key in their wallet;
// the server recovers the public key from the signature and derives the address from it:
// - BTC: BIP-137 "signmessage" signatures (Bitcoin Core, Electrum, Trezor, Ledger, Sparrow): 65 bytes, base64,
//   a header byte (27–30 P2PKH uncompressed, 31–34 P2PKH compressed, 35–38 P2SH-P2WPKH, 39–42 P2WPKH) and the
//   compact (r, s); the digest is double SHA-256 of "\x18Bitcoin Signed Message:\n" + varint(len) + message.
//   Electrum and Bitcoin Core sign segwit addresses with the compressed P2PKH header (31–34), so a compressed
//   key is accepted for the P2PKH, P2SH-P2WPKH and P2WPKH address it controls whatever its header said.
//   BIP-322 (taproot, scripts) is not accepted: the proof is refused as `unsupported`, never accepted blindly.
// - ETH: EIP-191 `personal_sign` (MetaMask, Ledger, every wallet): keccak-256 of
//   "\x19Ethereum Signed Message:\n" + byte length + message; 65 bytes r ‖ s ‖ v, v ∈ {27, 28} (or {0, 1});
//   the address is the last 20 bytes of keccak-256 of the uncompressed public key.
// The curve arithmetic and hashes are @noble/curves and @noble/hashes (audited, no native code); base58check and
// bech32 decoding are the libraries address validation already uses.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import bs58check from 'bs58check';
import type { Asset } from '../kernel/assets.js';
import { decodeSegwit } from './validate.js';

const utf8 = new TextEncoder();

export type ProofFailure =
  /** The signature is not of the expected encoding (length, base64/hex, header byte). */
  | 'malformed'
  /** A well-formed signature that does not recover to the address (wrong key, wrong message). */
  | 'mismatch'
  /** An address type whose proof this server does not verify (taproot, P2WSH, P2SH other than P2WPKH). */
  | 'unsupported';

export type ProofVerdict = { ok: true } | { ok: false; failure: ProofFailure };

const fail = (failure: ProofFailure): ProofVerdict => ({ ok: false, failure });

/** The text the customer signs: names the service, the address, and a single-use random nonce. */
export function challengeText(input: {
  service: string;
  address: string;
  nonce: string;
  issuedAt: string;
}): string {
  return [
    `${input.service}: I control the wallet ${input.address}.`,
    `Nonce: ${input.nonce}`,
    `Issued: ${input.issuedAt}`,
  ].join('\n');
}

/** Verifies `signature` over `message` for `address` of `asset`. Never throws for bad input. */
export function verifyWalletProof(
  asset: Asset,
  address: string,
  message: string,
  signature: string,
): ProofVerdict {
  try {
    return asset === 'ETH'
      ? verifyEthPersonalSign(address, message, signature)
      : verifyBitcoinMessage(address, message, signature);
  } catch {
    return fail('malformed');
  }
}

// ---- Bitcoin (BIP-137) ----

function varint(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >> 8);
  return Uint8Array.of(0xfe, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const BTC_MAGIC = utf8.encode('Bitcoin Signed Message:\n');

/** The BIP-137 digest of a message: double SHA-256 of the magic prefix and the message, each length-prefixed. */
export function bitcoinMessageDigest(message: string): Uint8Array {
  const body = utf8.encode(message);
  return sha256(sha256(concat(varint(BTC_MAGIC.length), BTC_MAGIC, varint(body.length), body)));
}

const hash160 = (bytes: Uint8Array): Uint8Array => ripemd160(sha256(bytes));
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

type BtcTarget = { kind: 'p2pkh' | 'p2sh' | 'p2wpkh'; hash: Uint8Array } | { kind: 'unsupported' };

/** Base58check decoding (version byte + payload), checksum verified; undefined when it is not one. */
function base58check(text: string): Uint8Array | undefined {
  try {
    return bs58check.decode(text);
  } catch {
    return undefined;
  }
}

function btcTarget(address: string): BtcTarget | undefined {
  const segwit = decodeSegwit(address);
  if (segwit.ok) {
    if (segwit.hrp !== 'bc') return undefined;
    return segwit.version === 0 && segwit.program.length === 20
      ? { kind: 'p2wpkh', hash: segwit.program }
      : { kind: 'unsupported' };
  }
  const payload = base58check(address);
  if (payload?.length !== 21) return undefined;
  if (payload[0] === 0x00) return { kind: 'p2pkh', hash: payload.subarray(1) };
  if (payload[0] === 0x05) return { kind: 'p2sh', hash: payload.subarray(1) };
  return undefined;
}

function base64Bytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  return Uint8Array.from(Buffer.from(trimmed, 'base64'));
}

function verifyBitcoinMessage(address: string, message: string, signature: string): ProofVerdict {
  const target = btcTarget(address);
  if (!target) return fail('malformed');
  if (target.kind === 'unsupported') return fail('unsupported');
  const bytes = base64Bytes(signature);
  if (bytes?.length !== 65) return fail('malformed');
  const header = bytes[0] as number;
  if (header < 27 || header > 42) return fail('malformed');
  const recovery = (header - 27) & 3;
  const compressed = header >= 31;
  const declared = header >= 39 ? 'p2wpkh' : header >= 35 ? 'p2sh' : 'p2pkh';
  const sig = secp256k1.Signature.fromBytes(bytes.subarray(1), 'compact').addRecoveryBit(recovery);
  const point = sig.recoverPublicKey(bitcoinMessageDigest(message));
  const key = point.toBytes(compressed);
  // A segwit header must sign for exactly its type; a compressed P2PKH header may sign for any of the three
  // (Electrum, Bitcoin Core); an uncompressed key controls a P2PKH address only.
  if (declared !== 'p2pkh' && declared !== target.kind) return fail('mismatch');
  if (!compressed && target.kind !== 'p2pkh') return fail('mismatch');
  const keyHash = hash160(key);
  const expected = target.kind === 'p2sh' ? hash160(concat(Uint8Array.of(0x00, 0x14), keyHash)) : keyHash;
  return equal(expected, target.hash) ? { ok: true } : fail('mismatch');
}

// ---- Ethereum (EIP-191 personal_sign) ----

/** The EIP-191 (version 0x45) digest of a UTF-8 message. */
export function ethereumMessageDigest(message: string): Uint8Array {
  const body = utf8.encode(message);
  return keccak_256(concat(utf8.encode(`\x19Ethereum Signed Message:\n${body.length}`), body));
}

/** The address of an uncompressed secp256k1 public key (65 bytes, 0x04 ‖ x ‖ y), lower-case hex with 0x. */
export function ethereumAddressOf(uncompressed: Uint8Array): string {
  return `0x${Buffer.from(keccak_256(uncompressed.subarray(1)).subarray(12)).toString('hex')}`;
}

function verifyEthPersonalSign(address: string, message: string, signature: string): ProofVerdict {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return fail('malformed');
  const hex = signature.trim().replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) return fail('malformed');
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  const v = bytes[64] as number;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return fail('malformed');
  const sig = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), 'compact').addRecoveryBit(recovery);
  const point = sig.recoverPublicKey(ethereumMessageDigest(message));
  return ethereumAddressOf(point.toBytes(false)) === address.toLowerCase() ? { ok: true } : fail('mismatch');
}
