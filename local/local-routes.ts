// The local-only endpoints of the gateway: /openapi.json and its human view /docs, the admin console's files
// (/console/; deployed by CloudFront in the cloud), the outbox of emails and SMS, the directory's JWKS of both
// pools, dev-user and dev-admin creation (for `npm run dev:user` / `dev:admin` against a running server).
// Otherwise never deployed.
import * as z from 'zod/mini';
import { ValidationError } from '../lambdas/kernel/errors.js';
import { validationError } from '../lambdas/kernel/http.js';
import { VERIFICATION_DECISIONS } from '../lambdas/kyc/webhook.js';
import { KYC_CONFIG } from '../lambdas/kyc/wiring.js';
import { buildOpenApi } from '../lambdas/openapi.js';
import { backfillRequest, backfillStep } from '../lambdas/screening/backfill.js';
import { MAX_STAGED_FILE_BYTES } from '../lambdas/screening/staging.js';
import { KYC_DOCUMENT_LINK_PATH, KYC_UPLOAD_PATH, LocalUploadRefused } from './adapters/kyc-documents.js';
import { LIST_UPLOAD_PATH } from './adapters/list-staging.js';
import { consoleRoutes } from './console-page.js';
import { createDevAccount } from './dev-accounts.js';
import { createDevAdmin, devAdminRequest } from './dev-admins.js';
import { docsRoutes } from './docs-page.js';
import type { LocalRoute } from './gateway.js';
import type { LocalRuntime } from './ports.js';
import { startRescreen } from './screening-rescreen.js';
import { EML_PATH } from './ses.js';

export const OUTBOX_PATH = '/_local/outbox';
export const DEV_USERS_PATH = '/_local/dev-users';
export const DEV_ADMINS_PATH = '/_local/dev-admins';
/** F2: starts the re-screen of the roster against a list's version in force (`npm run screening:load`). */
export const SCREENING_RESCREEN_PATH = '/_local/screening/rescreen';
export const rescreenRequest = z.object({
  list: z.string().check(z.regex(/^[a-z0-9_-]{1,64}$/, 'a list id such as un-sc')),
});
/**
 * F2: the roster backfill (`npm run screening:backfill`), step by step so the caller shows progress: a page of
 * accounts (from `cursor`), then the re-screen once every page is done.
 */
export const SCREENING_BACKFILL_PATH = '/_local/screening/backfill';
/**
 * F1: the simulated verification provider decides a started check (`npm start`'s stand-in for the provider's
 * console): its signed webhook is POSTed to the gateway's webhook route, as the provider would.
 */
export const KYC_PROVIDER_DECIDE_PATH = '/_local/kyc/provider/decide';
export const kycDecideRequest = z.object({
  checkId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/)),
  decision: z.enum(VERIFICATION_DECISIONS),
  reasons: z.optional(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(20))),
});
export const jwksPath = (userPoolId: string) => `/_local/identity/${userPoolId}/.well-known/jwks.json`;

export const devUserRequest = z.object({
  username: z.string().check(z.minLength(1), z.maxLength(128)),
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  phone: z.optional(z.string()),
  password: z.optional(z.string().check(z.minLength(8), z.maxLength(256))),
});

