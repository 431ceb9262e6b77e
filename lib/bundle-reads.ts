// What a production bundle asks its environment for, read from the bundle itself: the Palisade variables it
// names as a call's only argument (`requireEnv("X")` and `invoker("X")` survive minification as `f("X")`).
// Synth checks every bundle against its function's environment (PalisadeFunction), so a handler whose wiring
// needs a table, key, function or workflow its Access does not give fails `npm run synth` and `cdk deploy`,
// naming the function, the variable and the access that gives it; the cloud harness checks the same reads
// against the role's statements.
import { ACCESS_ENV, BASE_ENV } from '../lambdas/kernel/runtime/access-env.js';

/** Every variable the Lambda runtime's code may ask for by name (lambdas/kernel/runtime/aws-env.ts). */
export const PALISADE_VARIABLES: ReadonlySet<string> = new Set<string>([
  ...BASE_ENV,
  ...Object.values(ACCESS_ENV).flat(),
  'STATE_MACHINES',
]);

/** The Palisade variables a bundle names as a call's only argument. */
export function variablesRead(bundleText: string): string[] {
  const found = new Set<string>();
  for (const match of bundleText.matchAll(/\("([A-Z][A-Z0-9_]{2,})"\)/g)) {
    const name = match[1] as string;
    if (PALISADE_VARIABLES.has(name)) found.add(name);
  }
  return [...found].sort();
}

/**
 * Reads a bundle holds but its handler never reaches, reviewed one by one: a flow shared by two handlers
 * carries both handlers' ports. Each function's entry is exact (the cloud harness fails on an entry whose
 * read is gone), so a new read can never hide here.
 */
export const LATENT_READS: Readonly<Record<string, readonly string[]>> = {
  // The vault seals the contact fields at verification (VerifySignUp), not at the request.
  SignUp: ['VAULT_FUNCTION'],
  // The codes went out with the request (SignUp).
  VerifySignUp: ['SMS_FUNCTION', 'USER_MAIL_FUNCTION'],
  // The duress check runs on the password step only (Login).
  AnswerChallenge: ['DURESS_FUNCTION'],
  // An email change sends its code by email, a phone change by SMS.
  RequestEmailChange: ['SMS_FUNCTION'],
  RequestPhoneChange: ['USER_MAIL_FUNCTION'],
  // The confirmation sends no code; the notices go out from the security-hold workflow.
  ConfirmEmailChange: ['SMS_FUNCTION', 'USER_MAIL_FUNCTION'],
  ConfirmPhoneChange: ['SMS_FUNCTION', 'USER_MAIL_FUNCTION'],
};

/** The reads of a bundle its function's environment does not satisfy, each as one line for synth's error. */
export function unmetReads(
  functionId: string,
  bundleText: string,
  environment: Readonly<Record<string, string>>,
): string[] {
  const latent = LATENT_READS[functionId] ?? [];
  return variablesRead(bundleText)
    .filter((name) => environment[name] === undefined && !latent.includes(name))
    .map((name) => {
      const givenBy = Object.entries(ACCESS_ENV)
        .filter(([, vars]) => (vars as readonly string[]).includes(name))
        .map(([access]) => `'${access}'`);
      return `${functionId}'s bundle reads ${name}, which its environment lacks${
        givenBy.length ? `: add ${givenBy.join(' or ')} to its access in the catalogue` : ''
      }`;
    });
}
