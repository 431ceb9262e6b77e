// BreachedPasswords port (X3): has this password appeared in a known data breach? In AWS: Have I Been
// Pwned's Pwned Passwords range API by k-anonymity (kernel/aws/pwned-passwords.ts, only the first 5 hex
// characters of the SHA-1 leave); locally: a bundled list of the most common breached passwords
// (local/adapters/breached-passwords.ts).

/** `breached`: seen in a breach (how often, when known); `clean`: not seen; `unknown`: the source did not answer. */
export type BreachVerdict =
  | { status: 'breached'; count: number }
  | { status: 'clean' }
  | { status: 'unknown'; reason: string };

export interface BreachedPasswords {
  /** Never throws: a source that cannot answer says `unknown` (the caller fails open, docs/decisions.md). */
  check(password: string): Promise<BreachVerdict>;
}
