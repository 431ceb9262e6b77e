// X3: a new password (sign-up, password change) is refused when it is weak or known from a breach, with
// why and what to do. Weak: the zxcvbn-ts estimate (its common-password, English word and name dictionaries,
// keyboard patterns, dates, l33t …) scores below PASSWORD_POLICY.minStrength, the username and email address
// counting as known words, so a password built on them is weak. Breached: the BreachedPasswords port says
// it appeared in a breach; checked first, since that answer tells the user more than "weak" (zxcvbn's own
// dictionary holds the most common breached passwords, so they would all be "weak" otherwise). A breach
// source that does not answer is not a refusal: the strength check still applies (fail open,
// docs/decisions.md).
//
// The dictionaries are ~1.6 MB minified: only the functions that set passwords (SignUp, ChangePassword)
// carry them (bench/budgets.ts SIZE_EXCEPTIONS), and the estimator is built at the first check, not at init.
import type { OptionsType, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { loadPackageData, ZXCVBN_DATA } from '../kernel/data/beside-bundle.js';
import { ValidationError } from '../kernel/errors.js';
import { logger } from '../kernel/observability.js';
import type { BreachedPasswords } from '../kernel/ports/breached-passwords.js';
import { PASSWORD_POLICY } from '../kernel/shapes.js';

export interface PasswordStrength {
  /** 0 (guessable at once) to 4 (very unguessable). */
  score: number;
  warning?: string;
  suggestions: string[];
}

// The estimator's dictionaries, keyboard graphs and messages are data, read from a file beside the bundle at
// the first check (lambdas/kernel/data/beside-bundle.ts): never in the function's init, and not 1.6 MB of the
// bundle. The estimator itself is loaded by dynamic import, so it too is initialised at the first check.
let estimator: Promise<ZxcvbnFactory> | undefined;
const zxcvbn = () => {
  estimator ??= (async () => {
    const { ZxcvbnFactory } = await import('@zxcvbn-ts/core');
    const data = loadPackageData(ZXCVBN_DATA);
    return new ZxcvbnFactory({
      dictionary: data.dictionary,
      graphs: data.graphs,
      translations: data.translations as unknown as NonNullable<OptionsType['translations']>,
    });
  })();
  return estimator;
};

/** The words a password must not lean on: the username, the email address, its local part and its domain. */
export function userInputsOf(user: { username: string; email?: string }): string[] {
  const inputs = [user.username];
  if (user.email) {
    const email = user.email.toLowerCase();
    const at = email.lastIndexOf('@');
    inputs.push(
      email,
      email.slice(0, at),
      ...email
        .slice(at + 1)
        .split('.')
        .filter((p) => p.length > 3),
    );
  }
  return inputs.filter((w) => w.length > 0);
}

export async function estimateStrength(password: string, userInputs: string[]): Promise<PasswordStrength> {
  const result = (await zxcvbn()).check(password, userInputs);
  return {
    score: result.score,
    ...(result.feedback.warning ? { warning: result.feedback.warning } : {}),
    suggestions: result.feedback.suggestions,
  };
}

export interface PasswordScreen {
  /** Throws PASSWORD_WEAK or PASSWORD_BREACHED (400); returns when the password may be set. */
  assertAcceptable(
    password: string,
    user: { username: string; email?: string },
    field?: 'password' | 'newPassword',
  ): Promise<void>;
}

export function passwordScreen(breached: BreachedPasswords): PasswordScreen {
  return {
    async assertAcceptable(password, user, field = 'password') {
      // The breach check first: "it appeared in a breach" is the more telling answer for a listed password.
      const verdict = await breached.check(password);
      if (verdict.status === 'breached') {
        throw new ValidationError(
          'This password has appeared in a data breach, so attackers try it first. Choose a different password ' +
            'that you have not used elsewhere (a passphrase of several unrelated words works well).',
          [{ path: field, message: 'found in a known data breach' }],
          'PASSWORD_BREACHED',
        );
      }
      if (verdict.status === 'unknown') {
        logger.warn('the breached-password check was not made; the password is accepted without it', {
          reason: verdict.reason,
        });
      }
      const strength = await estimateStrength(password, userInputsOf(user));
      if (strength.score < PASSWORD_POLICY.minStrength) {
        const advice = [strength.warning, ...strength.suggestions].filter(Boolean).join(' ');
        throw new ValidationError(
          `This password is too easy to guess. ${advice || 'Add more words or characters that are not a pattern.'}`.trim(),
          [
            ...(strength.warning ? [{ path: field, message: strength.warning }] : []),
            ...strength.suggestions.map((message) => ({ path: field, message })),
            {
              path: field,
              message: `strength ${strength.score} of 4; at least ${PASSWORD_POLICY.minStrength} needed`,
            },
          ],
          'PASSWORD_WEAK',
        );
      }
    },
  };
}
