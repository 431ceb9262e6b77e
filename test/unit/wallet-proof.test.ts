// F1 (the Travel Rule): the self-hosted wallet proof. Real signatures: keys generated here with @noble/curves
// and signed as wallets sign (BIP-137 headers, EIP-191 personal_sign), and fixed published vectors per chain.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from 'bech32';
import bs58check from 'bs58check';
import { describe, expect, it } from 'vitest';
import { toChecksumAddress } from '../../lambdas/addresses/validate.js';
import {
  bitcoinMessageDigest,
  challengeText,
  ethereumAddressOf,
  ethereumMessageDigest,
  verifyWalletProof,
} from '../../lambdas/addresses/wallet-proof.js';

const hash160 = (b: Uint8Array) => ripemd160(sha256(b));
const p2pkh = (key: Uint8Array) => bs58check.encode(Uint8Array.of(0x00, ...hash160(key)));
const p2wpkh = (key: Uint8Array) => bech32.encode('bc', [0, ...bech32.toWords(hash160(key))]);
const p2shP2wpkh = (key: Uint8Array) =>
  bs58check.encode(Uint8Array.of(0x05, ...hash160(Uint8Array.of(0x00, 0x14, ...hash160(key)))));

/** A BIP-137 signature as a wallet makes it: header (27 + recovery + type offset) ‖ r ‖ s, base64. */
function btcSign(secret: Uint8Array, message: string, offset: 0 | 4 | 8 | 12): string {
  const sig = secp256k1.sign(bitcoinMessageDigest(message), secret, { prehash: false, format: 'recovered' });
  const header = 27 + (sig[0] as number) + offset;
  return Buffer.from(Uint8Array.of(header, ...sig.subarray(1))).toString('base64');
}

/** personal_sign as MetaMask answers it: 0x ‖ r ‖ s ‖ v (27/28). */
function ethSign(secret: Uint8Array, message: string): string {
  const sig = secp256k1.sign(ethereumMessageDigest(message), secret, { prehash: false, format: 'recovered' });
  return `0x${Buffer.from(Uint8Array.of(...sig.subarray(1), 27 + (sig[0] as number))).toString('hex')}`;
}

const message = challengeText({
  service: 'Palisade',
  address: 'bc1q…',
  nonce: 'n0nce-1234567890',
  issuedAt: '2027-03-01T12:00:00.000Z',
});

