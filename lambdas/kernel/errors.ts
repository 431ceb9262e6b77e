// The typed errors of Palisade: each has a stable code and an HTTP status; one middleware maps them. The codes
// are those of error-codes.ts, each under its own status (imported as a type: no bundle carries the registry).
import type { CodeOf, ErrorCode } from './error-codes.js';

export type ErrorDetail = { path: string; message: string };

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly status = 400;
  readonly code: CodeOf<400>;
  constructor(message: string, details?: ErrorDetail[], code: CodeOf<400> = 'VALIDATION_FAILED') {
    super(message, details);
    this.code = code;
  }
}
export class Unauthorized extends AppError {
  override readonly name = 'Unauthorized';
  readonly status = 401;
  readonly code: CodeOf<401>;
  constructor(message: string, code: CodeOf<401> = 'UNAUTHORIZED') {
    super(message);
    this.code = code;
  }
}
export class Forbidden extends AppError {
  override readonly name = 'Forbidden';
  readonly status = 403;
  readonly code: CodeOf<403>;
  constructor(message: string, code: CodeOf<403> = 'FORBIDDEN') {
    super(message);
    this.code = code;
  }
}
export class NotFound extends AppError {
  override readonly name = 'NotFound';
  readonly status = 404;
  readonly code = 'NOT_FOUND';
}
export class MethodNotAllowed extends AppError {
  override readonly name = 'MethodNotAllowed';
  readonly status = 405;
  readonly code = 'METHOD_NOT_ALLOWED';
}
export class Conflict extends AppError {
  override readonly name = 'Conflict';
  readonly status = 409;
  readonly code: CodeOf<409>;
  constructor(message: string, code: CodeOf<409> = 'CONFLICT') {
    super(message);
    this.code = code;
  }
}
/**
 * Too many attempts: the bot shield, a limit, or a code's attempt limit. Says nothing about the account. Every
 * 429 answer carries `Retry-After`: the seconds until the same request may succeed; 0 when the limit is not
 * one of time (a code's tries used up: the flow starts again now, under the shield).
 */
export class TooManyRequests extends AppError {
  override readonly name = 'TooManyRequests';
  readonly status = 429;
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
/** A link or code that existed but is used up or expired. */
export class Gone extends AppError {
  override readonly name = 'Gone';
  readonly status = 410;
  readonly code: CodeOf<410>;
  constructor(message: string, code: CodeOf<410> = 'GONE') {
    super(message);
    this.code = code;
  }
}
export class PayloadTooLarge extends AppError {
  override readonly name = 'PayloadTooLarge';
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}
export class UnsupportedMediaType extends AppError {
  override readonly name = 'UnsupportedMediaType';
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}
/** I1: the SMS function refuses destinations outside settings.smsCountries (SMS pumping). */
export class SmsCountryNotAllowed extends AppError {
  override readonly name = 'SmsCountryNotAllowed';
  readonly status = 400;
  readonly code = 'SMS_COUNTRY_NOT_ALLOWED';
  constructor() {
    super('SMS cannot be sent to numbers of this country');
  }
} /** A stored item failed its integrity check: the caller learns nothing about the data. */
export class IntegrityError extends AppError {
  override readonly name = 'IntegrityError';
  readonly status = 500;
  readonly code = 'INTERNAL_ERROR';
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId?: string };
}

/** The one mapping from any thrown value to a client-safe status, body and headers; never a stack. */
export function toErrorResponse(
  err: unknown,
  requestId?: string,
): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (err instanceof AppError && !(err instanceof IntegrityError)) {
    return {
      status: err.status,
      ...(err instanceof TooManyRequests
        ? { headers: { 'retry-after': String(err.retryAfterSeconds) } }
        : {}),
      body: {
        error: {
          code: err.code,
          message: err.message,
          ...(err.details ? { details: err.details } : {}),
          requestId,
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error', requestId } } };
}

/** An authorizer throws exactly this message: API Gateway turns it into a 401. */
export const UNAUTHORIZED = 'Unauthorized';
