// A web client in a real browser (issue 13, "Done when"): Debian's chromium, driven by playwright-core (which
// downloads no browser), loads a page from ANOTHER origin (a static server on its own port) and that page's
// script, with fetch, signs up, logs in (the emailed code and the device link, then TOTP), refreshes its tokens
// and reads /v1/me from the local cloud, started with the page's origin as its one allowed CORS origin. The
// test plays the user: it reads the codes from the local outbox, computes TOTP codes with otplib and hands
// them to the page, and opens the emailed device link in a second tab, as a mail client would. A page of an
// origin that is not allowed gets nothing. And /docs renders in the same browser with same-origin requests only.
//
// Without /usr/bin/chromium (`.ci/run` installs Debian's package) the tests are skipped, visibly: a skipped
// test says so, and a warning is printed. Never a silent pass.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { linkIn } from '../support/email-links.js';
import { localFetch, mailText } from '../support/local-client.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'correct horse battery staple';

/** The web app: a page whose script talks to the API on another origin, keeping its tokens as an app does. */
const CLIENT_JS = `
const api = new URL(location.href).searchParams.get('api');
const state = { deviceId: 'web-' + crypto.randomUUID(), tokens: null };
async function call(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = 'Bearer ' + token;
  const response = await fetch(api + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    mode: 'cors',
    credentials: 'omit',
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, requestId: response.headers.get('x-request-id') };
}
const keep = (answer) => {
  if (answer.body && answer.body.tokens) state.tokens = answer.body.tokens;
  return answer;
};
window.palisade = {
  origin: location.origin,
  signUp: (user) => call('POST', '/v1/auth/signup', user),
  verify: (signupId, emailCode, phoneCode) => call('POST', '/v1/auth/signup/verify', { signupId, emailCode, phoneCode }),
  login: (username, password) => call('POST', '/v1/auth/login', { username, password, deviceId: state.deviceId }),
  answer: async (loginId, challenge, code) =>
    keep(await call('POST', '/v1/auth/challenge', code === undefined ? { loginId, challenge } : { loginId, challenge, code })),
  enrolTotp: () => call('POST', '/v1/me/mfa/totp', undefined, state.tokens.accessToken),
  confirmTotp: (code, password) => call('POST', '/v1/me/mfa/totp/confirm', { code, password }, state.tokens.accessToken),
  refresh: async () => {
    const before = state.tokens;
    const answer = keep(await call('POST', '/v1/auth/refresh', { refreshToken: before.refreshToken, deviceId: state.deviceId }));
    return { ...answer, rotated: answer.status === 200 && state.tokens.refreshToken !== before.refreshToken };
  },
  me: () => call('GET', '/v1/me', undefined, state.tokens.accessToken),
  health: () => call('GET', '/v1/health').then((a) => a.status, (e) => 'failed: ' + e.message),
};
document.getElementById('status').textContent = 'ready';
`;

const PAGE_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>Palisade web client</title>' +
  '<link rel="icon" href="data:,"></head><body><p id="status">loading</p><script src="/client.js"></script></body></html>';

/** A tiny static server: the web app's origin (http://127.0.0.1:<its own port>). */
async function staticSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    } else if (path === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(CLIENT_JS);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) {
  console.warn(
    `\n⚠ SKIPPED: the browser tests (test/browser/) need Debian's chromium at ${CHROMIUM}; ` +
      'install it with `apt-get install chromium` (.ci/run does).\n',
  );
}

if (chromiumMissing) {
  describe('A8 web client in a browser', () => {
    it.skip(`A8 SKIPPED: chromium is missing at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`, () => {});
  });
}

/** The page's global scope, as its script leaves it (this file is typed without the DOM library). */
type PageGlobal = { palisade: Record<string, (...args: unknown[]) => unknown> };

