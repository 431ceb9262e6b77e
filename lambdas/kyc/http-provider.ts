// F1: the verification provider over HTTP (the AWS adapter of VerificationProvider; the fetch is injected so a
// test drives it). `POST <url>/checks` with the API key as a bearer token and `{checkId, documents}` (each
// document `{kind, url, expiresAt}`: a presigned GET, lambdas/kyc/ports.ts `linkFor`); the
// provider answers `{providerRef}` and later delivers its decision to the webhook route, signed (webhook.ts).
// The key is never logged nor put in an error; a slow provider fails after the timeout (the customer may
// complete a document again: the check is started anew).
import * as z from 'zod/mini';
import type { VerificationProvider, VerificationRequest } from './ports.js';

const started = z.object({ providerRef: z.string().check(z.minLength(1), z.maxLength(128)) });

export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
}

export class HttpVerificationProvider implements VerificationProvider {
  constructor(
    private readonly config: () => Promise<{ url: string; apiKey: string }>,
    private readonly fetcher: typeof fetch = fetch,
    private readonly timeoutMs = 5000,
  ) {}

  async startCheck(request: VerificationRequest): Promise<{ providerRef: string }> {
    const { url, apiKey } = await this.config();
    let answer: Response;
    try {
      answer = await this.fetcher(new URL('checks', url.endsWith('/') ? url : `${url}/`), {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        // The customer is named by the check id only; each document is a short-lived link (a presigned GET)
        // the provider fetches before it expires, never a key of the bucket.
        body: JSON.stringify({ checkId: request.checkId, documents: request.documents }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new ProviderUnavailable('The verification provider did not answer');
    }
    if (!answer.ok) throw new ProviderUnavailable(`The verification provider answered ${answer.status}`);
    const body = z.safeParse(started, await answer.json().catch(() => undefined));
    if (!body.success) throw new ProviderUnavailable('The verification provider answered no reference');
    return { providerRef: body.data.providerRef };
  }
}
