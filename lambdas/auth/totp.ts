// A2 TOTP (RFC 6238, Google Authenticator): enrolment with secret, otpauth URI and QR code; confirmation with
// the password and a first code, and disabling with password + code, both security changes (B1/B2). Codes are checked and spent by the
// identity port (Cognito refuses a reused code; the local directory remembers the last used time step).

import { Conflict, Unauthorized, ValidationError } from '../kernel/errors.js';
import type { CallerIdentity } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import {
  type ChangeOrigin,
  type SecurityChange,
  type SecurityChanges,
  securityChangeOf,
} from '../security/contracts.js';
import type { TotpEnrolmentResponse } from './totp-contracts.js';

export const TOTP_ISSUER = 'Palisade';

export type TotpIdentity = Pick<
  IdentityProvider,
  'getUser' | 'beginTotpEnrolment' | 'confirmTotpEnrolment' | 'reauthenticate' | 'disableTotp'
>;

export interface TotpPorts {
  identity: TotpIdentity;
  securityChanges: SecurityChanges;
  clock: Clock;
}

export type EnrolPorts = { identity: Pick<TotpIdentity, 'getUser' | 'beginTotpEnrolment'> };
export interface ConfirmPorts {
  identity: Pick<TotpIdentity, 'getUser' | 'reauthenticate' | 'confirmTotpEnrolment' | 'disableTotp'>;
  securityChanges: SecurityChanges;
  clock: Clock;
}

/** The raw access token of the request (`Authorization: Bearer …`), which Cognito's own TOTP APIs take. */
export function bearerTokenOf(headers: Record<string, string | undefined> | null | undefined): string {
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(value ?? '')?.[1];
  if (!token) throw new Unauthorized('Authentication required');
  return token;
}

/**
 * Key Uri Format (`otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER`), parameters spelled out with
 * Google Authenticator's values. Issuer and account are percent-encoded, a colon in either included, so the
 * label's `ISSUER:ACCOUNT` split stays unambiguous.
 */
export function otpauthUri(username: string, secret: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(username)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${query.toString().replaceAll('+', '%20')}`;
}

/**
 * Starts enrolment: the secret and its otpauth URI (the enrolment handler adds the QR code, so that only its
 * bundle carries the QR encoder). Refused while TOTP is enabled: replacing the authenticator with only an access token
 * would let a stolen token take over the second factor; disable first (password + code).
 */
export async function beginEnrolment(
  ports: EnrolPorts,
  caller: CallerIdentity,
  accessToken: string,
): Promise<Omit<TotpEnrolmentResponse, 'qrCode' | 'qrPng'>> {
  const user = await ports.identity.getUser(caller.username);
  if (!user || user.userId !== caller.userId) throw new Unauthorized('Authentication required');
  if (user.totpEnabled) throw new Conflict('TOTP is already enabled', 'TOTP_ALREADY_ENABLED');
  const { secret } = await ports.identity.beginTotpEnrolment(accessToken);
  return { secret, otpauthUri: otpauthUri(caller.username, secret) };
}

/**
 * B1: confirms enrolment after re-authentication with the password, with a first code (a wrong code is a
 * 400 `TOTP_INVALID` from the port); a security change. The code is checked first, so a mistyped code starts
 * no hold; should the change then fail to be recorded, TOTP is turned off again: no unrecorded change stays.
 */
export async function confirmEnrolment(
  ports: ConfirmPorts,
  caller: CallerIdentity,
  accessToken: string,
  input: { code: string; password: string },
  origin: ChangeOrigin,
): Promise<{ securityChange: SecurityChange }> {
  const user = await ports.identity.getUser(caller.username);
  if (!user || user.userId !== caller.userId) throw new Unauthorized('Authentication required');
  if (user.totpEnabled) throw new Conflict('TOTP is already enabled', 'TOTP_ALREADY_ENABLED');
  if (!(await ports.identity.reauthenticate(caller.username, input.password))) {
    throw new ValidationError('The password is not valid', undefined, 'REAUTH_FAILED');
  }
  await ports.identity.confirmTotpEnrolment(accessToken, input.code);
  const securityChange = securityChangeOf('totp-enabled', caller, origin, ports.clock.now());
  try {
    await ports.securityChanges.onSecurityChange(securityChange);
  } catch (err) {
    await ports.identity.disableTotp(caller.username);
    throw err;
  }
  return { securityChange };
}

/**
 * Disables TOTP after re-authentication with the password and a current code. The security change is
 * reported before TOTP goes off, so a failure leaves a spurious hold rather than an unguarded change.
 */
export async function disableTotp(
  ports: TotpPorts,
  caller: CallerIdentity,
  password: string,
  code: string,
  origin: ChangeOrigin,
): Promise<{ securityChange: SecurityChange }> {
  const user = await ports.identity.getUser(caller.username);
  if (!user || user.userId !== caller.userId) throw new Unauthorized('Authentication required');
  if (!user.totpEnabled) throw new Conflict('TOTP is not enabled', 'TOTP_NOT_ENABLED');
  if (!(await ports.identity.reauthenticate(caller.username, password, code))) {
    throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
  }
  const securityChange = securityChangeOf('totp-disabled', caller, origin, ports.clock.now());
  await ports.securityChanges.onSecurityChange(securityChange);
  await ports.identity.disableTotp(caller.username);
  return { securityChange };
}
