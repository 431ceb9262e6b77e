// Matches a request path against API Gateway path templates (`/v1/me/sessions/{sessionId}`, `{proxy+}`).
import type { HttpMethod, RouteSpec } from '../lambdas/catalogue.js';

export type RouteMatch =
  | { kind: 'route'; route: RouteSpec; pathParameters: Record<string, string> | null }
  /** The path exists, not with this method. */
  | { kind: 'method-not-allowed'; allowed: HttpMethod[] }
  | { kind: 'none' };

/** Thrown for a path segment that is not valid percent-encoding. */
export class MalformedPath extends Error {
  override readonly name = 'MalformedPath';
}

export function matchRoute(routes: readonly RouteSpec[], method: string, path: string): RouteMatch {
  const segments = path.split('/').slice(1);
  const allowed: HttpMethod[] = [];
  let found: { route: RouteSpec; params: Record<string, string> } | undefined;
  // A literal segment wins over a parameter, as in API Gateway: try the most literal templates first.
  for (const route of [...routes].sort((a, b) => literalCount(b.path) - literalCount(a.path))) {
    const params = matchTemplate(route.path, segments);
    if (!params) continue;
    if (route.method === method) {
      found ??= { route, params };
    } else if (!allowed.includes(route.method)) {
      allowed.push(route.method);
    }
  }
  if (found) {
    const pathParameters = Object.keys(found.params).length > 0 ? found.params : null;
    return { kind: 'route', route: found.route, pathParameters };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
}

const literalCount = (template: string) => template.split('/').filter((s) => s && !s.startsWith('{')).length;

function matchTemplate(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy?.[1]) {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.some((s) => s === '')) return undefined;
      params[greedy[1]] = rest.map(decode).join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined || segment === '') return undefined;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) params[param[1]] = decode(segment);
    else if (part !== segment) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPath('Malformed percent-encoding in the path');
  }
}
