// GET /v1/addresses/confirm/{token} (C1): what the address-confirmation email's link opens. A page whose button
// confirms the address (POST /v1/addresses/confirm); opening it, as a mail scanner does, confirms nothing.

import { lazyHandler } from '../../kernel/http.js';
import { type LinkPage, linkPageHandler } from '../../kernel/link-page.js';

export const ADDRESS_LINK_PAGE: LinkPage = {
  title: 'Confirm a withdrawal address',
  explain:
    'A new withdrawal address was added to your Palisade account: the email names the asset and the address. ' +
    'Confirm it only if you added it; it can then receive withdrawals after its cooling period. If you did ' +
    'not add it, do not confirm: use the "this wasn\'t me" link of the email instead.',
  button: 'Confirm this address',
  action: '../confirm',
};

export const makeHandler = () => linkPageHandler(ADDRESS_LINK_PAGE);

export const handler = lazyHandler(makeHandler);
