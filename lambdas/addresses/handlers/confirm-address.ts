// POST /v1/addresses/confirm (C1): the button of the address-confirmation email's link page, or an app, with
// the link's token in the body (a form or JSON). Single use, 24 hours; the address becomes active and may
// receive withdrawals after its cooling period.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { linkActionHandler } from '../../kernel/link-page.js';
import type { AddressConfirmedResponse } from '../contracts.js';
import { type ConfirmPorts, confirmAddress } from '../whitelist.js';
import { awsAddressAuditOutbox, awsAddressStore } from '../wiring.js';

export const makeHandler = (ports: ConfirmPorts) =>
  linkActionHandler(async (token, request) => {
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
    return { title: 'Address confirmed', body };
  });

export const handler = lazyHandler(() =>
  makeHandler({ addresses: awsAddressStore(), outbox: awsAddressAuditOutbox(), clock: aws.clock }),
);
