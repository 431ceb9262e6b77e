// What a login request tells about its client, and where links in emails must point.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { baseUrlOf } from './http.js';

// In the shared HTTP wiring: security-change notices (B1) need the same base URL for their links.
export { baseUrlOf } from './http.js';

export interface ClientContext {
  ip: string;
  userAgent?: string;
  deviceId: string;
  /** Where links in emails point: the API's configured public base URL (never the request's Host). */
  baseUrl: string;
}

export function clientOf(
  event: APIGatewayProxyEvent,
  request: { sourceIp: string; userAgent: string | undefined },
  deviceId: string,
): ClientContext {
  return {
    ip: request.sourceIp,
    ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 512) } : {}),
    deviceId,
    baseUrl: baseUrlOf(event),
  };
}
