// GET /v1/me/addresses (C1): the caller's withdrawal addresses (pending, active, blocked), newest first, each
// masked, with its status and the end of its cooling period. The partition is the caller's, from the token
// alone (E5).

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { AddressStore } from '../address-store.js';
import type { AddressesResponse } from '../contracts.js';
import { viewOf } from '../whitelist.js';
import { awsAddressStore } from '../wiring.js';

export const makeHandler = (ports: { addresses: Pick<AddressStore, 'list'> }) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const body: AddressesResponse = { addresses: (await ports.addresses.list(caller.userId)).map(viewOf) };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ addresses: awsAddressStore() }));
