// The init-time environment check of every Lambda: CDK derives the variables a function needs from its access
// list at synth (requiredEnv of access-env.ts) and names them in PALISADE_REQUIRED_ENV; at init the function
// checks each is set and fails naming the missing ones. Dependency-free and tableless, for every bundle.

/** The variable that lists, comma-separated, the variables this function's access list needs. */
export const REQUIRED_ENV_VARIABLE = 'PALISADE_REQUIRED_ENV';

/** Throws naming every required variable that is missing or empty (and a missing list itself). */
export function checkRequiredEnv(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const list = env[REQUIRED_ENV_VARIABLE];
  if (list === undefined) throw new Error(`Missing environment variable ${REQUIRED_ENV_VARIABLE}`);
  const missing = list.split(',').filter((name) => name !== '' && !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `Missing environment variable(s) ${missing.join(', ')} required by this function's access (${env.PALISADE_ACCESS ?? '?'})`,
    );
  }
}
