// F1: the body of a request as received, for a route whose signature covers the raw bytes (the KYC provider's
// webhook; its contract sets `raw`, so http.ts does not parse it). Decoded from base64 when API Gateway encoded
// it; bounded like every body.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PayloadTooLarge } from './errors.js';
import { MAX_BODY_BYTES } from './http.js';

export function rawBodyOf(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  if (event.body === null || event.body === undefined) return '';
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLarge(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  return raw;
}
