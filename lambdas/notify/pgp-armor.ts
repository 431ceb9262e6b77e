// Reads what a published OpenPGP public key is without OpenPGP.js (RFC 9580 §6 armor, §4.2 packet framing,
// §5.5.4 fingerprints): the public `GET /v1/pgp-key` function stays small and never parses private keys.
import { createHash } from 'node:crypto';

export interface PublicKeyFacts {
  version: number;
  /** Upper-case hex, as `gpg --fingerprint` prints it without spaces. */
  fingerprint: string;
  algorithm: string;
  createdAt: Date;
}

const ALGORITHMS: Record<number, string> = {
  1: 'rsaEncryptSign',
  3: 'rsaSign',
  17: 'dsa',
  19: 'ecdsa',
  22: 'eddsaLegacy',
  27: 'ed25519',
  28: 'ed448',
};
const ED25519_LEGACY_OID = '2b06010401da470f01';

/** The binary packets of an ASCII-armored public key block. */
export function dearmorPublicKey(armored: string): Uint8Array {
  const match = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/.exec(
    armored,
  );
  if (!match?.[1]) throw new Error('Not an armored OpenPGP public key block');
  const lines = match[1].split(/\r?\n/).map((l) => l.trim());
  const blank = lines.indexOf('');
  // Armor headers (`Comment: …`) end at the first empty line; base64 follows, then an optional `=CRC24`.
  const body = (
    blank >= 0 && lines.slice(0, blank).every((l) => /^[\w-]+: /.test(l)) ? lines.slice(blank + 1) : lines
  )
    .filter((l) => l !== '' && !/^=[A-Za-z0-9+/]{4}$/.test(l))
    .join('');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('The armored key is not base64');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** Version, fingerprint, algorithm and creation time of the primary key of an armored public key. */
export function inspectPublicKey(armored: string): PublicKeyFacts {
  const bytes = dearmorPublicKey(armored);
  const { tag, body } = firstPacket(bytes);
  if (tag !== 6) throw new Error(`The first packet is tag ${tag}, not a public key (6)`);
  const version = body[0];
  const created = Buffer.from(body.subarray(1, 5)).readUInt32BE(0);
  const algorithmId = body[5] ?? 0;
  let algorithm = ALGORITHMS[algorithmId] ?? `algorithm-${algorithmId}`;
  let fingerprint: string;
  if (version === 4) {
    const prefix = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
    fingerprint = createHash('sha1').update(prefix).update(body).digest('hex');
    if (algorithmId === 22) {
      const oidLength = body[6] ?? 0;
      const oid = Buffer.from(body.subarray(7, 7 + oidLength)).toString('hex');
      if (oid === ED25519_LEGACY_OID) algorithm = 'eddsaLegacy/ed25519Legacy';
    }
  } else if (version === 6) {
    const prefix = Buffer.alloc(5);
    prefix[0] = 0x9b;
    prefix.writeUInt32BE(body.length, 1);
    fingerprint = createHash('sha256').update(prefix).update(body).digest('hex');
  } else {
    throw new Error(`Unsupported public key version ${String(version)}`);
  }
  return { version, fingerprint: fingerprint.toUpperCase(), algorithm, createdAt: new Date(created * 1000) };
}

function firstPacket(bytes: Uint8Array): { tag: number; body: Uint8Array } {
  const first = bytes[0] ?? 0;
  if ((first & 0x80) === 0) throw new Error('Not an OpenPGP packet');
  let tag: number;
  let length: number;
  let offset: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    const o1 = bytes[1] ?? 0;
    if (o1 < 192) [length, offset] = [o1, 2];
    else if (o1 < 224) [length, offset] = [((o1 - 192) << 8) + (bytes[2] ?? 0) + 192, 3];
    else if (o1 === 255) [length, offset] = [Buffer.from(bytes.subarray(2, 6)).readUInt32BE(0), 6];
    else throw new Error('Partial body lengths are not allowed in a key packet');
  } else {
    tag = (first >> 2) & 0x0f;
    const type = first & 3;
    if (type === 0) [length, offset] = [bytes[1] ?? 0, 2];
    else if (type === 1) [length, offset] = [Buffer.from(bytes.subarray(1, 3)).readUInt16BE(0), 3];
    else if (type === 2) [length, offset] = [Buffer.from(bytes.subarray(1, 5)).readUInt32BE(0), 5];
    else throw new Error('Indeterminate packet length');
  }
  if (offset + length > bytes.length) throw new Error('Truncated packet');
  return { tag, body: bytes.subarray(offset, offset + length) };
}