describe.skipIf(chromiumMissing)('A8 web client in chromium', () => {
  let stateDir: string;
  let userDataDir: string;
  let cloud: LocalCloud;
  let site: { server: Server; origin: string };
  let stranger: { server: Server; origin: string };
  let browser: BrowserContext;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-browser-'));
    userDataDir = await mkdtemp(join(tmpdir(), 'palisade-chromium-'));
    site = await staticSite();
    stranger = await staticSite();
    cloud = await startLocalCloud({
      stateDir,
      port: 0,
      waitTimeMs: 0,
      retryIntervalMs: 0,
      corsOrigins: [site.origin],
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    await new Promise((resolve) => site?.server.close(resolve));
    await new Promise((resolve) => stranger?.server.close(resolve));
    await rm(stateDir, { recursive: true, force: true });
    await rm(userDataDir, { recursive: true, force: true });
  });

  async function openApp(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin}/?api=${encodeURIComponent(cloud.url)}`);
    await page.waitForFunction("document.getElementById('status')?.textContent === 'ready'");
    return page;
  }

  async function smsCode(phone: string): Promise<string> {
    const outbox = (await (await localFetch(cloud, '/_local/outbox')).json()) as {
      sms: { to: string; text: string }[];
    };
    const code = /\b(\d{6})\b/.exec(outbox.sms.filter((m) => m.to === phone).at(-1)?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    return code as string;
  }

  const emailCode = async (address: string, subject: RegExp) => {
    const code = /\b(\d{6})\b/.exec(await mailText(cloud, address, subject))?.[1];
    expect(code).toMatch(/^\d{6}$/);
    return code as string;
  };

  /** The TOTP code of the step `offsetSteps` from now (the server accepts one step either side). */
  const totp = (secret: string, offsetSteps = 0) =>
    generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

  type Answer = {
    status: number;
    body: Record<string, unknown> & { error?: { code: string } };
    requestId: string;
  };

  it('A8 a web client on another origin signs up, logs in with TOTP, refreshes and reads /v1/me in chromium', async () => {
    const page = await openApp(site.origin);
    const apiOrigin = new URL(cloud.url).origin;
    expect(await page.evaluate('location.origin')).toBe(site.origin);
    expect(site.origin).not.toBe(apiOrigin);
    const app = {
      // Each step runs in the page: its script calls the API with fetch, across origins.
      run: <T = Answer>(fn: string, ...args: unknown[]) =>
        page.evaluate(
          ([name, list]) =>
            (globalThis as unknown as PageGlobal).palisade[name as string]?.(...(list as unknown[])),
          [fn, args] as const,
        ) as Promise<T>,
    };
    const user = {
      username: 'web_wendy',
      email: 'wendy.web@example.com',
      phone: '+447700900777',
      password: PASSWORD,
    };

    // A1 sign-up: the codes come by email and SMS; the user types them into the page.
    const started = await app.run('signUp', user);
    expect(started.status).toBe(201);
    expect(started.requestId).toMatch(/^[0-9a-f-]{36}$/); // x-request-id is readable across origins
    const verified = await app.run(
      'verify',
      started.body.signupId,
      await emailCode(user.email, /verify your email/i),
      await smsCode(user.phone),
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'verified', username: user.username });

    // First login of this browser: the emailed code (A6), then the device link opened from the mail (A7).
    const first = await app.run('login', user.username, user.password);
    expect(first.body).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
    const loginId = first.body.loginId as string;
    const device = await app.run('answer', loginId, 'ip-code', await emailCode(user.email, /login code/i));
    expect(device.body).toMatchObject({ challenge: 'device-confirmation' });
    const mail = await browser.newPage();
    await mail.goto(linkIn(await mailText(cloud, user.email, /new device/i), '/v1/auth/device-links/'));
    await Promise.all([mail.waitForNavigation(), mail.click('button[type="submit"]')]);
    await mail.close();
    const firstDone = await app.run('answer', loginId, 'device-confirmation');
    expect(firstDone.body.status).toBe('authenticated');

    // A2 TOTP: enrol, confirm with this step's code.
    const enrol = await app.run('enrolTotp');
    expect(enrol.status).toBe(200);
    const secret = enrol.body.secret as string;
    const confirmed = await app.run('confirmTotp', await totp(secret), user.password);
    expect(confirmed.body).toEqual({ totpEnabled: true });

    // Login with TOTP: a known browser on a known network answers the code alone. The next step's code:
    // the one just used for the confirmation is spent (never replayed), and no test waits for the clock.
    const login = await app.run('login', user.username, user.password);
    expect(login.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
    const done = await app.run('answer', login.body.loginId, 'totp', await totp(secret, 1));
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('authenticated');

    // A8 refresh: the page's tokens rotate; then /v1/me with the new access token.
    const refreshed = await app.run<Answer & { rotated: boolean }>('refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.rotated).toBe(true);
    const me = await app.run('me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: user.username, status: 'active' });
    expect(JSON.stringify(me.body)).not.toContain(user.email);
    await page.close();
  }, 180_000);

  it('A8 a page of an origin that is not allowed cannot read the API: the browser blocks the answer', async () => {
    const page = await openApp(stranger.origin);
    expect(await page.evaluate('location.origin')).toBe(stranger.origin);
    const health = await page.evaluate('palisade.health()');
    expect(String(health)).toMatch(/^failed: /);
    // The allowed origin's page reads the same route.
    const allowed = await openApp(site.origin);
    expect(await allowed.evaluate('palisade.health()')).toBe(200);
    await page.close();
    await allowed.close();
  }, 60_000);

  it('E3 /docs renders the OpenAPI document in chromium, and every request the page makes is same-origin', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const failures: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failures.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${cloud.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(await page.locator('.opblock-summary-path', { hasText: '/v1/auth/refresh' }).count()).toBe(1);
    const origin = new URL(cloud.url).origin;
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const url of requests.filter((u) => !u.startsWith('data:')))
      expect(new URL(url).origin, url).toBe(origin);
    expect(requests).toContain(`${origin}/openapi.json`);
    expect(failures).toEqual([]);
    await page.close();
  }, 60_000);
});
