// The notify context's functions: its API routes and the functions others invoke, with the access each needs.

import type { RouteSpec } from '../catalogue.js';
import { MAX_BODY_BYTES } from '../kernel/http.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import {
  pgpKeyRemovedResponse,
  pgpKeyRemoveRequest,
  pgpKeyRequest,
  pgpKeyResponse,
  phraseRequest,
  phraseResponse,
  platformKeyResponse,
} from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'SetAntiPhishingPhrase',
    method: 'PUT',
    path: '/v1/me/anti-phishing-phrase',
    auth: 'user',
    entry: 'lambdas/notify/handlers/put-anti-phishing-phrase.ts',
    summary: 'B4: sets the phrase shown at the top of every email to the caller (3–64 printable, no link)',
    tag: 'notifications',
    body: phraseRequest,
    response: phraseResponse,
    status: 200,
    errors: ['PHRASE_LENGTH', 'PHRASE_NOT_PRINTABLE', 'PHRASE_HAS_LINK'],
    access: reads('accounts:write'),
  },
  {
    id: 'SetPgpKey',
    method: 'PUT',
    path: '/v1/me/pgp-key',
    auth: 'user',
    entry: 'lambdas/notify/handlers/put-pgp-key.ts',
    summary: 'B3: registers an OpenPGP public key; every email is then signed (and, on request, encrypted)',
    tag: 'notifications',
    body: pgpKeyRequest,
    // An armored key may take up to 16 KiB (contracts.ts): above the firewall's 8 KiB default.
    maxBodyBytes: MAX_BODY_BYTES,
    response: pgpKeyResponse,
    status: 200,
    errors: [
      'PGP_KEY_INVALID',
      'PGP_PRIVATE_KEY',
      'PGP_KEY_TOO_LARGE',
      'PGP_KEY_WEAK',
      'PGP_KEY_EXPIRED',
      'PGP_KEY_REVOKED',
      'PGP_KEY_NO_ENCRYPTION',
      'REAUTH_FAILED',
      'TOTP_REQUIRED',
    ],
    // B1: re-authentication, then the security change (audit, signed hold row, security-hold workflow).
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'pgp-signer:invoke',
      'security-hold:start',
      'shield:write',
    ),
  },
  {
    id: 'RemovePgpKey',
    method: 'POST',
    path: '/v1/me/pgp-key/remove',
    auth: 'user',
    entry: 'lambdas/notify/handlers/delete-pgp-key.ts',
    summary:
      'B3: removes the OpenPGP key after the password (and a TOTP code when enrolled); emails go unsigned again (a security change)',
    tag: 'notifications',
    body: pgpKeyRemoveRequest,
    response: pgpKeyRemovedResponse,
    status: 200,
    errors: ['REAUTH_FAILED', 'TOTP_REQUIRED'],
    access: reads('accounts:write', 'identity:authenticate', 'security-hold:start', 'shield:write'),
  },
  {
    id: 'GetPgpKey',
    method: 'GET',
    path: '/v1/pgp-key',
    auth: 'public',
    entry: 'lambdas/notify/handlers/get-pgp-key.ts',
    summary: "B3: the platform's OpenPGP public key and fingerprint, to verify signed emails",
    tag: 'notifications',
    response: platformKeyResponse,
    status: 200,
    access: ['pgp-key:public'],
  },
];

/**
 * B3: the only function with OpenPGP.js and the platform key (`pgp-key:sign`): signs (and encrypts) email
 * bodies for the user-mail function and validates users' keys for the pgp-key route. Its bundle has the
 * one documented size exception of bench/budgets.ts.
 */
export const PGP_SIGNER: FunctionSpec = {
  id: 'PgpMailSigner',
  entry: 'lambdas/notify/handlers/pgp-mail-signer.ts',
  access: ['pgp-key:sign'],
};

/**
 * Emails a user by id and template: looks the address up through the vault, renders the template with the
 * anti-phishing phrase, and sends, signed through PGP_SIGNER for a user with a key (`user-mail:send`).
 */
export const USER_MAIL: FunctionSpec = {
  id: 'SendUserMail',
  entry: 'lambdas/notify/handlers/send-user-mail.ts',
  access: reads('accounts:read', 'vault:invoke', 'pgp-signer:invoke', 'mail:send', 'mail:failures'),
};

/**
 * B3 at deploy time, not at run time: Custom::PlatformPgpKey's function (lib/messaging.ts). CloudFormation
 * invokes it when the stack is created or the resource changes; it generates the platform key into both
 * secrets unless a key is already there (`pgp-key:init`). Not part of the runtime catalogue (no route, no
 * local counterpart: the local runtime generates its key on first use), hence DEPLOY_FUNCTIONS.
 */
export const PLATFORM_KEY_INIT: FunctionSpec = {
  id: 'PlatformKeyInit',
  entry: 'lambdas/notify/handlers/init-platform-key.ts',
  access: ['pgp-key:init'],
};

/**
 * A1: sends a templated SMS (the sign-up's phone code) through SNS: its own function, so that no route
 * carries the SNS client and only this role holds sns:Publish (`sms:publish`); callers hold `sms:invoke`.
 */
export const SMS_SENDER: FunctionSpec = {
  id: 'SendSms',
  entry: 'lambdas/notify/handlers/send-sms.ts',
  access: ['sms:publish'],
};
