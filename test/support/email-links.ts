// An emailed link as a browser follows it (A4, A7, C1): the GET opens the link's page and changes nothing; its
// button posts the token in a form body to the page's action, resolved against the page's URL.
import { expect } from 'vitest';

export interface LinkPageView {
  status: number;
  headers: Headers;
  html: string;
  /** The form's action, absolute (resolved against the link). */
  action: string;
  token: string;
}

/** The first link in `text` whose path starts with `prefix` (`/v1/auth/suspend/`), absolute. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+?${prefix.replace(/[/]/g, '\\/')}[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no ${prefix} link in ${text}`);
  return match[0];
}

/** GET of the link: the page and what its form posts. */
export async function openLink(link: string): Promise<LinkPageView> {
  const response = await fetch(link);
  const html = await response.text();
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  const token = /<input type="hidden" name="token" value="([^"]+)">/.exec(html)?.[1];
  return {
    status: response.status,
    headers: response.headers,
    html,
    action: action ? new URL(action, link).toString() : '',
    token: token ?? '',
  };
}

/** The page's button: a form POST of the token (as a browser sends it) and the HTML answer. */
export async function pressButton(page: Pick<LinkPageView, 'action' | 'token'>) {
  const response = await fetch(page.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: page.token }).toString(),
  });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** Opens the link and presses its button, expecting both to succeed. */
export async function followLink(link: string): Promise<string> {
  const page = await openLink(link);
  expect(page.status).toBe(200);
  const done = await pressButton(page);
  expect(done.status).toBe(200);
  return done.html;
}
