// GET /v1/addresses/confirm/{token} (C1): the link of the address-confirmation email, opened on any device.
// Single use, 24 hours; the address becomes active and may receive withdrawals after its cooling period.

import * as aws from '../../kernel/aws/infra.js';
import { httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import { linkToken } from '../../kernel/shapes.js';
import type { AddressConfirmedResponse } from '../contracts.js';
import { type ConfirmPorts, confirmAddress } from '../whitelist.js';
import { awsAddressStore } from '../wiring.js';

export const makeHandler = (ports: ConfirmPorts) =>
  httpHandler({}, async (request) => {
    const { token } = parseWith(linkToken, request.pathParams, 'link');
    const address = await confirmAddress(ports, token, {
      ip: request.sourceIp,
      ...(request.userAgent ? { userAgent: request.userAgent } : {}),
      requestId: request.requestId,
    });
    const usableFrom = address.usableFrom ?? (address.confirmedAt as string);
    const body: AddressConfirmedResponse = {
      done: true,
      message: `Address ${address.addressMasked} confirmed: it can receive withdrawals from ${usableFrom}.`,
      usableFrom,
    };
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ addresses: awsAddressStore(), audit: aws.rows().audit, clock: aws.clock }),
);
