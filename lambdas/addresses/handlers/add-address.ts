// POST /v1/me/addresses (C1): adds a withdrawal address to the caller's list: validated for its asset,
// screened against the sanctions lists in force, pending until the emailed link is clicked.

import * as aws from '../../kernel/aws/infra.js';
import { baseUrlOf } from '../../kernel/client-context.js';
import { describeBrowser } from '../../kernel/client-description.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { type AddressCreatedResponse, addAddressBody } from '../contracts.js';
import { type AddPorts, addAddress, viewOf } from '../whitelist.js';
import {
  awsAddressOutbox,
  awsAddressScreen,
  awsAddressStore,
  awsScreeningActions,
  awsSuspensionLinks,
} from '../wiring.js';

export const makeHandler = (ports: AddPorts) =>
  httpHandler({ body: addAddressBody }, async (request, event) => {
    const caller = callerOf(event);
    const { address, message } = await addAddress(
      ports,
      {
        userId: caller.userId,
        ip: request.sourceIp,
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
        browser: describeBrowser(request.userAgent),
        requestId: request.requestId,
        baseUrl: baseUrlOf(event),
      },
      request.body,
    );
    const body: AddressCreatedResponse = { address: viewOf(address), message };
    return { status: 201, body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    addresses: awsAddressStore(),
    audit: aws.rows().audit,
    outbox: awsAddressOutbox(),
    links: awsSuspensionLinks(),
    clock: aws.clock,
    settings: aws.settings(),
    sanctions: awsAddressScreen(),
    screening: awsScreeningActions(),
  }),
);
