// The routes of an emailed link (A4, A7, C1): fetching a link never changes anything. Mail scanners and
// link previewers open links, so the link's GET answers a small HTML page (no script, a strict
// Content-Security-Policy, no referrer: the page's URL carries the token) whose one button POSTs the token in a
// form body to the link's action route, which makes the change once. Apps send the same POST as JSON and get
// JSON; the page's form gets an HTML page. Only the link functions import this module: the login's bundles
// build links, never pages.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { toErrorResponse } from './errors.js';
import { instrumented, JSON_HEADERS, jsonResponse, parseBody, parseWith, requestIdOf } from './http.js';
import { logger } from './observability.js';
import { linkToken } from './shapes.js';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2933}' +
  'h1{font-size:1.4rem}button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:6px;' +
  'background:#1f4fd1;color:#fff;cursor:pointer}button.danger{background:#b42318}.muted{color:#616e7c}';

/** The page's one inline style block, allowed by its hash: no other style, no script, no frame, no plugin. */
export const LINK_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': LINK_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'strict-transport-security': JSON_HEADERS['strict-transport-security'],
  'x-robots-tag': 'noindex, nofollow',
} as const;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** A whole page: fixed texts of the link's context, and nothing the request chose but the token's characters. */
export function pageOf(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow">' +
    `<title>${escapeHtml(title)} · Palisade</title><style>${STYLE}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

export const pageResponse = (status: number, title: string, text: string): APIGatewayProxyResult => ({
  statusCode: status,
  headers: { ...PAGE_HEADERS },
  body: pageOf(title, `<p>${escapeHtml(text)}</p>`),
});

/** What a link's page says and where its button posts. */
export interface LinkPage {
  title: string;
  /** What the button does, said above it. */
  explain: string;
  button: string;
  /**
   * The action route, relative to the page (`../suspend` from `/v1/auth/suspend/{token}`), so the form posts
   * to the origin and stage the page came from: `form-action 'self'` allows exactly that.
   */
  action: string;
  /** A red button: the action is drastic (suspending the account). */
  danger?: boolean;
}

/**
 * The GET of an emailed link: the page with its button and the token in a hidden field. It reads and changes
 * nothing, so a scanner that fetches the link does nothing; a malformed token gets a page saying so.
 */
export function linkPageHandler(page: LinkPage) {
  return instrumented(async (event: APIGatewayProxyEvent) => {
    let token: string;
    try {
      token = parseWith(linkToken, event.pathParameters ?? {}, 'link').token;
    } catch {
      return pageResponse(400, 'This link is not valid', 'Copy the whole link from the email, or ask again.');
    }
    const form =
      `<p>${escapeHtml(page.explain)}</p>` +
      `<form method="post" action="${escapeHtml(page.action)}">` +
      `<input type="hidden" name="token" value="${escapeHtml(token)}">` +
      `<button type="submit"${page.danger ? ' class="danger"' : ''}>${escapeHtml(page.button)}</button></form>` +
      '<p class="muted">Nothing happens until you press the button. The link works once.</p>';
    return { statusCode: 200, headers: { ...PAGE_HEADERS }, body: pageOf(page.title, form) };
  });
}

/** Where an action request came from: for the audit record. */
export interface LinkRequest {
  sourceIp: string;
  userAgent: string | undefined;
  requestId: string;
}

/** What an action did: the page's title and text, and the JSON body apps get (with `done` and `message`). */
export interface LinkOutcome {
  title: string;
  body: { done: boolean; message: string } & Record<string, unknown>;
}

const isForm = (event: APIGatewayProxyEvent) =>
  /^application\/x-www-form-urlencoded\b/i.test(
    Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '',
  );

/**
 * The POST of an emailed link's button (or an app): the token from the body, JSON or form, then the one
 * change. A form gets an HTML page, errors included (their status and message); JSON gets the API's JSON.
 */
export function linkActionHandler(action: (token: string, request: LinkRequest) => Promise<LinkOutcome>) {
  return instrumented(async (event: APIGatewayProxyEvent, context: Context) => {
    const form = isForm(event);
    try {
      const { token } = parseWith(linkToken, parseBody(event, true), 'request body');
      const outcome = await action(token, {
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        userAgent: event.requestContext?.identity?.userAgent ?? undefined,
        requestId: requestIdOf(event, context),
      });
      return form ? pageResponse(200, outcome.title, outcome.body.message) : jsonResponse(200, outcome.body);
    } catch (err) {
      const { status, body, headers } = toErrorResponse(err, requestIdOf(event, context));
      if (status >= 500) logger.error('request failed', { error: err as Error });
      else logger.info('request refused', { status, code: body.error.code });
      if (!form) return jsonResponse(status, body, headers);
      return pageResponse(
        status,
        status >= 500 ? 'Something went wrong' : 'Nothing was changed',
        body.error.message,
      );
    }
  });
}