describe('F1 wallet ownership proof: Bitcoin (BIP-137)', () => {
  const secret = secp256k1.utils.randomSecretKey();
  const compressed = secp256k1.getPublicKey(secret, true);
  const uncompressed = secp256k1.getPublicKey(secret, false);

  it('F1 accepts a P2PKH (compressed and uncompressed), P2WPKH and P2SH-P2WPKH signature of a generated key', () => {
    expect(verifyWalletProof('BTC', p2pkh(compressed), message, btcSign(secret, message, 4))).toEqual({
      ok: true,
    });
    expect(verifyWalletProof('BTC', p2pkh(uncompressed), message, btcSign(secret, message, 0))).toEqual({
      ok: true,
    });
    expect(verifyWalletProof('BTC', p2wpkh(compressed), message, btcSign(secret, message, 12))).toEqual({
      ok: true,
    });
    expect(verifyWalletProof('BTC', p2shP2wpkh(compressed), message, btcSign(secret, message, 8))).toEqual({
      ok: true,
    });
  });

  it('F1 accepts a segwit address signed with the compressed P2PKH header (Electrum, Bitcoin Core)', () => {
    expect(verifyWalletProof('BTC', p2wpkh(compressed), message, btcSign(secret, message, 4))).toEqual({
      ok: true,
    });
  });

  it('F1 refuses a signature by another key (wrong address) and over another message', () => {
    const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
    expect(verifyWalletProof('BTC', p2wpkh(other), message, btcSign(secret, message, 12))).toEqual({
      ok: false,
      failure: 'mismatch',
    });
    expect(verifyWalletProof('BTC', p2wpkh(compressed), `${message}!`, btcSign(secret, message, 12))).toEqual(
      {
        ok: false,
        failure: 'mismatch',
      },
    );
    // A segwit header claims a type: it may not stand for another one; an uncompressed key has no segwit address.
    expect(verifyWalletProof('BTC', p2wpkh(compressed), message, btcSign(secret, message, 8))).toMatchObject({
      ok: false,
    });
    expect(verifyWalletProof('BTC', p2wpkh(compressed), message, btcSign(secret, message, 0))).toMatchObject({
      ok: false,
    });
  });

  it('F1 refuses malformed signatures and says a taproot address is not supported', () => {
    const address = p2wpkh(compressed);
    expect(verifyWalletProof('BTC', address, message, 'not base64 !')).toEqual({
      ok: false,
      failure: 'malformed',
    });
    expect(verifyWalletProof('BTC', address, message, Buffer.alloc(64).toString('base64'))).toEqual({
      ok: false,
      failure: 'malformed',
    });
    const bad = Buffer.from(btcSign(secret, message, 12), 'base64');
    bad[0] = 50;
    expect(verifyWalletProof('BTC', address, message, bad.toString('base64'))).toEqual({
      ok: false,
      failure: 'malformed',
    });
    const taproot = bech32.encode('bc', [1, ...bech32.toWords(new Uint8Array(32).fill(7))]);
    expect(verifyWalletProof('BTC', taproot, message, btcSign(secret, message, 12))).toMatchObject({
      ok: false,
    });
  });

  it('F1 published vectors: the genesis-address signature (bitcoinjs-message) and the bitcoinjs-message README', () => {
    const times = 'The Times 03/Jan/2009 Chancellor on brink of second bailout for banks.';
    const genesis = '17RebJGPcUX3z7zoWJdmUgkBbvZ7BAKPCB';
    expect(
      verifyWalletProof(
        'BTC',
        genesis,
        times,
        'IFn36Idac3dLo3JvQ8/+AMfgQXbj9h3WIjDXJSUO+0ZbSOVEMhQK+t6RU3CC7ECvq9QshbRtLMLThDfCxa1RkYM=',
      ),
    ).toEqual({ ok: true });
    // The two forgeries published beside it do not verify.
    for (const forged of [
      'HJLQlDWLyb1Ef8bQKEISzFbDAKctIlaqOpGbrk3YVtRsjmC61lpE5ErkPRUFtDKtx98vHFGUWlFhsh3DiW6N0rE',
      'ICcppPF+jJ+9NlvssL+qfcZP9VRbcBq8Drpw91vo+Z5hHkBuLTy+9q70u+Roi03XUIIRw+x9TU5K6FFm6Dhu718=',
    ]) {
      expect(verifyWalletProof('BTC', genesis, times, forged).ok).toBe(false);
    }
    expect(
      verifyWalletProof(
        'BTC',
        '1HZwkjkeaoZfTSaJxDw6aKkxp45agDiEzN',
        'This is an example of a signed message.',
        'G9L5yLFjti0QTHhPyFrZCT1V/MMnBtXKmoiKDZ78NDBjERki6ZTQZdSMCtkgoNmp17By9ItJr8o7ChX0XxY91nk=',
      ),
    ).toEqual({ ok: true });
  });
});

describe('F1 wallet ownership proof: Ethereum (EIP-191 personal_sign)', () => {
  const secret = secp256k1.utils.randomSecretKey();
  const address = toChecksumAddress(ethereumAddressOf(secp256k1.getPublicKey(secret, false)).slice(2));

  it('F1 accepts a personal_sign signature of a generated key (v 27/28 and 0/1, EIP-55 or lower case)', () => {
    const signature = ethSign(secret, message);
    expect(verifyWalletProof('ETH', address, message, signature)).toEqual({ ok: true });
    expect(verifyWalletProof('ETH', address.toLowerCase(), message, signature)).toEqual({ ok: true });
    const v01 = `${signature.slice(0, 130)}${(Number.parseInt(signature.slice(130), 16) - 27).toString(16).padStart(2, '0')}`;
    expect(verifyWalletProof('ETH', address, message, v01)).toEqual({ ok: true });
  });

  it('F1 refuses another address, another message and malformed signatures', () => {
    const signature = ethSign(secret, message);
    const other = ethereumAddressOf(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false));
    expect(verifyWalletProof('ETH', other, message, signature)).toEqual({ ok: false, failure: 'mismatch' });
    expect(verifyWalletProof('ETH', address, message.replace('Nonce', 'nonce'), signature)).toEqual({
      ok: false,
      failure: 'mismatch',
    });
    expect(verifyWalletProof('ETH', address, message, '0x1234')).toEqual({ ok: false, failure: 'malformed' });
    expect(verifyWalletProof('ETH', address, message, `${signature.slice(0, 130)}1d`)).toEqual({
      ok: false,
      failure: 'malformed',
    });
  });

  it('F1 published vector: eth-sig-util personalSign of "Hello, world!"', () => {
    expect(
      verifyWalletProof(
        'ETH',
        '0x29c76e6ad8f28bb1004902578fb108c507be341b',
        'Hello, world!',
        '0x90a938f7457df6e8f741264c32697fc52f9a8f867c52dd70713d9d2d472f2e415d9c94148991bbe1f4a1818d1dff09165782749c877f5cf1eff4ef126e55714d1c',
      ),
    ).toEqual({ ok: true });
  });
});
