// SmsSender on Amazon SNS (transactional SMS to a phone number). Publish is one signed request of SNS's query
// protocol (`POST /`, the form `Action=Publish&Version=2010-03-31&…` encoded as the SDK encodes it, signed for
// `sns`) through signed-request.ts instead of @aws-sdk/client-sns and its share of @smithy/core
// (docs/decisions.md, "Bundles"). The answer's MessageId and the error document's Code and Message are read
// from SNS's flat XML (xml-text.ts); a refusal is an AwsApiError named as the SDK names SNS's exceptions
// (`InvalidParameter` → InvalidParameterException …). The endpoint is the SDK's (`sns.<region>.amazonaws.com`,
// or AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL). Publish is not idempotent (a second SMS): a connection that failed
// before any answer is not sent again (but a kept-alive socket found closed, which the request never left on);
// throttling and service faults are retried as by the SDK.
import type { OutgoingSms, SmsSender } from '../ports/sms-sender.js';
import { once } from '../runtime/aws-env.js';
import { RETRIED } from './json-api.js';
import {
  type Answer,
  AwsApiError,
  type AwsTransport,
  header,
  signedCall,
  signerFor,
  traced,
  transportFromEnvironment,
  uriEncode,
} from './signed-request.js';
import { xmlElements, xmlText } from './xml-text.js';

export function snsTransportFromEnv(env: NodeJS.ProcessEnv = process.env): AwsTransport {
  return transportFromEnvironment('AWS_ENDPOINT_URL_SNS', (region) => `sns.${region}.amazonaws.com`, env);
}

/** The SDK's names of the error codes SNS's Publish answers (its model's awsQueryError codes); others as sent. */
const SNS_ERROR_NAMES: Record<string, string> = {
  AuthorizationError: 'AuthorizationErrorException',
  EndpointDisabled: 'EndpointDisabledException',
  InternalError: 'InternalErrorException',
  InvalidParameter: 'InvalidParameterException',
  ParameterValueInvalid: 'InvalidParameterValueException',
  InvalidSecurity: 'InvalidSecurityException',
  KMSAccessDenied: 'KMSAccessDeniedException',
  KMSDisabled: 'KMSDisabledException',
  KMSInvalidState: 'KMSInvalidStateException',
  KMSNotFound: 'KMSNotFoundException',
  KMSThrottling: 'KMSThrottlingException',
  NotFound: 'NotFoundException',
  OptedOut: 'OptedOutException',
  PlatformApplicationDisabled: 'PlatformApplicationDisabledException',
  Throttled: 'ThrottledException',
};

/** SNS's error document (`<ErrorResponse><Error><Code>…<Message>…`) as an AwsApiError. */
export function snsError(answer: Answer): AwsApiError {
  const xml = answer.body.toString('utf8');
  const [error = ''] = xmlElements(xml, 'Error');
  const code = xmlText(error, 'Code') || `Http${answer.status}`;
  return new AwsApiError(
    SNS_ERROR_NAMES[code] ?? code,
    answer.status,
    xmlText(error, 'Message') ?? '',
    header(answer, 'x-amzn-requestid') ?? xmlText(xml, 'RequestId'),
  );
}

/** The query form of a call, encoded as the SDK's query serializer encodes it (RFC 3986, `%20` for a space). */
export const queryForm = (fields: [string, string][]) =>
  fields.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');

/** One SNS Publish of an SMS to a phone number, traced (`SNS` · `Publish`): its MessageId, or SNS's refusal. */
export function publishSms(
  transport: AwsTransport,
  input: { PhoneNumber: string; Message: string; SmsType: 'Transactional' | 'Promotional' },
): Promise<{ MessageId?: string }> {
  // The SDK's order: Action, Version, then the input's members in its model's order.
  const body = Buffer.from(
    queryForm([
      ['Action', 'Publish'],
      ['Version', '2010-03-31'],
      ['Message', input.Message],
      ['PhoneNumber', input.PhoneNumber],
      ['MessageAttributes.entry.1.Name', 'AWS.SNS.SMS.SMSType'],
      ['MessageAttributes.entry.1.Value.DataType', 'String'],
      ['MessageAttributes.entry.1.Value.StringValue', input.SmsType],
    ]),
  );
  const base = transport.endpoint;
  return traced('SNS', 'Publish', transport.region, async () => {
    const answer = await signedCall(
      transport,
      signerFor(transport, 'sns'),
      {
        method: 'POST',
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: `${base.pathname.replace(/\/$/, '')}/`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(body.byteLength),
        },
        body,
      },
      { errorOf: snsError, retryError: (error) => RETRIED.has(error.name) },
    );
    const [result = ''] = xmlElements(answer.body.toString('utf8'), 'PublishResult');
    const messageId = xmlText(result, 'MessageId');
    return messageId ? { MessageId: messageId } : {};
  });
}

export class SnsSmsSender implements SmsSender {
  constructor(private readonly transport: () => AwsTransport) {}

  async send(sms: OutgoingSms): Promise<{ messageId: string }> {
    const out = await publishSms(this.transport(), {
      PhoneNumber: sms.to,
      Message: sms.text,
      SmsType: 'Transactional',
    });
    return { messageId: out.MessageId ?? 'unknown' };
  }
}

export const awsSmsSender = /* @__PURE__ */ once(() => new SnsSmsSender(once(() => snsTransportFromEnv())));