export function localRoutes(runtime: LocalRuntime, baseUrl: () => string): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/openapi.json',
      handle: async () => ({ status: 200, body: buildOpenApi(baseUrl()) }),
    },
    ...docsRoutes(),
    ...consoleRoutes(),
    {
      method: 'GET',
      path: OUTBOX_PATH,
      handle: async () => ({
        status: 200,
        body: { emails: await runtime.emails(), sms: runtime.ports.sms.list() },
      }),
    },
    {
      method: 'GET',
      path: EML_PATH,
      // B3: the raw message, to verify its PGP/MIME signature byte for byte (`gpg --verify`, a mail client).
      handle: async (_body, query) => {
        const raw = runtime.rawEmail(query.get('id') ?? '');
        if (!raw) return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such message' } } };
        return { status: 200, body: Buffer.from(raw).toString('latin1'), contentType: 'message/rfc822' };
      },
    },
    {
      method: 'GET',
      path: jwksPath(runtime.pool.userPoolId),
      handle: async () => ({ status: 200, body: runtime.ports.identity.jwks() }),
    },
    {
      method: 'GET',
      path: jwksPath(runtime.adminPool.userPoolId),
      handle: async () => ({ status: 200, body: runtime.ports.adminIdentity.jwks() }),
    },
    {
      method: 'POST',
      path: DEV_ADMINS_PATH,
      handle: async (body) => {
        const input = z.safeParse(devAdminRequest, parseJson(body));
        if (!input.success) throw validationError('Invalid dev admin', input.error.issues);
        const admin = await createDevAdmin(runtime.ports, input.data);
        return { status: 201, body: { ...admin, stateDir: runtime.stateDir } };
      },
    },
    {
      method: 'POST',
      path: DEV_USERS_PATH,
      handle: async (body) => {
        const input = z.safeParse(devUserRequest, parseJson(body));
        if (!input.success) throw validationError('Invalid dev user', input.error.issues);
        const account = await createDevAccount(runtime.ports, input.data);
        return { status: 201, body: { ...account, stateDir: runtime.stateDir } };
      },
    },
    {
      // F2: the upload slots of a load-screening-list request (as S3 answers a presigned POST: 204, or the
      // refusal of the slot's policy). Not under /_local/: the requester's client posts here as it would to S3.
      method: 'POST',
      path: LIST_UPLOAD_PATH,
      binaryLimit: MAX_STAGED_FILE_BYTES + 64 * 1024,
      handle: async (_body, _query, upload) => {
        const form = await new Response(upload?.bytes ?? new Uint8Array(), {
          headers: { 'content-type': upload?.contentType ?? '' },
        })
          .formData()
          .catch(() => undefined);
        const file = form?.get('file');
        if (!form || !(file instanceof Blob)) {
          return {
            status: 400,
            body: { error: { code: 'MALFORMED_UPLOAD', message: 'A multipart form with a file' } },
          };
        }
        const fields: Record<string, string> = {};
        for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
        try {
          await runtime.ports.staging.receive(fields, new Uint8Array(await file.arrayBuffer()));
        } catch (err) {
          if (!(err instanceof LocalUploadRefused)) throw err;
          return { status: err.status, body: { error: { code: 'UPLOAD_REFUSED', message: err.message } } };
        }
        return { status: 204, body: '', contentType: 'text/plain' };
      },
    },
    {
      // F1: the KYC upload slots (as S3 answers a presigned POST: 204, or the refusal of the slot's policy).
      method: 'POST',
      path: KYC_UPLOAD_PATH,
      binaryLimit: KYC_CONFIG.documents.maxBytes + 64 * 1024,
      handle: async (_body, _query, upload) => {
        const form = await formOf(upload);
        const file = form?.get('file');
        if (!form || !(file instanceof Blob)) {
          return {
            status: 400,
            body: { error: { code: 'MALFORMED_UPLOAD', message: 'A multipart form with a file' } },
          };
        }
        const fields: Record<string, string> = {};
        for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
        try {
          await runtime.ports.kycDocuments.receive(fields, new Uint8Array(await file.arrayBuffer()));
        } catch (err) {
          if (!(err instanceof LocalUploadRefused)) throw err;
          return { status: err.status, body: { error: { code: 'UPLOAD_REFUSED', message: err.message } } };
        }
        return { status: 204, body: '', contentType: 'text/plain' };
      },
    },
    {
      // F1: a document's short-lived link, as the provider fetches it (S3: a presigned GET; 403 when forged or
      // expired).
      method: 'GET',
      path: KYC_DOCUMENT_LINK_PATH,
      handle: async (_body, query) => {
        try {
          const { bytes, contentType } = await runtime.ports.kycDocuments.open(query);
          return { status: 200, body: bytes, contentType, binary: true };
        } catch (err) {
          if (!(err instanceof LocalUploadRefused)) throw err;
          return { status: 403, body: { error: { code: 'ACCESS_DENIED', message: err.message } } };
        }
      },
    },
    {
      method: 'POST',
      path: KYC_PROVIDER_DECIDE_PATH,
      handle: async (body) => {
        const input = z.safeParse(kycDecideRequest, parseJson(body));
        if (!input.success) throw validationError('Invalid decision', input.error.issues);
        const { checkId, decision, reasons } = input.data;
        let webhook: Awaited<ReturnType<typeof runtime.ports.kycProvider.decide>>;
        try {
          webhook = await runtime.ports.kycProvider.decide(checkId, decision, reasons);
        } catch {
          return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such started check' } } };
        }
        const answer = await fetch(`${baseUrl()}/v1/kyc/provider/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...webhook.headers },
          body: webhook.rawBody,
        });
        return { status: 200, body: { delivered: answer.status, answer: await answer.json() } };
      },
    },
    {
      method: 'POST',
      path: SCREENING_RESCREEN_PATH,
      handle: async (body) => {
        const input = z.safeParse(rescreenRequest, parseJson(body));
        if (!input.success) throw validationError('Invalid re-screen request', input.error.issues);
        const started = await startRescreen(runtime, input.data.list);
        if (!started) {
          return {
            status: 404,
            body: { error: { code: 'NO_LIST_VERSION', message: 'No version in force' } },
          };
        }
        return { status: 202, body: { ...started, stateDir: runtime.stateDir } };
      },
    },
    {
      method: 'POST',
      path: SCREENING_BACKFILL_PATH,
      handle: async (body) => {
        const input = z.safeParse(backfillRequest, parseJson(body));
        if (!input.success) throw validationError('Invalid backfill request', input.error.issues);
        const { ports } = runtime;
        const answer = await backfillStep(
          {
            accounts: ports.accounts,
            roster: ports.screeningStore,
            lists: ports.lists,
            workflows: ports.workflows,
          },
          input.data,
          () => ports.clock.now(),
        );
        return { status: 'started' in answer && answer.started ? 202 : 200, body: answer };
      },
    },
  ];
}

/** The multipart form of an upload, or undefined when it is not one. */
const formOf = (upload: { bytes: Uint8Array; contentType: string } | undefined) =>
  new Response(upload?.bytes ?? new Uint8Array(), {
    headers: { 'content-type': upload?.contentType ?? '' },
  })
    .formData()
    .catch(() => undefined);

function parseJson(body: string | null): unknown {
  try {
    return body === null ? undefined : JSON.parse(body);
  } catch {
    throw new ValidationError('Request body is not valid JSON', undefined, 'MALFORMED_JSON');
  }
}
