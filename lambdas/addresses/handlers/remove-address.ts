// DELETE /v1/me/addresses/{addressId} (C1): takes one of the caller's addresses off the list at once.
// Another user's address id is Not Found and changes nothing: the key is built from the caller's id (E5).

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import { type AddressRemovedResponse, addressIdParam } from '../contracts.js';
import { type RemovePorts, removeAddress, viewOf } from '../whitelist.js';
import { awsAddressAuditOutbox, awsAddressStore } from '../wiring.js';

export const makeHandler = (ports: RemovePorts) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const { addressId } = parseWith(addressIdParam, request.pathParams, 'address id');
    const address = await removeAddress(
      ports,
      {
        userId: caller.userId,
        ip: request.sourceIp,
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
        requestId: request.requestId,
      },
      addressId,
    );
    const body: AddressRemovedResponse = { address: viewOf(address) };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ addresses: awsAddressStore(), outbox: awsAddressAuditOutbox(), clock: aws.clock }),
);
