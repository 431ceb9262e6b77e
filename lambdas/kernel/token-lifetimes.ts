// Token and session lifetimes: read by CDK (Cognito app clients), the identity adapters and the session rules.
export const USER_TOKENS = { accessMinutes: 15, idMinutes: 15, refreshHours: 12 } as const;
export const ADMIN_TOKENS = { accessMinutes: 5, idMinutes: 5, refreshHours: 1 } as const;

export const userSessionLifetimeMs = USER_TOKENS.refreshHours * 3_600_000;

/** D1/A8: how far in the future a token's `iat` may lie (clock skew between the issuer and us). */
export const MAX_CLOCK_SKEW_MS = 60_000;
