// POST /v1/me/kyc/documents/{slotId}/complete (F1): the client says its upload to a slot is done; the file is
// checked server-side by CheckKycDocument (its own function: pdf-lib and the document reads live there only)
// and the answer says at once what became of it. Refused: the object is deleted (nothing kept), the slot
// records why, and the answer is the refusal (400/413/415 with `details[].message` the reason). Accepted: the
// requirement is submitted; once the three identity documents are in, the verification provider is asked
// (`identity-verified` pending) and its decision arrives on the webhook. Nothing uploaded yet: 409, the slot
// stays open until it expires. Completing a settled slot again is safe: a refused one answers its refusal, an
// accepted one asks the provider again when it could not be reached the first time. The provider gets each
// document as a short-lived link (a presigned GET signed by CheckKycDocument, whose role reads the bucket),
// never a key. A business's owner's documents (a slot with `ownerId`) start the owner's own check.

import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import * as aws from '../../kernel/aws/infra.js';
import { Conflict, NotFound } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { awsProviderSecret } from '../aws/provider-secrets.js';
import {
  type DocumentCheckAnswer,
  type DocumentCheckRequest,
  type DocumentLinksAnswer,
  type DocumentLinksRequest,
  documentAcceptedView,
  documentCheckAnswer,
  documentLinksAnswer,
  SLOT_ID,
  type VERIFICATION_STEPS,
} from '../contracts.js';
import { DocumentRefused } from '../document-kinds.js';
import { HttpVerificationProvider, ProviderUnavailable } from '../http-provider.js';
import type { KycStore } from '../kyc-store.js';
import { overviewOf } from '../overview.js';
import { ownerIdentity } from '../owners.js';
import type { VerificationProvider } from '../ports.js';
import { checkIdFor, IDENTITY_DOCUMENTS, identityDocumentsReady } from '../verification.js';
import { awsKycStore, KYC_CONFIG } from '../wiring.js';

export type DocumentChecker = (request: DocumentCheckRequest) => Promise<DocumentCheckAnswer>;
/** CheckKycDocument asked for the provider's links to the documents (presigned GETs signed by its role). */
export type DocumentLinker = (request: DocumentLinksRequest) => Promise<DocumentLinksAnswer>;

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'get' | 'recordDocument' | 'startVerification' | 'startOwnerVerification'>;
  kycChecker: DocumentChecker;
  kycLinker: DocumentLinker;
  kycProvider: VerificationProvider;
  settings: Pick<Settings, 'withdrawalLimits'>;
  clock: Clock;
}) =>
  httpHandler({}, async (request, event) => {
    const { userId } = callerOf(event);
    const slotId = request.pathParams.slotId ?? '';
    if (!SLOT_ID.test(slotId)) throw new NotFound('No such upload slot');
    const current = await ports.kyc.get(userId);
    const slot = current?.documents?.[slotId];
    if (!current || !slot) throw new NotFound('No such upload slot');
    const now = ports.clock.now();
    const at = now.toISOString();
    if (slot.status === 'refused') {
      throw new DocumentRefused(slot.reason ?? 'unreadable', 'This upload was refused; ask for a new slot');
    }
    let record = current;
    if (slot.status === 'awaiting-upload') {
      const answer = await ports.kycChecker({ key: slot.key, kind: slot.kind, declared: slot.contentType });
      if (answer.outcome === 'missing') throw new Conflict('Nothing was uploaded to this slot yet');
      if (answer.outcome === 'refused') {
        await ports.kyc.recordDocument(userId, slotId, { accepted: false, reason: answer.reason }, at);
        logger.info('kyc document refused', { kind: slot.kind, reason: answer.reason });
        throw new DocumentRefused(answer.reason, answer.message);
      }
      record = (await ports.kyc.recordDocument(userId, slotId, { accepted: true }, at)).record;
    }
    // An accepted slot completed again (the provider was unavailable the first time) asks the provider again.
    let verification: (typeof VERIFICATION_STEPS)[number] = 'not-needed';
    if ((IDENTITY_DOCUMENTS as readonly string[]).includes(slot.kind)) {
      const { ownerId } = slot;
      const documents = identityDocumentsReady(record.documents ?? {}, ownerId);
      const identity = ownerId
        ? ownerIdentity(record.business?.owners.find((o) => o.ownerId === ownerId)?.verification)
        : record.requirements['identity-verified'];
      if (!documents) verification = 'waiting-for-documents';
      else if (identity === 'pending' || identity === 'in-review' || identity === 'met')
        verification = 'in-progress';
      else {
        const checkId = checkIdFor(userId, randomBytes(16).toString('base64url').slice(0, 22));
        // the provider fetches each document by a link that expires, never by a key of the bucket
        const links = await ports.kycLinker({
          links: documents,
          expiresInSeconds: KYC_CONFIG.documents.providerLinkSeconds,
          ...(z.safeParse(z.url(), request.baseUrl).success ? { baseUrl: request.baseUrl } : {}),
        });
        try {
          const { providerRef } = await ports.kycProvider.startCheck({
            checkId,
            userId,
            documents: links.documents,
          });
          record = ownerId
            ? await ports.kyc.startOwnerVerification(userId, ownerId, { checkId, providerRef }, at)
            : await ports.kyc.startVerification(userId, { checkId, providerRef }, at);
          verification = 'started';
        } catch (err) {
          if (!(err instanceof ProviderUnavailable)) throw err;
          logger.warn('kyc provider unavailable', { message: err.message });
          verification = 'provider-unavailable';
        }
      }
    }
    logger.info('kyc document accepted', { kind: slot.kind, verification, owner: !!slot.ownerId });
    const kyc = overviewOf(record, KYC_CONFIG, ports.settings, now);
    return {
      status: 200,
      body: documentAcceptedView.parse({ slotId, kind: slot.kind, status: 'accepted', verification, kyc }),
    };
  });

/** CheckKycDocument through the Lambda client, its answer parsed (a malformed one is the checker's defect). */
export const invokeChecker =
  (invoke: (request: unknown) => Promise<unknown>): DocumentChecker =>
  async (request) =>
    documentCheckAnswer.parse(await invoke(request));

/** CheckKycDocument asked for links, through the Lambda client, its answer parsed. */
export const invokeLinker =
  (invoke: (request: unknown) => Promise<unknown>): DocumentLinker =>
  async (request) =>
    documentLinksAnswer.parse(await invoke(request));

export const handler = lazyHandler(() =>
  makeHandler({
    kyc: awsKycStore(),
    kycChecker: invokeChecker(aws.invoke('KYC_CHECK_FUNCTION')),
    kycLinker: invokeLinker(aws.invoke('KYC_CHECK_FUNCTION')),
    kycProvider: new HttpVerificationProvider(awsProviderSecret()),
    settings: aws.settings(),
    clock: aws.clock,
  }),
);
