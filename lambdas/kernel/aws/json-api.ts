import {
  type Answer,
  AwsApiError,
  type AwsTransport,
  header,
  signedCall,
  signerFor,
  traced,
  transportFromEnvironment,
} from './signed-request.js';

/** One JSON-protocol service: how it is signed, addressed and named. */
export interface JsonService {
  /** The SigV4 service name: `dynamodb`, `kms`, `cognito-idp`, `states`, `secretsmanager`, `sqs`. */
  signingName: string;
  /** The X-Amz-Target prefix: `DynamoDB_20120810`, `TrentService`, `AWSCognitoIdentityProviderService` … */
  targetPrefix: string;
  /** awsJson1_0 or awsJson1_1 (the Content-Type's version). */
  jsonVersion: '1.0' | '1.1';
  /** The service's own endpoint variable, as the SDK reads it: `AWS_ENDPOINT_URL_DYNAMODB` … */
  endpointVariable: string;
  /** The service's name in traces, as the SDK's clients name it: `DynamoDB`, `KMS` … */
  traceName: string;
  /** The regional host when no endpoint variable is set; `<signingName>.<region>.amazonaws.com` by default. */
  host?: (region: string) => string;
}

export function jsonTransportFromEnv(
  service: JsonService,
  env: NodeJS.ProcessEnv = process.env,
): AwsTransport {
  return transportFromEnvironment(
    service.endpointVariable,
    (region) => service.host?.(region) ?? `${service.signingName}.${region}.amazonaws.com`,
    env,
  );
}

// The SDK's throttling and transient error codes (@smithy/service-error-classification), retried like a 429.
export const RETRIED = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** The service's refusal: its code from `__type` (or x-amzn-ErrorType), its message, the document's other fields. */
export function jsonApiError(answer: Answer): AwsApiError {
  let document: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    if (parsed && typeof parsed === 'object') document = parsed as Record<string, unknown>;
  } catch {
    // a body that is not JSON: the status names the error
  }
  const raw =
    header(answer, 'x-amzn-errortype') ?? (document.__type as string | undefined) ?? `Http${answer.status}`;
  const name = raw.split(':')[0]?.split('#').at(-1) || `Http${answer.status}`;
  const { __type: _type, message, Message, ...fields } = document;
  const error = new AwsApiError(
    name,
    answer.status,
    typeof message === 'string' ? message : typeof Message === 'string' ? Message : '',
    header(answer, 'x-amzn-requestid'),
  );
  return Object.assign(error, fields);
}

export interface JsonCallOptions {
  /** The operation may be sent again after a connection failed before any answer (reads, idempotent writes). */
  idempotent?: boolean;
  /**
   * Sent without a signature, as the SDK sends the operations its model marks `smithy.api#noAuth` (Cognito's
   * operations authorised by the app client or the user's own token: GetTokensFromRefreshToken, RevokeToken …).
   */
  unsigned?: boolean;
}

/** The signer of an unsigned call: the request as it is (the SDK's noAuth scheme). */
const UNSIGNED = { sign: async <R>(request: R) => request } as unknown as ReturnType<typeof signerFor>;

/** One untraced call: the parsed answer, or the service's refusal as an AwsApiError. */
export async function jsonCallRaw<T = Record<string, unknown>>(
  service: JsonService,
  transport: AwsTransport,
  operation: string,
  input: unknown,
  options: JsonCallOptions = {},
): Promise<T> {
  const base = transport.endpoint;
  const body = Buffer.from(JSON.stringify(input ?? {}));
  const answer = await signedCall(
    transport,
    options.unsigned ? UNSIGNED : signerFor(transport, service.signingName),
    {
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: base.pathname || '/',
      headers: {
        'content-type': `application/x-amz-json-${service.jsonVersion}`,
        'content-length': String(body.byteLength),
        'x-amz-target': `${service.targetPrefix}.${operation}`,
      },
      body,
    },
    {
      errorOf: jsonApiError,
      retryNetwork: options.idempotent === true,
      retryError: (error) => RETRIED.has(error.name),
    },
  );
  return (answer.body.length ? JSON.parse(answer.body.toString('utf8')) : {}) as T;
}

/** A service's caller over one transport (the environment's unless given): `call(operation, input)`, traced. */
export function jsonApi(service: JsonService, transport: () => AwsTransport) {
  return {
    service,
    transport,
    call<T = Record<string, unknown>>(
      operation: string,
      input: unknown,
      options?: JsonCallOptions,
    ): Promise<T> {
      const t = transport();
      return traced(service.traceName, operation, t.region, () =>
        jsonCallRaw<T>(service, t, operation, input, options),
      );
    },
  };
}
