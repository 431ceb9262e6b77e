// B1: changing the password. The new one follows the sign-up policy (12–256 characters of the NFKC form,
// not the username), differs from the current one and from the duress password; the current password (and
// a TOTP code when enrolled) re-authenticates. A security change, recorded before the password changes (a
// failure leaves a spurious hold, never an unrecorded change). Then every other session ends at once (its
// session row revoked) and every refresh token is revoked (global sign-out): whoever knew the old password
// is out; the session that made the change keeps its access token until it expires, then signs in again.
import type { AccountStore } from '../account/contracts.js';
import { NotFound, ValidationError } from '../kernel/errors.js';
import type { CallerIdentity } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import { type ChangeOrigin, type SecurityChanges, securityChangeOf } from '../security/contracts.js';
import { assertPasswordIsNotDuress } from './duress.js';
import type { DuressStore } from './duress-store.js';
import type { PasswordScreen } from './password-screen.js';
import { checkPassword } from './signup-flow.js';

export interface PasswordChangePorts {
  identity: Pick<IdentityProvider, 'reauthenticate' | 'setPassword' | 'globalSignOut'>;
  accounts: Pick<AccountStore, 'listSessions' | 'revokeSession'>;
  duress: Pick<DuressStore, 'get'>;
  securityChanges: SecurityChanges;
  clock: Clock;
  /** X3: weak and breached passwords are refused. */
  passwords: PasswordScreen;
}

export interface PasswordChangeInput {
  currentPassword: string;
  newPassword: string;
  code?: string;
}

export async function changePassword(
  ports: PasswordChangePorts,
  caller: CallerIdentity,
  input: PasswordChangeInput,
  origin: ChangeOrigin,
): Promise<{ passwordChanged: true; otherSessionsEnded: number }> {
  // The rules that need no secret first: a refused new password spends no TOTP code.
  const password = checkPassword(input.newPassword, caller.username);
  if (password === input.currentPassword.normalize('NFKC')) {
    throw new ValidationError(
      'The new password must differ from the current one',
      [{ path: 'newPassword', message: 'equal to the current password' }],
      'PASSWORD_UNCHANGED',
    );
  }
  // X3: also before the re-authentication, so a refused password spends no TOTP code either.
  await ports.passwords.assertAcceptable(password, { username: caller.username }, 'newPassword');
  if (!(await ports.identity.reauthenticate(caller.username, input.currentPassword, input.code))) {
    throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
  }
  await assertPasswordIsNotDuress(password, (await ports.duress.get(caller.userId))?.hash);

  const now = ports.clock.now();
  await ports.securityChanges.onSecurityChange(securityChangeOf('password-changed', caller, origin, now));
  await ports.identity.setPassword(caller.username, password);

  await ports.identity.globalSignOut(caller.username);
  const others = (await ports.accounts.listSessions(caller.userId)).filter(
    (s) => s.sessionId !== caller.sessionId && !s.revokedAt && Date.parse(s.expiresAt) > now.getTime(),
  );
  await Promise.all(
    others.map((s) =>
      ports.accounts.revokeSession(caller.userId, s.sessionId, now).catch((err: unknown) => {
        // Removed by its TTL meanwhile: nothing left to revoke.
        if (!(err instanceof NotFound)) throw err;
      }),
    ),
  );
  return { passwordChanged: true, otherSessionsEnded: others.length };
}
