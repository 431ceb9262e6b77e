// X5: the admin console's Content-Security-Policy, one source for CloudFront's response-headers policy
// (lib/console.ts) and the local gateway (local/console-page.ts). Everything from the console's own origin; no
// inline script or style; no frame may hold it; the only other origin it may reach is the API's.
// (Pure: no CDK import, so the local runtime can read it.)

/** `apiOrigin`: the API's origin (`https://…`), or 'self' when the API shares the console's origin. */
export const CONSOLE_CSP = (apiOrigin: string): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${apiOrigin === 'self' ? '' : ` ${apiOrigin}`}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
