// What a login request tells about its client, and where links in emails must point.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ClientContext } from './login-flow.js';

/**
 * The API's public base URL as the client reached it. In AWS, from the request context (API Gateway has
 * checked the domain; headers are not trusted), with the stage on the default execute-api domain;
 * locally, the gateway's own address.
 */
export function baseUrlOf(event: APIGatewayProxyEvent): string {
  const domain = event.requestContext?.domainName;
  if (domain) {
    const stage = domain.includes('.execute-api.') ? `/${event.requestContext.stage}` : '';
    return `https://${domain}${stage}`;
  }
  const host = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'host')?.[1];
  return `http://${host ?? 'localhost'}`;
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
