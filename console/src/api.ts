// The console's one door to the backend: /v1/admin/... only. The admin's access token lives in this module's
// memory, never in localStorage, sessionStorage or a cookie: a reload signs the admin out. A 401 on any call
// (the session expired, or the admin was offboarded) ends the session and sends the admin back to sign-in.
import type { AdminCapability } from '../../lambdas/admin/permissions.js';
import type { AdminTier } from '../../lambdas/kernel/settings.js';

export interface Session {
  adminId: string;
  username: string;
  tiers: AdminTier[];
  /** What the tiers hold under the deployed approval policies (GET /v1/admin/me): the pages shown. */
  capabilities: AdminCapability[];
  /** When the admin pool's access token expires (sessions are short and never refreshed). */
  expiresAt: number;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; error: ApiError };

let apiBase = '';
let token: string | undefined;
let onEnded: (why: string) => void = () => {};

/** The API's origin: `config.json` beside the page (the deploy writes it), else this page's origin. */
export async function configure(): Promise<void> {
  try {
    const answer = await fetch(new URL('config.json', document.baseURI), { credentials: 'omit' });
    if (answer.ok) {
      const config = (await answer.json()) as { apiUrl?: unknown };
      if (typeof config.apiUrl === 'string') apiBase = config.apiUrl.replace(/\/+$/, '');
    }
  } catch {
    // No configuration: the API is served from this origin (npm start).
  }
}

export function onSessionEnded(listener: (why: string) => void): void {
  onEnded = listener;
}

export function endSession(why: string): void {
  token = undefined;
  onEnded(why);
}

export async function call<T>(
  method: 'GET' | 'POST',
  path: `/v1/admin/${string}`,
  body?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, error: { status: 0, code: 'NETWORK', message: 'The server could not be reached.' } };
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (response.ok) return { ok: true, status: response.status, body: parsed as T };
  const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  const failure: ApiError = {
    status: response.status,
    code: error?.code ?? `HTTP_${response.status}`,
    message: error?.message ?? response.statusText,
  };
  // A signed-in call refused as unauthenticated: the session is over, whatever the reason.
  if (response.status === 401 && token && !path.startsWith('/v1/admin/auth/')) {
    endSession('Your session has ended. Please sign in again.');
  }
  return { ok: false, error: failure };
}

interface LoginChallenge {
  status: 'challenge';
  loginId: string;
  challenge: 'totp';
  expiresAt: string;
}
interface Authenticated {
  status: 'authenticated';
  adminId: string;
  tiers: AdminTier[];
  tokens: { accessToken: string; expiresInSeconds: number };
}
interface Me {
  adminId: string;
  username: string;
  sessionId: string;
  tiers: AdminTier[];
  capabilities: AdminCapability[];
}

export const startLogin = (username: string, password: string) =>
  call<LoginChallenge>('POST', '/v1/admin/auth/login', { username, password });

export async function answerTotp(loginId: string, code: string): Promise<Answer<Session>> {
  const done = await call<Authenticated>('POST', '/v1/admin/auth/challenge', { loginId, code });
  if (!done.ok) return done;
  token = done.body.tokens.accessToken;
  const expiresAt = Date.now() + done.body.tokens.expiresInSeconds * 1000;
  const me = await call<Me>('GET', '/v1/admin/me');
  if (!me.ok) {
    token = undefined;
    return me;
  }
  return {
    ok: true,
    status: 200,
    body: {
      adminId: me.body.adminId,
      username: me.body.username,
      tiers: me.body.tiers,
      capabilities: me.body.capabilities,
      expiresAt,
    },
  };
}

/** Signing out forgets the token; the admin pool's token expires on its own within minutes. */
export function signOut(): void {
  endSession('You have signed out.');
}
