// The addresses context's functions: its API routes, with the access each needs.

import type { RouteSpec } from '../catalogue.js';
import { linkPage, linkToken } from '../kernel/shapes.js';
import { reads } from '../kernel/specs.js';
import {
  addAddressBody,
  addressConfirmedResponse,
  addressCreatedResponse,
  addressesResponse,
  addressRemovedResponse,
} from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'AddWithdrawalAddress',
    method: 'POST',
    path: '/v1/me/addresses',
    auth: 'user',
    entry: 'lambdas/addresses/handlers/add-address.ts',
    summary:
      'C1: adds a withdrawal address (validated per asset, screened); pending until the emailed link is clicked',
    tag: 'addresses',
    body: addAddressBody,
    response: addressCreatedResponse,
    status: 201,
    errors: [
      'ADDRESS_MALFORMED',
      'ADDRESS_CHECKSUM',
      'ADDRESS_NETWORK',
      'ADDRESS_CASE',
      'ADDRESS_UNSUPPORTED',
      'LABEL_LENGTH',
      'LABEL_NOT_PRINTABLE',
      'LABEL_HAS_LINK',
      'ADDRESS_LIMIT',
      'ADDRESS_BLOCKED',
      'ADDRESS_EXISTS',
    ],
    // The address rows, the confirmation email, and the "this wasn't me" link in it (A4).
    access: reads('accounts:write', 'user-mail:send'),
  },
  {
    id: 'ListWithdrawalAddresses',
    method: 'GET',
    path: '/v1/me/addresses',
    auth: 'user',
    entry: 'lambdas/addresses/handlers/list-addresses.ts',
    summary: "C1: the caller's withdrawal addresses, masked, with status and the end of their cooling period",
    tag: 'addresses',
    response: addressesResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'RemoveWithdrawalAddress',
    method: 'DELETE',
    path: '/v1/me/addresses/{addressId}',
    auth: 'user',
    entry: 'lambdas/addresses/handlers/remove-address.ts',
    summary: "C1: takes one of the caller's addresses off the list at once; another user's id is Not Found",
    tag: 'addresses',
    response: addressRemovedResponse,
    status: 200,
    errors: ['ADDRESS_BLOCKED'],
    access: reads('accounts:write'),
  },
  {
    id: 'AddressLinkPage',
    method: 'GET',
    path: '/v1/addresses/confirm/{token}',
    auth: 'public',
    entry: 'lambdas/addresses/handlers/address-link-page.ts',
    summary: 'C1: the link of the address-confirmation email: a page whose button confirms (changes nothing)',
    tag: 'addresses',
    link: 'page',
    response: linkPage,
    status: 200,
    access: [],
  },
  {
    id: 'ConfirmWithdrawalAddress',
    method: 'POST',
    path: '/v1/addresses/confirm',
    auth: 'public',
    entry: 'lambdas/addresses/handlers/confirm-address.ts',
    summary:
      "C1: the address link's button (a form) or an app (JSON): confirms once (24 h); starts the cooling period",
    tag: 'addresses',
    link: 'action',
    body: linkToken,
    response: addressConfirmedResponse,
    status: 200,
    errors: ['ADDRESS_NOT_PENDING'],
    access: reads('accounts:write'),
  },
];
