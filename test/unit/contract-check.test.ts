// Unit tests of the e2e suite's contract check (test/support/contract.ts): it must catch what the OpenAPI
// document does not declare, or the suite's "every answer is declared" proves nothing.
import { describe, expect, it } from 'vitest';
import { contractViolations } from '../support/contract.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': 'r',
    'x-amzn-requestid': 'r',
    ...headers,
  },
  body: JSON.stringify(body),
});
const error = (code: string) => ({ error: { code, message: 'm', requestId: 'r' } });

describe('contract check', () => {
  it('E3 a declared answer passes: a status, code and body the operation lists', () => {
    expect(
      contractViolations({ method: 'POST', url: '/v1/auth/login', ...json(403, error('JURISDICTION')) }),
    ).toEqual([]);
    expect(
      contractViolations({
        method: 'POST',
        url: '/v1/auth/login',
        ...json(429, error('RATE_LIMITED'), { 'retry-after': '3' }),
      }),
    ).toEqual([]);
    const health = { status: 'ok', service: 'palisade', time: '2026-12-04T17:00:00.000Z' };
    expect(contractViolations({ method: 'GET', url: '/v1/health', ...json(200, health) })).toEqual([]);
    // A success body is checked too: a missing field is caught.
    expect(
      contractViolations({ method: 'GET', url: '/v1/health', ...json(200, { status: 'ok' }) }),
    ).not.toEqual([]);
  });

  it('E3 an undeclared code, status, body field, media type or a 429 without Retry-After is caught', () => {
    const check = (method: string, url: string, answer: ReturnType<typeof json>) =>
      contractViolations({ method, url, ...answer }).join('\n');
    expect(check('POST', '/v1/auth/login', json(403, error('SECURITY_HOLD')))).toMatch(
      /allowed values.*SECURITY_HOLD/,
    );
    expect(check('GET', '/v1/health', json(409, error('CONFLICT')))).toMatch(/status not declared/);
    expect(check('POST', '/v1/auth/login', json(429, error('RATE_LIMITED')))).toMatch(/Retry-After/);
    expect(
      check(
        'POST',
        '/v1/auth/login',
        json(400, { error: { code: 'VALIDATION_FAILED', message: 'm', x: 1 } }),
      ),
    ).toMatch(/additional properties/);
    expect(
      check('GET', '/v1/health', {
        status: 200,
        headers: { 'content-type': 'text/plain', 'x-request-id': 'r', 'x-amzn-requestid': 'r' },
        body: 'ok',
      }),
    ).toMatch(/media type/);
    // What no route serves answers the gateway's own codes only.
    expect(check('GET', '/v1/nowhere', json(404, error('NOT_FOUND')))).toBe('');
    expect(check('GET', '/v1/nowhere', json(404, error('LOGIN_OVER')))).toMatch(/allowed values/);
  });

  it('I1 an answer without x-request-id, or whose error names another requestId, is caught', () => {
    const check = (answer: ReturnType<typeof json>) =>
      contractViolations({ method: 'POST', url: '/v1/auth/login', ...answer }).join('\n');
    expect(check(json(403, error('JURISDICTION'), { 'x-request-id': '' }))).toMatch(/no x-request-id/);
    expect(
      check(json(403, error('JURISDICTION'), { 'x-request-id': 'other', 'x-amzn-requestid': 'other' })),
    ).toMatch(/requestId r is not x-request-id other/);
    expect(check(json(403, error('JURISDICTION'), { 'x-amzn-requestid': 'other' }))).toMatch(
      /x-amzn-RequestId/,
    );
  });
});
