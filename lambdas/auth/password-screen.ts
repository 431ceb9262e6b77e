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
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
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

// Loaded by dynamic import: in the single-file bundle esbuild wraps these modules in lazy initialisers, so
// their dictionaries are decoded at the first check, never in the function's init (measured: +0.5 s of init
// on the bench machine when imported statically).
let estimator: Promise<ZxcvbnFactory> | undefined;
const zxcvbn = () => {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
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
