// The catalogue of Palisade's functions: routes, authorizers and workflow tasks. CDK builds the API, the
// Lambdas and their grants from it; the local runtime serves the same routes; the OpenAPI document is made
// from it. One list, so a route cannot exist in one runtime and not the other.
import type * as z from 'zod/mini';
import { meResponse } from './account/contracts.js';
import { challengeRequest, linkResponse, loginRequest, loginResponse } from './auth/contracts.js';
import { healthResponse } from './platform/contracts.js';
import type { WorkflowName } from './shared/ports/workflows.js';

/**
 * What a function may touch; lib/ turns each into the narrowest IAM grant. Table access includes the
 * signing key: reading a signed table needs its public key (kms:GetPublicKey), writing needs kms:Sign.
 * `audit:append` may only add records (PutItem, never Update or Delete).
 */
export type Access =
  | 'accounts:read'
  | 'accounts:write'
  | 'audit:append'
  | 'audit:read'
  | 'blind-index:key'
  | 'data-key:seal-open'
  | 'vault:invoke'
  | 'user-mail:send'
  | 'identity:authenticate'
  | 'shield:write'
  | 'identity:revoke'
  | 'identity:read'
  | 'suspension:start'
  | 'mail:send';

/** Accesses that read signed rows: a function holding one must also hold INTEGRITY_ALARM. */
export const SIGNED_READS: readonly Access[] = ['accounts:read', 'accounts:write', 'audit:read'];
/** A failed verification writes an audit record (E1), so every reader of signed rows may append one. */
export const INTEGRITY_ALARM: Access = 'audit:append';

/** The access of a function that reads signed rows: its own plus the integrity alarm's. */
const reads = (...access: Access[]): Access[] => [...access, INTEGRITY_ALARM];

export interface FunctionSpec {
  /** Stable id: the construct id of the Lambda and the key of its bundle in bench/. */
  id: string;
  /** Handler module, relative to the repository root; it exports `handler` and `makeHandler`. */
  entry: string;
  access: readonly Access[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec extends FunctionSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/me/sessions/{sessionId}`. */
  path: string;
  auth: 'public' | 'user';
  summary: string;
  tag: string;
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  response: z.ZodMiniType;
  /** Status of a successful answer. */
  status: number;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/v1/health',
    auth: 'public',
    entry: 'lambdas/platform/get-health.ts',
    summary: 'Liveness of the API',
    tag: 'platform',
    response: healthResponse,
    status: 200,
    access: [],
  },
  {
    id: 'GetMe',
    method: 'GET',
    path: '/v1/me',
    auth: 'user',
    entry: 'lambdas/account/get-me.ts',
    summary: "The caller's own account",
    tag: 'account',
    response: meResponse,
    status: 200,
    access: reads('accounts:read'),
  },
  {
    id: 'Login',
    method: 'POST',
    path: '/v1/auth/login',
    auth: 'public',
    entry: 'lambdas/auth/login.ts',
    summary: 'Starts a login: tokens, or the first further proof it needs',
    tag: 'auth',
    body: loginRequest,
    response: loginResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'shield:write',
      'vault:invoke',
      'user-mail:send',
    ),
  },
  {
    id: 'AnswerChallenge',
    method: 'POST',
    path: '/v1/auth/challenge',
    auth: 'public',
    entry: 'lambdas/auth/challenge.ts',
    summary: 'Answers the current step of a login (TOTP, emailed code, device confirmation poll)',
    tag: 'auth',
    body: challengeRequest,
    response: loginResponse,
    status: 200,
    access: reads(
      'accounts:write',
      'identity:authenticate',
      'shield:write',
      'vault:invoke',
      'user-mail:send',
    ),
  },
  {
    id: 'ConfirmDevice',
    method: 'GET',
    path: '/v1/auth/device-links/{token}',
    auth: 'public',
    entry: 'lambdas/auth/confirm-device.ts',
    summary: 'The link of the new-device email: lets the waiting login continue',
    tag: 'auth',
    response: linkResponse,
    status: 200,
    access: reads('accounts:write'),
  },
  {
    id: 'UseSuspensionLink',
    method: 'GET',
    path: '/v1/auth/suspend/{token}',
    auth: 'public',
    entry: 'lambdas/auth/use-suspension-link.ts',
    summary: '"This wasn\'t me": suspends the account and signs every session out (single use, 7 days)',
    tag: 'auth',
    response: linkResponse,
    status: 200,
    access: reads('accounts:write', 'suspension:start'),
  },
];

export const USER_AUTHORIZER: FunctionSpec = {
  id: 'UserAuthorizer',
  entry: 'lambdas/auth/authorizer.ts',
  access: reads('accounts:read'),
};

export interface WorkflowSpec {
  name: WorkflowName;
  /** ASL file, relative to the repository root. */
  file: string;
  /** Definition substitution key (`${Key}` in the ASL) → the Lambda bound to it. */
  tasks: Record<string, FunctionSpec>;
}

export const WORKFLOWS: readonly WorkflowSpec[] = [
  {
    name: 'account-suspension',
    file: 'statemachines/account-suspension.asl.json',
    tasks: {
      RecordSuspensionFunctionArn: {
        id: 'RecordSuspension',
        entry: 'lambdas/account/record-suspension.ts',
        access: reads('accounts:write'),
      },
      RevokeAccessFunctionArn: {
        id: 'RevokeAccess',
        entry: 'lambdas/account/revoke-access.ts',
        access: reads('accounts:read', 'identity:revoke'),
      },
      NotifySuspensionFunctionArn: {
        id: 'NotifySuspension',
        entry: 'lambdas/account/notify-suspension.ts',
        access: reads('accounts:read', 'vault:invoke', 'mail:send'),
      },
    },
  },
];

/**
 * The personal-data vault (E2): the only function with the data key; others seal and open field groups
 * through it (`vault:invoke`), so a function that only needs masked data never holds plaintext.
 */
export const VAULT: FunctionSpec = {
  id: 'PersonalDataVault',
  entry: 'lambdas/privacy/vault.ts',
  access: ['data-key:seal-open'],
};

/** Emails a user by id: looks the address up through the vault and sends (`user-mail:send`). */
export const USER_MAIL: FunctionSpec = {
  id: 'SendUserMail',
  entry: 'lambdas/messaging/send-user-mail.ts',
  access: reads('accounts:read', 'vault:invoke', 'mail:send'),
};

/**
 * Functions other functions invoke directly, in the order they are built (each may invoke the ones before
 * it): the access that allows the call and the environment variable that names the function to the caller.
 */
export const INVOKABLE: readonly { access: Access; spec: FunctionSpec; variable: string }[] = [
  { access: 'vault:invoke', spec: VAULT, variable: 'VAULT_FUNCTION' },
  { access: 'user-mail:send', spec: USER_MAIL, variable: 'USER_MAIL_FUNCTION' },
];

export const allFunctions = (): FunctionSpec[] => [
  ...ROUTES,
  USER_AUTHORIZER,
  ...INVOKABLE.map((i) => i.spec),
  ...WORKFLOWS.flatMap((w) => Object.values(w.tasks)),
];
