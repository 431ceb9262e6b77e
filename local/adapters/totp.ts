// RFC 6238 TOTP for the local directory (otplib defaults: SHA-1, 6 digits, 30 s, as Google Authenticator).
import { generateSecret, verify } from 'otplib';

/** One step either side, for clock drift between the phone and the server. */
const TOLERANCE_SECONDS = 30;

/** A fresh base32 secret of 160 bits, the size Cognito's AssociateSoftwareToken returns. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

/**
 * The time step the code belongs to, or undefined when it is wrong. A step at or before `usedStep` is
 * refused, so a code cannot be replayed.
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  usedStep: number | undefined,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(usedStep !== undefined ? { afterTimeStep: usedStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    // otplib throws when the last used step lies beyond the window (the clock went back): not a valid code.
    return undefined;
  }
}
