// CheckKycDocument (F1), invoked by CompleteKycDocument: the server-side check of one upload, in a function
// of its own because it alone carries pdf-lib (≈430 KB) beside the S3 client, and holds only the document
// bucket's kyc/ objects (read, size, delete; no table, no key but S3's use of the data key). The size first
// (HeadObject: nothing larger than the limit is read), then documents.ts checkDocument on the bytes: type by
// magic bytes, accepted for the kind and equal to the declared type, PDF readable with 1…maxPdfPages pages. A
// refused file is deleted (its version: nothing kept) and the answer says why; nothing uploaded: `missing`. An
// accepted one is tagged complete (F5: the bucket expires uploads still pending after a day).
// Asked for links (`documentLinksRequest`), it presigns a GET of each accepted identity document with its own
// role (the one that holds the reads and S3's use of the data key), for the verification provider to fetch.
import * as z from 'zod/mini';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import { taskHandler } from '../../kernel/task.js';
import { awsDocumentChecker } from '../aws/documents-check-env.js';
import type { KycConfig } from '../config.js';
import {
  type DocumentCheckAnswer,
  type DocumentCheckRequest,
  type DocumentLinksAnswer,
  type DocumentLinksRequest,
  documentCheckRequest,
  documentLinksRequest,
} from '../contracts.js';
import { checkDocument, DocumentRefused } from '../documents.js';
import type { DocumentStore } from '../ports.js';
import { KYC_CONFIG } from '../wiring.js';

export async function checkUpload(
  documents: Pick<DocumentStore, 'head' | 'read' | 'delete' | 'keep'>,
  { key, kind, declared }: DocumentCheckRequest,
  limits: KycConfig['documents'],
): Promise<DocumentCheckAnswer> {
  const size = await documents.head(key);
  if (size === undefined) return { outcome: 'missing' };
  try {
    if (size > limits.maxBytes)
      throw new DocumentRefused('too-large', `The file is larger than ${limits.maxBytes} bytes`);
    const bytes = await documents.read(key, limits.maxBytes);
    if (!bytes) return { outcome: 'missing' };
    const checked = await checkDocument(kind, declared, bytes, limits);
    // F5: kept from here on (no longer a pending upload the bucket expires after a day).
    await documents.keep(key);
    return {
      outcome: 'accepted',
      contentType: checked.contentType,
      bytes: checked.bytes,
      ...(checked.pages === undefined ? {} : { pages: checked.pages }),
    };
  } catch (err) {
    if (!(err instanceof DocumentRefused)) throw err;
    await documents.delete(key);
    return { outcome: 'refused', reason: err.reason, message: err.message };
  }
}

/** F1: the provider's links to the documents, each a presigned GET that expires (`expiresInSeconds`). */
export async function linkDocuments(
  documents: Pick<DocumentStore, 'linkFor'>,
  request: DocumentLinksRequest,
): Promise<DocumentLinksAnswer> {
  return {
    documents: await Promise.all(
      request.links.map(async ({ kind, key }) => ({
        kind,
        ...(await documents.linkFor(key, request.expiresInSeconds, request.baseUrl)),
      })),
    ),
  };
}

const checkerInput = z.union([documentCheckRequest, documentLinksRequest]);

export const makeHandler = (ports: {
  kycDocuments: Pick<DocumentStore, 'head' | 'read' | 'delete' | 'keep' | 'linkFor'>;
}) =>
  taskHandler(checkerInput, async (request): Promise<DocumentCheckAnswer | DocumentLinksAnswer> => {
    if ('links' in request) {
      const answer = await linkDocuments(ports.kycDocuments, request);
      logger.info('kyc document links signed', {
        kinds: request.links.map((l) => l.kind),
        expiresInSeconds: request.expiresInSeconds,
      });
      return answer;
    }
    const answer = await checkUpload(ports.kycDocuments, request, KYC_CONFIG.documents);
    logger.info('kyc document checked', {
      kind: request.kind,
      outcome: answer.outcome,
      ...(answer.outcome === 'refused' ? { reason: answer.reason } : {}),
    });
    return answer;
  });

export const handler = lazyHandler(() => makeHandler({ kycDocuments: awsDocumentChecker() }));
