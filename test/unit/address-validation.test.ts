// C1 address validation (BIP-173/BIP-350 and EIP-55 test vectors, real mainnet addresses). The screening of
// addresses against the sanctions lists in force is in screening-address-index.test.ts.
import bs58check from 'bs58check';
import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  decodeSegwit,
  maskAddress,
  normaliseAddress,
  toChecksumAddress,
} from '../../lambdas/addresses/validate.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const base58 = (version: number, length = 20) =>
  bs58check.encode(Uint8Array.from([version, ...new Array<number>(length).fill(7)]));

describe('C1 Bitcoin addresses', () => {
  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'p2pkh'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'p2sh'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'p2wpkh'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'p2wpkh'],
    ['bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'p2wsh'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'p2tr'],
  ])('C1 %s is a mainnet %s address, stored as given', (address, kind) => {
    expect(checkAddress('BTC', address)).toEqual({ ok: true, asset: 'BTC', address, kind });
  });

  it('C1 bech32 in upper case is accepted and stored in lower case; blanks around are ignored', () => {
    expect(checkAddress('BTC', ' BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4\n')).toMatchObject({
      ok: true,
      address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    });
  });

  it('C1 BIP-350 valid vectors decode to their witness version and program', () => {
    const cases: [string, number, string][] = [
      ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 0, '751e76e8199196d454941c45d1b3a323f1433bd6'],
      [
        'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
        1,
        '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      ],
      [
        'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
        1,
        '751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6',
      ],
      ['BC1SW50QGDZ25J', 16, '751e'],
      ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 2, '751e76e8199196d454941c45d1b3a323'],
      [
        'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
        1,
        '000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
      ],
    ];
    for (const [address, version, program] of cases) {
      const decoded = decodeSegwit(address);
      expect(decoded.ok, address).toBe(true);
      if (decoded.ok) expect([decoded.version, hex(decoded.program)]).toEqual([version, program]);
    }
  });

  it('C1 valid segwit programs no wallet spends yet (v1 non-32-byte, v2..16) are not accepted as destinations', () => {
    for (const address of [
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
      'BC1SW50QGDZ25J',
      'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
    ]) {
      expect(checkAddress('BTC', address)).toMatchObject({ ok: false, refusal: 'ADDRESS_UNSUPPORTED' });
    }
  });

  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'ADDRESS_CHECKSUM', 'base58 checksum (last character changed)'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz', 'ADDRESS_CHECKSUM', 'base58 checksum of a P2SH'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', 'ADDRESS_CHECKSUM', 'bech32 checksum'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
      'ADDRESS_CHECKSUM',
      'BIP-350: v1 with a bech32 (not bech32m) checksum',
    ],
    [
      'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
      'ADDRESS_CHECKSUM',
      'BIP-350: v16 with a bech32 checksum',
    ],
    [
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
      'ADDRESS_CHECKSUM',
      'BIP-350: v0 with a bech32m (not bech32) checksum',
    ],
    [
      'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
      'ADDRESS_MALFORMED',
      'BIP-350: a character outside the bech32 alphabet',
    ],
    [
      'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
      'ADDRESS_MALFORMED',
      'BIP-350: witness version 17',
    ],
    ['bc1pw5dgrnzv', 'ADDRESS_MALFORMED', 'BIP-350: a 1-byte program'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
      'ADDRESS_MALFORMED',
      'BIP-350: a 41-byte program',
    ],
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'ADDRESS_MALFORMED', 'BIP-350: a 16-byte v0 program'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
      'ADDRESS_MALFORMED',
      'BIP-350: zero padding of more than 4 bits',
    ],
    ['bc1gmk9yu', 'ADDRESS_MALFORMED', 'BIP-350: an empty data section'],
    ['bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'ADDRESS_CASE', 'bech32 in mixed case'],
    [
      'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
      'ADDRESS_NETWORK',
      'a testnet bech32 address (BIP-173 vector)',
    ],
    [
      'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
      'ADDRESS_NETWORK',
      'a testnet taproot address (BIP-350 vector)',
    ],
    [
      'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut',
      'ADDRESS_MALFORMED',
      'BIP-350: an unknown human-readable part',
    ],
    [base58(0x6f), 'ADDRESS_NETWORK', 'a testnet P2PKH version byte (0x6f)'],
    [base58(0xc4), 'ADDRESS_NETWORK', 'a testnet P2SH version byte (0xc4)'],
    [base58(0x30), 'ADDRESS_NETWORK', "another coin's version byte (Litecoin 0x30)"],
    [base58(0x00, 19), 'ADDRESS_MALFORMED', 'a 19-byte hash'],
    [base58(0x05, 21), 'ADDRESS_MALFORMED', 'a 21-byte hash'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na', 'ADDRESS_MALFORMED', 'a 0 (not base58)'],
    ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96', 'ADDRESS_MALFORMED', 'an Ether address'],
    ['', 'ADDRESS_MALFORMED', 'nothing'],
    [`bc1q${'q'.repeat(100)}`, 'ADDRESS_MALFORMED', 'too long'],
  ])('C1 %s is refused with %s: %s', (address, refusal) => {
    expect(checkAddress('BTC', address)).toMatchObject({ ok: false, refusal });
  });
});

describe('C1 Ether addresses (EIP-55)', () => {
  it.each([
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ])('C1 EIP-55 test vector %s checksums to itself', (address) => {
    expect(toChecksumAddress(address.slice(2))).toBe(address);
  });

  it('C1 a checksummed address is accepted as it is', () => {
    expect(checkAddress('ETH', '0x098B716B8Aaf21512996dC57EB0615e2383E2f96')).toEqual({
      ok: true,
      asset: 'ETH',
      address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
      kind: 'eth',
    });
  });

  it('C1 all lower case or all upper case carries no checksum: accepted and stored in EIP-55 form', () => {
    for (const input of [
      '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
      '0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED',
    ]) {
      expect(normaliseAddress('ETH', input)).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    }
  });

  it.each([
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'ADDRESS_CASE', 'one letter in the wrong case'],
    ['0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ADDRESS_CASE', 'a wrong EIP-55 checksum'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', 'ADDRESS_MALFORMED', '39 hex digits'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd', 'ADDRESS_MALFORMED', '41 hex digits'],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ADDRESS_MALFORMED', 'no 0x'],
    ['0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ADDRESS_MALFORMED', 'an upper-case 0X'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg', 'ADDRESS_MALFORMED', 'a non-hex digit'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'ADDRESS_MALFORMED', 'a Bitcoin address'],
  ])('C1 %s is refused with %s: %s', (address, refusal) => {
    expect(checkAddress('ETH', address)).toMatchObject({ ok: false, refusal });
  });
});

describe('C1 masking', () => {
  it('C1 an address is shown by its first six and last four characters', () => {
    expect(maskAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe('bc1qar…5mdq');
    expect(maskAddress('0x098B716B8Aaf21512996dC57EB0615e2383E2f96')).toBe('0x098B…2f96');
  });
});
