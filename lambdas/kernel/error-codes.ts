// The one registry of Palisade's error codes: each stable `error.code` an answer can carry, with its HTTP
// status and what it means. The typed errors of errors.ts accept only these codes of their own status (a type
// check; errors.ts imports this file as a type, so no Lambda bundle carries it), and the OpenAPI document
// (lambdas/openapi.ts) lists them per route and status as an enum.

export const ERROR_CODES = {
  // 400: the request itself is wrong.
  VALIDATION_FAILED: {
    status: 400,
    description: 'The request does not match the schema; `details` lists where',
  },
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON' },
  UNEXPECTED_BODY: { status: 400, description: 'This route takes no request body' },
  MALFORMED_PATH: { status: 400, description: 'The request path cannot be read' },
  BAD_REQUEST: { status: 400, description: 'A request the gateway could not read' },
  INVALID_CURSOR: { status: 400, description: 'The `cursor` is not one this list handed out' },
  PASSWORD_POLICY: { status: 400, description: 'The new password does not meet the password policy' },
  PASSWORD_WEAK: {
    status: 400,
    description: 'X3: the new password is too easy to guess; `details` says why and how to make it stronger',
  },
  PASSWORD_BREACHED: {
    status: 400,
    description: 'X3: the new password appeared in a known data breach; choose another one',
  },
  PASSWORD_UNCHANGED: { status: 400, description: 'The new password equals the current one' },
  USERNAME_IS_EMAIL: { status: 400, description: 'A username may not be an email address' },
  DURESS_EQUALS_PASSWORD: { status: 400, description: 'The duress password must differ from the password' },
  REAUTH_FAILED: { status: 400, description: 'The password or TOTP code of the step-up is wrong' },
  TOTP_REQUIRED: { status: 400, description: 'This change needs the TOTP code as well' },
  TOTP_INVALID: { status: 400, description: 'The TOTP code is wrong' },
  CODE_INVALID: { status: 400, description: 'The emailed or texted code is wrong' },
  CONTACT_UNCHANGED: { status: 400, description: 'The new address equals the current one' },
  INVALID_DECISION: { status: 400, description: 'The decision does not apply to this request' },
  AMOUNT_INVALID: { status: 400, description: 'The amount is not a valid amount of the asset' },
  ASSET_MISMATCH: { status: 400, description: 'The address belongs to another asset' },
  TRAVEL_RULE_DATA_REQUIRED: {
    status: 400,
    description: 'F1: a withdrawal at or above the Travel Rule threshold must name its `beneficiary`',
  },
  WALLET_PROOF_INVALID: {
    status: 400,
    description: 'F1: the signature does not prove control of the address over the challenge',
  },
  WALLET_PROOF_UNSUPPORTED: {
    status: 400,
    description: 'F1: proofs for this address type are not verified (BTC: P2PKH, P2WPKH, P2SH-P2WPKH; ETH)',
  },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, description: 'The `Idempotency-Key` header is missing' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, description: 'The `Idempotency-Key` header is not a valid key' },
  SMS_COUNTRY_NOT_ALLOWED: { status: 400, description: 'No SMS can be sent to numbers of this country' },
  PASSWORD_INVALID: { status: 400, description: 'The password is outside the allowed length' },
  DURESS_PASSWORD_INVALID: { status: 400, description: 'The duress password is outside the allowed length' },
  LABEL_LENGTH: { status: 400, description: 'The address label is too long or empty' },
  LABEL_NOT_PRINTABLE: {
    status: 400,
    description: 'The address label has characters that are not printable',
  },
  LABEL_HAS_LINK: { status: 400, description: 'The address label looks like a link' },
  PHRASE_LENGTH: { status: 400, description: 'The anti-phishing phrase is too long or too short' },
  PHRASE_NOT_PRINTABLE: { status: 400, description: 'The phrase has characters that are not printable' },
  PHRASE_HAS_LINK: { status: 400, description: 'The phrase looks like a link' },
  PGP_KEY_INVALID: { status: 400, description: 'Not an OpenPGP public key' },
  PGP_PRIVATE_KEY: { status: 400, description: 'A private key was sent; send the public key only' },
  PGP_KEY_TOO_LARGE: { status: 400, description: 'The key is too large' },
  PGP_KEY_WEAK: { status: 400, description: 'The key algorithm or size is too weak' },
  PGP_KEY_EXPIRED: { status: 400, description: 'The key has expired' },
  PGP_KEY_REVOKED: { status: 400, description: 'The key is revoked' },
  PGP_KEY_NO_ENCRYPTION: { status: 400, description: 'The key cannot encrypt' },
  ADDRESS_MALFORMED: { status: 400, description: 'Not an address of the asset' },
  ADDRESS_CHECKSUM: { status: 400, description: "The address's checksum does not match (a typo)" },
  ADDRESS_NETWORK: { status: 400, description: 'A testnet address or one of another coin' },
  ADDRESS_CASE: { status: 400, description: 'Mixed case where the address format forbids it' },
  ADDRESS_UNSUPPORTED: { status: 400, description: 'An address kind no wallet spends yet' },
  INVALID_USERNAME: { status: 400, description: 'The directory refused the username' },
  INVALID_EMAIL: { status: 400, description: 'The directory refused the email address' },
  INVALID_PHONE: { status: 400, description: 'The directory refused the phone number' },
  INVALID_PASSWORD: { status: 400, description: 'The directory refused the password' },
  // 401
  UNAUTHORIZED: { status: 401, description: 'Missing, invalid or revoked token, or wrong credentials' },
  REFRESH_INVALID: { status: 401, description: 'The refresh token is not valid; sign in again' },
  REFRESH_REUSED: {
    status: 401,
    description: 'A rotated refresh token was used again: the session is ended',
  },
  SESSION_REVOKED: { status: 401, description: 'The session has ended; sign in again' },
  TOTP_CODE_USED: {
    status: 401,
    description: 'This TOTP code was used already; wait for the next code of the authenticator',
  },
  // 403
  FORBIDDEN: { status: 403, description: 'The caller may not do this (or the firewall refused the request)' },
  JURISDICTION: { status: 403, description: 'Not available from this country' },
  STEP_UP_REQUIRED: {
    status: 403,
    description: 'This action or read needs a fresh step-up of the session (`POST /v1/me/step-up`)',
  },
  TOTP_SETUP_REQUIRED: { status: 403, description: 'TOTP must be set up first' },
  ADMIN_NOT_ALLOWED: { status: 403, description: 'An admin may not act on this (their own request, say)' },
  TIER_NOT_ALLOWED: { status: 403, description: "The admin's tiers do not allow this" },
  DAILY_LIMIT: { status: 403, description: 'Over the daily withdrawal limit' },
  ACCOUNT_SUSPENDED: {
    status: [403, 401],
    description: 'The account is suspended (403 on a withdrawal, 401 on a token refresh)',
  },
  SECURITY_HOLD: { status: 403, description: 'Withdrawals are held after a security change' },
  ADDRESS_PENDING: { status: 403, description: 'The address waits for its email confirmation' },
  ADDRESS_REMOVED: { status: 403, description: 'The address was removed from the whitelist' },
  ADDRESS_COOLING: { status: 403, description: 'The address is usable later (`usableFrom`)' },
  MONTHLY_LIMIT: { status: 403, description: 'Over the monthly withdrawal limit' },
  WALLET_PROOF_REQUIRED: {
    status: 403,
    description: 'F1: above the Travel Rule threshold a self-hosted wallet needs a proof of control first',
  },
  KYC_PERSON_REQUIRED: {
    status: 403,
    description: 'F1: above the Travel Rule threshold the originator needs KYC person data first',
  },
  SELF_APPROVAL: { status: 403, description: 'An admin may not approve their own request' },
  ALREADY_APPROVED: { status: 403, description: 'This admin approved the request already' },
  FIELD_NOT_REVEALABLE: { status: 403, description: 'This field cannot be revealed' },
  LOCAL_ONLY: { status: 403, description: 'Local-only route (never deployed)' },
  // 404
  NOT_FOUND: { status: 404, description: 'No such route or resource' },
  ADDRESS_UNKNOWN: { status: 404, description: 'No such whitelisted address' },
  WITHDRAWAL_NOT_FOUND: { status: 404, description: 'No such withdrawal' },
  ADMIN_NOT_FOUND: { status: 404, description: 'No such admin' },
  CASE_NOT_FOUND: { status: 404, description: 'No such case' },
  INCIDENT_NOT_FOUND: { status: 404, description: 'No such incident' },
  // 405
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path does not take this method (see `Allow`)' },
  // 409
  CONFLICT: { status: 409, description: 'The resource changed in between; read it again' },
  CONCURRENT_UPDATE: { status: 409, description: 'Another request changed it first; try again' },
  AUDIT_CONTENTION: { status: 409, description: 'Busy audit chain; try again' },
  ACCOUNT_EXISTS: { status: 409, description: 'The account exists already' },
  ACCOUNT_CLOSURE_REFUSED: {
    status: 409,
    description:
      'F5: the account cannot be closed now (a withdrawal in flight, a security hold, or a compliance freeze); the message says which',
  },
  USERNAME_TAKEN: { status: 409, description: 'The username is taken' },
  EMAIL_TAKEN: { status: 409, description: 'The email address is taken' },
  PHONE_TAKEN: { status: 409, description: 'The phone number is taken' },
  TOTP_ALREADY_ENABLED: { status: 409, description: 'TOTP is on already' },
  TOTP_NOT_ENABLED: { status: 409, description: 'TOTP is not on' },
  WRONG_STEP: { status: 409, description: 'The login is at another step' },
  CHANGE_ANSWERED: { status: 409, description: 'The change was confirmed or cancelled already' },
  ADDRESS_EXISTS: { status: 409, description: 'The address is on the list already' },
  ADDRESS_BLOCKED: {
    status: [403, 409],
    description: 'The address is blocked: it cannot be whitelisted (409) or receive a withdrawal (403)',
  },
  ADDRESS_LIMIT: { status: 409, description: 'The address list is full' },
  DECISION_ALREADY_MADE: { status: 409, description: 'The request was decided already' },
  REVIEW_CLOSED: { status: 409, description: 'The review is over' },
  WITHDRAWAL_NOT_IN_REVIEW: { status: 409, description: 'The withdrawal is not waiting for a decision' },
  WITHDRAWAL_NOT_CANCELLED: { status: 409, description: 'The withdrawal could not be cancelled' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, description: 'The `Idempotency-Key` was used for another request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, description: 'A request with this `Idempotency-Key` is running' },
  REVIEW_EXPIRED: { status: 409, description: 'The review waited too long and was closed' },
  REQUEST_NOT_EXPIRED: { status: 409, description: 'The admin request has not expired' },
  REQUEST_NOT_PENDING: { status: 409, description: 'The admin request is not waiting for approvals' },
  REQUEST_NOT_APPROVED: { status: 409, description: 'The admin request is not approved' },
  ALREADY_EXECUTED: { status: 409, description: 'The admin request ran already' },
  REQUEST_FAILED: { status: 409, description: 'The admin request failed' },
  REQUEST_NOT_EXECUTED: { status: 409, description: 'The admin request has not run' },
  PAYLOAD_MISMATCH: { status: 409, description: 'The approval names another version of the request' },
  CASE_STEP_NOT_ALLOWED: { status: 409, description: 'The case is in a status this step does not apply to' },
  CASE_NOT_REPORTED: { status: 409, description: 'Only a reported case is exported as a goAML report' },
  INCIDENT_REPORT_FILED: { status: 409, description: 'That report of the incident is filed already' },
  // 410
  GONE: { status: 410, description: 'Used up or expired' },
  LINK_INVALID: { status: 410, description: 'The link is not valid' },
  LINK_EXPIRED: { status: 410, description: 'The link has expired' },
  LINK_USED: { status: 410, description: 'The link was used already' },
  LOGIN_EXPIRED: { status: 410, description: 'The login took too long; start again' },
  LOGIN_OVER: { status: 410, description: 'The login is over; start again' },
  SIGNUP_EXPIRED: { status: 410, description: 'The sign-up took too long; start again' },
  SIGNUP_OVER: { status: 410, description: 'The sign-up is over; start again' },
  CHANGE_EXPIRED: { status: 410, description: 'The change took too long; ask again' },
  CHANGE_OVER: { status: 410, description: 'The change is over; ask again' },
  ADDRESS_NOT_PENDING: { status: 410, description: 'The address is not waiting for its link' },
  CHALLENGE_INVALID: { status: 410, description: 'F1: no ownership challenge was issued for the address' },
  CHALLENGE_EXPIRED: { status: 410, description: 'F1: the ownership challenge expired; ask for a new one' },
  CHALLENGE_USED: { status: 410, description: 'F1: the ownership challenge was answered already' },
  REQUEST_EXPIRED: { status: 410, description: 'The admin request expired' },
  // 413, 415
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body must be application/json' },
  // 429: every one carries `Retry-After` (seconds).
  RATE_LIMITED: {
    status: 429,
    description:
      'Too many requests or attempts; `Retry-After` says how many seconds to wait (0: start the flow again)',
  },
  // 5xx
  INTERNAL_ERROR: { status: 500, description: 'Internal error (no detail is disclosed)' },
  WITHDRAWAL_NOT_STARTED: {
    status: 503,
    description: 'The withdrawal could not be started; nothing was done',
  },
  SERVICE_UNAVAILABLE: { status: 503, description: 'A service failed and what was written was taken back' },
  CODES_NOT_SENT: { status: 503, description: 'The sign-up codes could not be sent; nothing was kept' },
} as const satisfies Record<string, { status: number | readonly number[]; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

type StatusOf<K extends ErrorCode> = (typeof ERROR_CODES)[K]['status'] extends readonly (infer E)[]
  ? E
  : (typeof ERROR_CODES)[K]['status'];

/** The codes registered with one status (or one of several). */
export type CodeOf<S extends number> = {
  [K in ErrorCode]: [Extract<StatusOf<K>, S>] extends [never] ? never : K;
}[ErrorCode];

/** The statuses a code is answered with. */
export const statusesOf = (code: ErrorCode): readonly number[] => {
  const { status } = ERROR_CODES[code];
  return typeof status === 'number' ? [status] : status;
};

/** The codes of a status, in registry order. */
export const codesOf = (status: number): ErrorCode[] =>
  (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => statusesOf(code).includes(status));
