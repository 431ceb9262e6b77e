// GET /v1/auth/device-links/{token} (A7): what the new-device email's link opens. A page whose button confirms
// the sign-in (POST /v1/auth/device-links); opening it, as a mail scanner does, confirms nothing.

import { lazyHandler } from '../../kernel/http.js';
import { type LinkPage, linkPageHandler } from '../../kernel/link-page.js';

export const DEVICE_LINK_PAGE: LinkPage = {
  title: 'Confirm a new sign-in',
  explain:
    'Someone is signing in to your Palisade account from a new device or browser: the email says when, from ' +
    'where and with what. Confirm only if this is you; the waiting sign-in then continues. If it is not you, ' +
    'do not confirm, and change your password.',
  button: 'Yes, it is me: confirm this sign-in',
  action: '../device-links',
};

export const makeHandler = () => linkPageHandler(DEVICE_LINK_PAGE);

export const handler = lazyHandler(makeHandler);
