// POST /v1/me/addresses/{addressId}/ownership-challenge (F1, Travel Rule): a new challenge text for one of the
// caller's addresses, to be signed in the wallet that holds it; replaces any earlier challenge.

import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import { addressIdParam, type OwnershipChallengeResponse } from '../contracts.js';
import { type ChallengePorts, issueOwnershipChallenge } from '../ownership.js';
import { awsAddressTravelRules } from '../wiring.js';

export const makeHandler = (ports: ChallengePorts) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const { addressId } = parseWith(addressIdParam, request.pathParams, 'address id');
    const body: OwnershipChallengeResponse = await issueOwnershipChallenge(ports, caller.userId, addressId);
    return { status: 201, body };
  });

export const handler = lazyHandler(() => makeHandler({ travelRules: awsAddressTravelRules() }));
