// POST /v1/me/kyc/documents (F1): an upload slot for one document. The client names the kind and the content
// type; the answer is a presigned POST (S3: one object key per slot, that content type, 1…maxBytes bytes,
// SSE-KMS with the data key, expiring with the slot; locally the same policy enforced by the local store). The
// slot is recorded in the KYC record so that the complete call knows what was asked for. Nothing is read.
// F1: a business customer uploads its beneficial owners' identity documents the same way, naming the owner
// (`ownerId` from GET /v1/me/kyc): an owner not declared is 404, a document other than an identity one 400.
import { randomBytes } from 'node:crypto';
import * as aws from '../../kernel/aws/infra.js';
import { UnsupportedMediaType, ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { awsDocumentStore } from '../aws/documents-env.js';
import { uploadSlotBody, uploadSlotView } from '../contracts.js';
import { ACCEPTED_TYPES } from '../document-kinds.js';
import type { KycStore } from '../kyc-store.js';
import type { DocumentStore } from '../ports.js';
import { IDENTITY_DOCUMENTS } from '../verification.js';
import { awsKycStore, KYC_CONFIG } from '../wiring.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'openSlot'>;
  kycDocuments: Pick<DocumentStore, 'createUploadSlot'>;
  clock: Clock;
}) =>
  httpHandler({ body: uploadSlotBody }, async (request, event) => {
    const { userId } = callerOf(event);
    const { kind, contentType, ownerId } = request.body;
    if (ownerId && !(IDENTITY_DOCUMENTS as readonly string[]).includes(kind)) {
      throw new ValidationError(`An owner's documents are ${IDENTITY_DOCUMENTS.join(', ')}`, [
        { path: 'kind', message: `an owner's identity document: ${IDENTITY_DOCUMENTS.join(', ')}` },
      ]);
    }
    if (!ACCEPTED_TYPES[kind].includes(contentType)) {
      throw new UnsupportedMediaType(
        `A ${kind} is accepted as ${ACCEPTED_TYPES[kind].join(', ')}, not ${contentType}`,
      );
    }
    const now = ports.clock.now();
    const slotId = randomBytes(18).toString('base64url');
    const limits = KYC_CONFIG.documents;
    const slot = await ports.kycDocuments.createUploadSlot({
      userId,
      slotId,
      kind,
      contentType,
      maxBytes: limits.maxBytes,
      expiresInSeconds: limits.uploadSlotSeconds,
      baseUrl: request.baseUrl,
    });
    await ports.kyc.openSlot(
      userId,
      slotId,
      {
        kind,
        contentType,
        key: slot.key,
        status: 'awaiting-upload',
        openedAt: now.toISOString(),
        expiresAt: slot.expiresAt,
        ...(ownerId ? { ownerId } : {}),
      },
      now,
    );
    logger.info('kyc upload slot opened', { kind, contentType });
    const { key: _key, ...view } = slot;
    return { status: 201, body: uploadSlotView.parse(view) };
  });

export const handler = lazyHandler(() =>
  makeHandler({ kyc: awsKycStore(), kycDocuments: awsDocumentStore(), clock: aws.clock }),
);
