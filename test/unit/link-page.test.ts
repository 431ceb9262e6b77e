// Unit tests of an emailed link's two routes (kernel/link-page.ts): the page a GET opens changes nothing and
// carries no script under a strict CSP; its button's form POST (or an app's JSON) makes the change and is
// answered in kind; the stage's configured base URL, never the Host header, is where links point.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { SUSPENSION_LINK_PAGE } from '../../lambdas/account/handlers/suspension-link-page.js';
import { ADDRESS_LINK_PAGE } from '../../lambdas/addresses/handlers/address-link-page.js';
import { DEVICE_LINK_PAGE } from '../../lambdas/auth/handlers/device-link-page.js';
import { ROUTES } from '../../lambdas/catalogue.js';
import { Gone } from '../../lambdas/kernel/errors.js';
import { baseUrlOf, httpHandler, PUBLIC_URL_VARIABLE } from '../../lambdas/kernel/http.js';
import {
  LINK_PAGE_CSP,
  type LinkOutcome,
  linkActionHandler,
  linkPageHandler,
} from '../../lambdas/kernel/link-page.js';
import { linkToken } from '../../lambdas/kernel/shapes.js';

const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;
const TOKEN = 'T'.repeat(43);

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: `/v1/auth/suspend/${TOKEN}`,
    pathParameters: { token: TOKEN },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: { [PUBLIC_URL_VARIABLE]: 'https://api.palisade.example' },
    resource: '/v1/auth/suspend/{token}',
    requestContext: {
      identity: { sourceIp: '203.0.113.9', userAgent: 'test' },
    } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

const form = (body: string) =>
  event({ httpMethod: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
const json = (body: unknown) =>
  event({ httpMethod: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const DONE: LinkOutcome = { title: 'Done', body: { done: true, message: 'It is done <now>.' } };

describe('the page of an emailed link', () => {
  it.each([
    ['suspension', SUSPENSION_LINK_PAGE, '../suspend'],
    ['device', DEVICE_LINK_PAGE, '../device-links'],
    ['address', ADDRESS_LINK_PAGE, '../confirm'],
  ])(
    'A4 A7 C1 the %s page: a form posting the token to its action, no script, strict headers',
    async (_n, page, action) => {
      const res = await linkPageHandler(page)(event(), context);
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': LINK_PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
      });
      expect(res.body).toContain(`<form method="post" action="${action}">`);
      expect(res.body).toContain(`<input type="hidden" name="token" value="${TOKEN}">`);
      expect(res.body).not.toMatch(/<script|javascript:|\son\w+=/i);
    },
  );

  it('A4 A7 C1 the CSP allows nothing but the one inline style (by its hash) and posting to the same origin', async () => {
    const res = await linkPageHandler(DEVICE_LINK_PAGE)(event(), context);
    const style = /<style>([^<]*)<\/style>/.exec(res.body)?.[1] as string;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(LINK_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(res.body.match(/<style>/g)).toHaveLength(1);
    expect(res.body).not.toMatch(/ style=/);
  });

  it('A4 A7 C1 each page action resolves, from its link, to the route its button must reach', () => {
    const pages = ROUTES.filter((r) => r.link === 'page');
    const actions = ROUTES.filter((r) => r.link === 'action');
    expect(pages).toHaveLength(3);
    expect(actions).toHaveLength(3);
    const byPath = {
      '/v1/auth/suspend/{token}': SUSPENSION_LINK_PAGE,
      '/v1/auth/device-links/{token}': DEVICE_LINK_PAGE,
      '/v1/addresses/confirm/{token}': ADDRESS_LINK_PAGE,
    } as const;
    for (const page of pages) {
      expect(page).toMatchObject({ method: 'GET', auth: 'public', access: [] });
      const spec = byPath[page.path as keyof typeof byPath];
      // On the execute-api URL (with its stage) and on a custom domain alike.
      for (const base of ['https://abc.execute-api.eu-west-1.amazonaws.com/live', 'https://api.example']) {
        const link = `${base}${page.path.replace('{token}', TOKEN)}`;
        const target = new URL(spec.action, link);
        expect(target.origin + target.pathname.replace(/^\/live/, '')).toBe(
          `${new URL(base).origin}${page.path.replace('/{token}', '')}`,
        );
        expect(actions.some((a) => a.method === 'POST' && a.path === page.path.replace('/{token}', ''))).toBe(
          true,
        );
      }
    }
  });

  it('A4 A7 C1 a malformed token gets a 400 page; nothing is read or written (the page has no ports)', async () => {
    const res = await linkPageHandler(SUSPENSION_LINK_PAGE)(
      event({ pathParameters: { token: '"><script>alert(1)</script>' } }),
      context,
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-security-policy']).toBe(LINK_PAGE_CSP);
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('<form');
  });
});

describe("the action of an emailed link's button", () => {
  it('A4 A7 C1 a form POST reaches the action with the token and gets an HTML page, text escaped', async () => {
    const action = vi.fn(async () => DONE);
    const res = await linkActionHandler(action)(form(`token=${TOKEN}`), context);
    expect(action).toHaveBeenCalledWith(TOKEN, {
      sourceIp: '203.0.113.9',
      userAgent: 'test',
      requestId: 'req-1',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toBe(LINK_PAGE_CSP);
    expect(res.body).toContain('It is done &lt;now&gt;.');
  });

  it('A4 A7 C1 an app POST (JSON) gets the JSON answer', async () => {
    const res = await linkActionHandler(async () => DONE)(json({ token: TOKEN }), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual(DONE.body);
  });

  it('A4 A7 C1 a refusal is a page with its status for a form, the JSON error for an app', async () => {
    const used = linkActionHandler(async () => {
      throw new Gone('This link was already used', 'LINK_USED');
    });
    const page = await used(form(`token=${TOKEN}`), context);
    expect(page.statusCode).toBe(410);
    expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('This link was already used');
    const answer = await used(json({ token: TOKEN }), context);
    expect(answer.statusCode).toBe(410);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'LINK_USED', requestId: 'req-1' });
  });

  it.each([
    ['no token', form(''), 400],
    ['a malformed token', form('token=short'), 400],
    [
      'another content type',
      event({ httpMethod: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
      415,
    ],
    ['a crash', form(`token=${TOKEN}`), 500],
  ])('A4 A7 C1 %s is refused without reaching a change, and without a stack', async (name, e, status) => {
    const action = vi.fn(async (): Promise<LinkOutcome> => {
      if (name === 'a crash') throw new Error('db exploded at /srv/x.ts:12');
      return DONE;
    });
    const res = await linkActionHandler(action)(e, context);
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toMatch(/\.ts:\d+|exploded/);
    if (status !== 500) expect(action).not.toHaveBeenCalled();
  });
});

describe('where links point', () => {
  it('A4 A7 C1 the base URL is the stage variable, whatever Host the request names; unset, it is an error', () => {
    const e = event({ headers: { Host: 'evil.example' } });
    expect(baseUrlOf(e)).toBe('https://api.palisade.example');
    expect(() => baseUrlOf(event({ stageVariables: null }))).toThrow(PUBLIC_URL_VARIABLE);
  });

  it('A4 A7 C1 every route but the links’ actions refuses a form body with 415', async () => {
    const logic = vi.fn(async () => ({ body: {} }));
    const res = await httpHandler({ body: linkToken }, logic)(form(`token=${TOKEN}`), context);
    expect(res.statusCode).toBe(415);
    expect(logic).not.toHaveBeenCalled();
  });
});
