// POST /v1/me/addresses/{addressId}/ownership (F1, Travel Rule): the signature of the address's live challenge;
// verified here (BTC BIP-137, ETH EIP-191), the address marked proven and the challenge spent together.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import { addressIdParam, type OwnershipProvenResponse, ownershipProofBody } from '../contracts.js';
import { type ProvePorts, proveAddressOwnership } from '../ownership.js';
import { viewOf } from '../whitelist.js';
import { awsAddressAuditOutbox, awsAddressTravelRules } from '../wiring.js';

export const makeHandler = (ports: ProvePorts) =>
  httpHandler({ body: ownershipProofBody }, async (request, event) => {
    const caller = callerOf(event);
    const { addressId } = parseWith(addressIdParam, request.pathParams, 'address id');
    const address = await proveAddressOwnership(
      ports,
      {
        userId: caller.userId,
        ip: request.sourceIp,
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
        requestId: request.requestId,
      },
      addressId,
      request.body.signature,
    );
    const body: OwnershipProvenResponse = { address: viewOf(address) };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ travelRules: awsAddressTravelRules(), outbox: awsAddressAuditOutbox(), clock: aws.clock }),
);
