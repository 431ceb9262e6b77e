// F1 (Travel Rule): proving control of a self-hosted wallet. The customer asks for a challenge for one of their
// addresses (a server-issued text with a random nonce, valid for OWNERSHIP_RULES.challengeMinutes), signs it in
// the wallet that holds the address, and sends the signature; the server verifies it (wallet-proof.ts) and marks
// the address proven, spending the challenge in the same transaction (a replay finds it spent). The withdrawal
// request reads only the address's `ownershipProvenAt`: none of the verification code is in its bundle.
import { ValidationError } from '../kernel/errors.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { WhitelistedAddress } from './address-book.js';
import type { AddressTravelRules, OwnershipChallenge } from './address-travel-rules.js';
import { challengeText, verifyWalletProof } from './wallet-proof.js';
import { addressAudit, auditSource, type Requester } from './whitelist.js';

export const OWNERSHIP_RULES = Object.freeze({
  /** A challenge can be answered this long after it was issued. */
  challengeMinutes: 15,
  /** The name the challenge text starts with (what the customer's wallet shows them). */
  service: 'Palisade withdrawal address check',
});

export interface ChallengePorts {
  travelRules: Pick<AddressTravelRules, 'issueChallenge'>;
}

export interface ProvePorts {
  travelRules: Pick<AddressTravelRules, 'proveOwnership'>;
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}

export async function issueOwnershipChallenge(
  ports: ChallengePorts,
  userId: string,
  addressId: string,
): Promise<OwnershipChallenge & { scheme: 'bip137' | 'eip191' }> {
  const { message, expiresAt, address } = await ports.travelRules.issueChallenge(
    userId,
    addressId,
    (a, nonce, issuedAt) =>
      challengeText({ service: OWNERSHIP_RULES.service, address: a.address, nonce, issuedAt }),
    OWNERSHIP_RULES.challengeMinutes,
  );
  return { message, expiresAt, scheme: address.asset === 'ETH' ? 'eip191' : 'bip137' };
}

export async function proveAddressOwnership(
  ports: ProvePorts,
  requester: Requester,
  addressId: string,
  signature: string,
): Promise<WhitelistedAddress> {
  const after = ports.outbox.pending<WhitelistedAddress>((address): Effect[] => [
    addressAudit(
      requester.userId,
      'address.ownership-proven',
      address.ownershipProvenAt ?? ports.clock.now().toISOString(),
      auditSource(requester),
      { addressId, asset: address.asset, scheme: address.asset === 'ETH' ? 'eip191' : 'bip137' },
    ),
  ]);
  const address = await ports.travelRules.proveOwnership(
    requester.userId,
    addressId,
    (a, message) => {
      const verdict = verifyWalletProof(a.asset, a.address, message, signature);
      if (verdict.ok) return;
      if (verdict.failure === 'unsupported') {
        throw new ValidationError(
          'Proofs for this kind of address are not supported; use a P2PKH, P2WPKH or P2SH-P2WPKH address',
          [{ path: 'signature', message: 'unsupported address type' }],
          'WALLET_PROOF_UNSUPPORTED',
        );
      }
      throw new ValidationError(
        'The signature does not prove control of this address over the challenge',
        [{ path: 'signature', message: verdict.failure }],
        'WALLET_PROOF_INVALID',
      );
    },
    after,
  );
  await after.settle();
  return address;
}
