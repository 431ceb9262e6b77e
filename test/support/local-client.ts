// A mobile client of the local cloud, for end-to-end tests: JSON calls from a chosen loopback source
// address (127.0.0.0/8 is all loopback, so each test "address" is a real socket address the gateway sees),
// the outbox, and the full first login of a device (password, emailed code, device link and its button).
import { request } from 'node:http';
import { expect } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { LOCAL_TOKEN_HEADER } from '../../local/local-token.js';
import { followLink, linkIn } from './email-links.js';

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  /** The body with its request id blanked: two answers compare equal when they say the same. */
  comparable: string;
  /** The answer's headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
}

export function callFrom(
  cloud: LocalCloud,
  source: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${cloud.url}${path}`,
      {
        method,
        localAddress: source,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          'user-agent': 'PalisadeTest/1.0',
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : {},
            comparable: text.replace(/"requestId":"[^"]*"/, '"requestId":""'),
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A request to a local-only route (/_local/*): loopback, with the per-start token the server printed. */
export function localFetch(cloud: LocalCloud, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${cloud.url}${path}`, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string> | undefined),
      [LOCAL_TOKEN_HEADER]: cloud.localToken,
    },
  });
}

export async function mailText(cloud: LocalCloud, address: string, subject: RegExp): Promise<string> {
  const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
    emails: { to: string[]; subject: string; text?: string }[];
  };
  const mail = outbox.emails.filter((e) => e.to.includes(address) && subject.test(e.subject)).at(-1);
  if (!mail) throw new Error(`no mail ${subject} to ${address}`);
  return mail.text ?? '';
}

/** The first login of a device on a new network: the emailed code, the device link, then tokens. */
export async function firstLogin(
  cloud: LocalCloud,
  user: { username: string; email: string; password: string },
  deviceId: string,
  source = '127.0.0.1',
): Promise<{ accessToken: string }> {
  const start = await callFrom(cloud, source, 'POST', '/v1/auth/login', {
    username: user.username,
    password: user.password,
    deviceId,
  });
  expect(start.body).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
  const loginId = start.body.loginId as string;
  const code = /\b(\d{6})\b/.exec(await mailText(cloud, user.email, /login code/i))?.[1];
  const next = await callFrom(cloud, source, 'POST', '/v1/auth/challenge', {
    loginId,
    challenge: 'ip-code',
    code,
  });
  expect(next.body).toMatchObject({ challenge: 'device-confirmation' });
  await followLink(linkIn(await mailText(cloud, user.email, /new device/i), '/v1/auth/device-links/'));
  const done = await callFrom(cloud, source, 'POST', '/v1/auth/challenge', {
    loginId,
    challenge: 'device-confirmation',
  });
  expect(done.body.status).toBe('authenticated');
  return done.body.tokens as { accessToken: string };
}

/** A user made through the local-only dev route, with a session and tokens. */
export async function createDevUser(
  cloud: LocalCloud,
  username: string,
  password: string,
  email = `${username}@example.com`,
): Promise<DevAccount> {
  const response = await localFetch(cloud, `/_local/dev-users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email, password }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as DevAccount;
}

/** Work a workflow does after the answer (a suspension): waits for its effects, not for a clock. */
export async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      return await probe();
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw last;
}
