// SES v2 SendEmail (lambdas/kernel/aws/mailer.ts) and SNS Publish (sms-sender.ts) as signed requests, which
// replace @aws-sdk/client-sesv2 and client-sns in the functions (docs/decisions.md, "Bundles"): each request
// compared with what the SDK's own client sends for the same input, its SigV4 signature checked by the
// independent verifier, the answers and refusals read as the SDK reads them, the retry policy of a call that
// is not safe to repeat, the endpoints, and both against the cloud harness's emulations (IAM, SES identities,
// the SES v2 emulator, phone numbers).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  rawMessage,
  type SendEmailInput,
  SesMailer,
  sendEmail,
  sesTransportFromEnv,
} from '../../lambdas/kernel/aws/mailer.js';
import type { AwsTransport } from '../../lambdas/kernel/aws/signed-request.js';
import { publishSms, SnsSmsSender, snsTransportFromEnv } from '../../lambdas/kernel/aws/sms-sender.js';
import { systemClock } from '../../lambdas/kernel/ports/clock.js';
import { LocalSmsOutbox } from '../../local/adapters/sms-outbox.js';
import { type LocalSes, startSes } from '../../local/ses.js';
import { Endpoint, standalonePrincipal } from '../cloud/harness/endpoints.js';
import { ENDPOINT_VARIABLES } from '../cloud/harness/lambda-runtime.js';
import { SesService, SnsService } from '../cloud/harness/services/messaging.js';
import type { CloudModel } from '../cloud/harness/template.js';
import { verifySigV4 } from '../support/sigv4.js';

const KEY_ID = 'ASIASTANDIN';
const SECRET = 'stand-in-secret';
const CREDENTIALS = { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: 'stand-in-session' };
const START = new Date('2026-03-01T10:00:00Z');
const FROM = 'no-reply@palisade.example';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The independent verifier's verdict for the service the request should be signed for. */
  verdict: string;
}

type Scripted = { status: number; body?: string; headers?: Record<string, string> } | 'drop';

/** A server recording every request and answering the next scripted answer (then `otherwise`). */
async function recorder(service: string, otherwise: Exclude<Scripted, 'drop'>) {
  const seen: Seen[] = [];
  const script: Scripted[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const raw = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push({ ...raw, verdict: verifySigV4(raw, { secret: SECRET, service, signed: ['content-type'] }) });
      const next = script.shift() ?? otherwise;
      if (next === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(next.status, next.headers);
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport: AwsTransport = {
    region: 'eu-west-1',
    endpoint: new URL(`${url}/base`),
    credentials: async () => CREDENTIALS,
    backoffMs: () => 1,
  };
  return {
    url,
    seen,
    script,
    transport,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type Recorder = Awaited<ReturnType<typeof recorder>>;

/** The SDK's clients at the recorder, with the same credentials and no retries (they are compared apart). */
const sdkSes = (r: Recorder, maxAttempts = 1) =>
  new SESv2Client({ region: 'eu-west-1', endpoint: `${r.url}/base`, credentials: CREDENTIALS, maxAttempts });
const sdkSns = (r: Recorder, maxAttempts = 1) =>
  new SNSClient({ region: 'eu-west-1', endpoint: `${r.url}/base`, credentials: CREDENTIALS, maxAttempts });

const scopeOf = (seen: Seen | undefined) =>
  /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(seen?.headers.authorization))?.slice(1);

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId,
    };
  }
  throw new Error('expected an error');
};

let open: Recorder | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

const SES_OK = {
  status: 200,
  body: '{"MessageId":"0100-ses-1"}',
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'ses-req' },
};

describe('B4 SES v2 SendEmail as one signed request', () => {
  it('B4 B3 a simple and a raw email are the request the SDK sends: POST <endpoint>/v2/email/outbound-emails, the same JSON (raw bytes in base64), SigV4 for ses in the Region', async () => {
    open = await recorder('ses', SES_OK);
    const r = open;
    const mailer = new SesMailer(
      () => r.transport,
      FROM,
      () => START,
    );
    const sdk = sdkSes(r);
    const entity = Uint8Array.from([
      ...Buffer.from('Content-Type: text/plain\r\n\r\n', 'latin1'),
      0,
      0x80,
      0xff,
    ]);
    const emails = [
      { to: 'sam@example.com', subject: 'Grüße', text: 'T ü', html: '<p>H & "q"</p>' },
      { to: 'sam@example.com', subject: 'S', text: 'only text' },
      { to: 'sam@example.com', subject: 'Sicherheit: Änderung', raw: entity },
    ] as const;
    const charset = (Data: string) => ({ Data, Charset: 'UTF-8' });
    for (const email of emails) {
      expect(await mailer.send(email)).toEqual({ messageId: '0100-ses-1' });
      const input: SendEmailCommandInput = {
        FromEmailAddress: FROM,
        Destination: { ToAddresses: [email.to] },
        Content:
          'raw' in email
            ? { Raw: { Data: rawMessage(FROM, email, START) } }
            : {
                Simple: {
                  Subject: charset(email.subject),
                  Body: {
                    Text: charset(email.text),
                    ...('html' in email ? { Html: charset(email.html) } : {}),
                  },
                },
              },
      };
      const out = await sdk.send(new SendEmailCommand(input));
      expect(out.MessageId).toBe('0100-ses-1');
      const [ours, theirs] = r.seen.slice(-2);
      expect(ours?.method).toBe('POST');
      expect(ours?.url).toBe('/base/v2/email/outbound-emails');
      expect(ours?.url).toBe(theirs?.url);
      expect(ours?.headers['content-type']).toBe('application/json');
      expect(ours?.headers['content-type']).toBe(theirs?.headers['content-type']);
      expect(ours?.headers['x-amz-security-token']).toBe('stand-in-session');
      expect(JSON.parse(String(ours?.body))).toEqual(JSON.parse(String(theirs?.body)));
      expect(scopeOf(ours)).toEqual([KEY_ID, 'eu-west-1', 'ses']);
      expect(scopeOf(ours)).toEqual(scopeOf(theirs));
      expect(ours?.verdict).toBe('ok');
      expect(theirs?.verdict).toBe('ok');
    }
    // the raw message went as base64 of its exact bytes
    const raw = JSON.parse(String(r.seen.at(-2)?.body)) as { Content: { Raw: { Data: string } } };
    expect(Buffer.from(raw.Content.Raw.Data, 'base64').subarray(-3)).toEqual(Buffer.from([0, 0x80, 0xff]));
    sdk.destroy();
  });

  it("B4 SES's refusals are AwsApiErrors named, worded and numbered as the SDK's exceptions (x-amzn-ErrorType, else the body's __type)", async () => {
    open = await recorder('ses', SES_OK);
    const r = open;
    const sdk = sdkSes(r);
    const input: SendEmailInput = {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['sam@example.com'] },
      Content: { Raw: { Data: Uint8Array.of(1) } },
    };
    const answers: Exclude<Scripted, 'drop'>[] = [
      {
        status: 400,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/coral/com.amazon.ses/',
          'x-amzn-requestid': 'r-1',
        },
        body: '{"message":"Email address is not verified."}',
      },
      {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'r-2' },
        body: '{"__type":"com.amazonaws.sesv2#AccessDeniedException","message":"not authorized"}',
      },
      {
        status: 400,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'SendingPausedException' },
        body: '{"message":"Sending is paused for this account."}',
      },
      {
        status: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' },
        body: '{"message":"Configuration set does not exist."}',
      },
    ];
    for (const answer of answers) {
      r.script.push(answer, answer);
      const ours = await failure(sendEmail(r.transport, input));
      const theirs = await failure(
        sdk.send(
          new SendEmailCommand({
            ...input,
            Content: { Raw: { Data: Uint8Array.of(1) } },
          }),
        ),
      );
      expect(ours).toEqual(theirs);
    }
    expect(r.seen).toHaveLength(answers.length * 2);
    sdk.destroy();
  });

  it('B4 SendEmail is retried on throttling (429, TooManyRequests and LimitExceeded as 400) and on service faults, three attempts; never after a refusal, nor after a connection lost on a fresh socket (it may have been sent); a kept-alive socket found closed is sent again', async () => {
    open = await recorder('ses', SES_OK);
    const r = open;
    const input: SendEmailInput = {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['sam@example.com'] },
      Content: { Simple: { Subject: { Data: 'S' }, Body: { Text: { Data: 'T' } } } },
    };
    const error = (status: number, type: string) => ({
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
      body: '{"message":"m"}',
    });
    r.script.push(error(429, 'TooManyRequestsException'), error(500, 'InternalFailure'));
    expect(await sendEmail(r.transport, input)).toEqual({ MessageId: '0100-ses-1' });
    expect(r.seen).toHaveLength(3);
    r.script.push(...[1, 2, 3].map(() => error(400, 'LimitExceededException')));
    expect(await failure(sendEmail(r.transport, input))).toMatchObject({
      name: 'LimitExceededException',
      status: 400,
    });
    expect(r.seen).toHaveLength(6);
    r.script.push(error(400, 'MessageRejected'));
    expect(await failure(sendEmail(r.transport, input))).toMatchObject({ name: 'MessageRejected' });
    expect(r.seen).toHaveLength(7);
    // a kept-alive socket cut when reused: sent again on a new one
    r.script.push('drop');
    expect(await sendEmail(r.transport, input)).toEqual({ MessageId: '0100-ses-1' });
    expect(r.seen).toHaveLength(9);
    // a connection cut on a fresh socket (the previous answer closed its own): not sent again
    r.script.push({ ...SES_OK, headers: { ...SES_OK.headers, connection: 'close' } }, 'drop');
    await sendEmail(r.transport, input);
    await expect(sendEmail(r.transport, input)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(r.seen).toHaveLength(11);
  });

  it('B4 the endpoint is AWS_ENDPOINT_URL_SESV2 (the harness sets it), else AWS_ENDPOINT_URL, else email.<region>.amazonaws.com', () => {
    const base = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(ENDPOINT_VARIABLES.ses).toBe('AWS_ENDPOINT_URL_SESV2');
    expect(sesTransportFromEnv(base).endpoint.href).toBe('https://email.eu-west-1.amazonaws.com/');
    expect(sesTransportFromEnv({ ...base, AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }).endpoint.href).toBe(
      'http://127.0.0.1:8/',
    );
    expect(
      sesTransportFromEnv({
        ...base,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:8',
        AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:9/fn/ses',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:9/fn/ses');
  });
});

const SNS_OK = {
  status: 200,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'sns-req' },
  body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>5b1c&amp;d</MessageId></PublishResult><ResponseMetadata><RequestId>sns-req</RequestId></ResponseMetadata></PublishResponse>',
};
const snsError = (status: number, code: string, message = 'went wrong &amp; stayed', id = true) => ({
  status,
  headers: { 'content-type': 'text/xml', ...(id ? { 'x-amzn-requestid': `id-${code}` } : {}) },
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>body-${code}</RequestId></ErrorResponse>`,
});

describe('B1 SNS Publish as one signed request', () => {
  it('B1 A1 an SMS is the form the SDK sends, byte for byte (Action, Version, Message, PhoneNumber, the Transactional type; RFC 3986 encoding), SigV4 for sns; the MessageId is read from PublishResult', async () => {
    open = await recorder('sns', SNS_OK);
    const r = open;
    const sender = new SnsSmsSender(() => r.transport);
    const sdk = sdkSns(r);
    for (const text of [
      'Your Palisade code: 123 456. Valid 10 minutes.',
      "A+b=c&d?e/f #g ~h *i 'j' (k) !l\nü € 😀 %20",
    ]) {
      expect(await sender.send({ to: '+441234567890', text })).toEqual({ messageId: '5b1c&d' });
      const out = await sdk.send(
        new PublishCommand({
          PhoneNumber: '+441234567890',
          Message: text,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
      expect(out.MessageId).toBe('5b1c&d');
      const [ours, theirs] = r.seen.slice(-2);
      expect(ours?.method).toBe('POST');
      expect(ours?.url).toBe('/base/');
      expect(ours?.url).toBe(theirs?.url);
      expect(ours?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(ours?.headers['content-type']).toBe(theirs?.headers['content-type']);
      expect(String(ours?.body)).toBe(String(theirs?.body));
      expect(new URLSearchParams(String(ours?.body)).get('Message')).toBe(text);
      expect(scopeOf(ours)).toEqual([KEY_ID, 'eu-west-1', 'sns']);
      expect(scopeOf(ours)).toEqual(scopeOf(theirs));
      expect(ours?.verdict).toBe('ok');
      expect(theirs?.verdict).toBe('ok');
    }
    sdk.destroy();
  });

  it("B1 SNS's error documents are AwsApiErrors named as the SDK names SNS's exceptions (InvalidParameter → InvalidParameterException …; an unknown code as sent), with its message and status", async () => {
    open = await recorder('sns', SNS_OK);
    const r = open;
    const sdk = sdkSns(r);
    const input = { PhoneNumber: '+441234567890', Message: 'x', SmsType: 'Transactional' } as const;
    const codes: Array<[number, string]> = [
      [403, 'AuthorizationError'],
      [400, 'EndpointDisabled'],
      [400, 'InvalidParameter'],
      [400, 'ParameterValueInvalid'],
      [403, 'InvalidSecurity'],
      [400, 'KMSAccessDenied'],
      [400, 'KMSDisabled'],
      [400, 'KMSInvalidState'],
      [400, 'KMSNotFound'],
      [403, 'KMSOptInRequired'],
      [400, 'KMSThrottling'],
      [404, 'NotFound'],
      [400, 'OptedOut'],
      [400, 'PlatformApplicationDisabled'],
      [400, 'ValidationException'],
      [400, 'SomethingNew'],
    ];
    for (const [status, code] of codes) {
      r.script.push(snsError(status, code), snsError(status, code));
      const ours = await failure(publishSms(r.transport, input));
      const theirs = await failure(
        sdk.send(
          new PublishCommand({
            PhoneNumber: input.PhoneNumber,
            Message: input.Message,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            },
          }),
        ),
      );
      expect(ours).toEqual(theirs);
      expect(ours.message).toBe('went wrong & stayed');
    }
    // without the header, the request id is the error document's
    r.script.push(snsError(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber', false));
    expect(await failure(publishSms(r.transport, input))).toEqual({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: PhoneNumber',
      status: 400,
      requestId: 'body-InvalidParameter',
    });
    sdk.destroy();
  });

  it('B1 Publish is retried on throttling (Throttled as 429, Throttling as 400) and service faults, three attempts, as the SDK; never after a refusal, nor after a connection lost on a fresh socket (a second SMS); a kept-alive socket found closed is sent again', async () => {
    open = await recorder('sns', SNS_OK);
    const r = open;
    const sdk = sdkSns(r, 3);
    const input = { PhoneNumber: '+441234567890', Message: 'x', SmsType: 'Transactional' } as const;
    const publish = () =>
      sdk.send(
        new PublishCommand({
          PhoneNumber: input.PhoneNumber,
          Message: input.Message,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
    for (const [status, code, attempts] of [
      [429, 'Throttled', 3],
      [400, 'Throttling', 3],
      [500, 'InternalError', 3],
      [400, 'KMSThrottling', 1],
      [400, 'InvalidParameter', 1],
    ] as const) {
      for (const call of [() => publishSms(r.transport, input), publish]) {
        const before = r.seen.length;
        r.script.push(...[1, 2, 3].map(() => snsError(status, code)));
        await failure(call());
        expect([code, r.seen.length - before]).toEqual([code, attempts]);
        r.script.length = 0;
      }
    }
    sdk.destroy();
    r.script.push(snsError(429, 'Throttled'));
    expect(await publishSms(r.transport, input)).toEqual({ MessageId: '5b1c&d' });
    const seen = r.seen.length;
    r.script.push('drop');
    expect(await publishSms(r.transport, input)).toEqual({ MessageId: '5b1c&d' });
    expect(r.seen.length - seen).toBe(2);
    r.script.push({ ...SNS_OK, headers: { ...SNS_OK.headers, connection: 'close' } }, 'drop');
    await publishSms(r.transport, input);
    await expect(publishSms(r.transport, input)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(r.seen.length - seen).toBe(4);
  });

  it('B1 the endpoint is AWS_ENDPOINT_URL_SNS (the harness sets it), else AWS_ENDPOINT_URL, else sns.<region>.amazonaws.com', () => {
    const base = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(ENDPOINT_VARIABLES.sns).toBe('AWS_ENDPOINT_URL_SNS');
    expect(snsTransportFromEnv(base).endpoint.href).toBe('https://sns.eu-west-1.amazonaws.com/');
    expect(snsTransportFromEnv({ ...base, AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }).endpoint.href).toBe(
      'http://127.0.0.1:8/',
    );
    expect(
      snsTransportFromEnv({
        ...base,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:8',
        AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:9/fn/sns',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:9/fn/sns');
  });
});

describe('B1 B4 SES and SNS against the cloud harness emulations', () => {
  const ACCOUNT = '111122223333';
  const IDENTITY = `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/palisade.example`;
  const model = {
    deployment: { region: 'eu-west-1', account: ACCOUNT, partition: 'aws', stackName: 'Palisade' },
    mail: { from: FROM, identities: [{ identity: 'palisade.example', arn: IDENTITY }] },
  } as unknown as CloudModel;
  const outbox = new LocalSmsOutbox(systemClock);
  let ses: LocalSes;
  let endpoint: Endpoint;
  let url = '';
  beforeAll(async () => {
    ses = await startSes('eu-west-1');
    endpoint = new Endpoint({
      mode: 'enforce',
      principals: new Map(
        [
          standalonePrincipal('Mailer', [
            {
              Effect: 'Allow',
              Action: 'ses:SendEmail',
              Resource: IDENTITY,
              Condition: { StringEquals: { 'ses:FromAddress': FROM } },
            },
          ]),
          standalonePrincipal('Texter', [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]),
        ].map((p) => [p.id, p]),
      ),
      services: { ses: new SesService(model, ses.url), sns: new SnsService(outbox, 'eu-west-1') },
      account: ACCOUNT,
    });
    url = await endpoint.start();
  });
  afterAll(async () => {
    await endpoint.stop();
    await ses.stop();
  });

  const transportOf = (caller: string, service: string, region = 'eu-west-1'): AwsTransport => ({
    region,
    endpoint: new URL(`${url}/${caller}/${service}`),
    credentials: async () => ({ accessKeyId: 'ASIAX', secretAccessKey: 'x' }),
    backoffMs: () => 1,
  });

  it('B4 B3 simple and raw emails go through the SES emulation under the role that may send from the identity; another sender is refused', async () => {
    const mailer = new SesMailer(
      () => transportOf('Mailer', 'ses'),
      FROM,
      () => START,
    );
    const simple = await mailer.send({ to: 'sam@example.com', subject: 'S', text: 'T', html: '<p>H</p>' });
    const raw = await mailer.send({
      to: 'kim@example.com',
      subject: 'Sicherheit: Änderung',
      raw: new Uint8Array(
        Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nsigned body', 'latin1'),
      ),
    });
    const emails = await ses.emails();
    expect(emails.find((e) => e.messageId === simple.messageId)).toMatchObject({
      from: FROM,
      to: ['sam@example.com'],
      subject: 'S',
      text: 'T',
      html: '<p>H</p>',
    });
    expect(emails.find((e) => e.messageId === raw.messageId)).toMatchObject({
      to: ['kim@example.com'],
      subject: 'Sicherheit: Änderung',
      text: 'signed body',
    });
    expect(
      await failure(
        new SesMailer(() => transportOf('Texter', 'ses'), FROM).send({
          to: 'a@b.example',
          subject: 'S',
          text: 'T',
        }),
      ),
    ).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(
      await failure(
        new SesMailer(() => transportOf('Mailer', 'ses'), 'x@elsewhere.example').send({
          to: 'a@b.example',
          subject: 'S',
          text: 'T',
        }),
      ),
    ).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    // signed for another Region: refused as AWS refuses it
    expect(
      await failure(
        new SesMailer(() => transportOf('Mailer', 'ses', 'us-east-1'), FROM).send({
          to: 'a@b.example',
          subject: 'S',
          text: 'T',
        }),
      ),
    ).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(endpoint.violations.filter((v) => v.kind !== 'denied')).toEqual([]);
    endpoint.violations.length = 0;
  });

  it('B1 A1 an SMS goes through the SNS emulation to the outbox under the role that may publish; a bad number or another role is refused with the SDK names', async () => {
    const sender = new SnsSmsSender(() => transportOf('Texter', 'sns'));
    const { messageId } = await sender.send({ to: '+441234567890', text: 'Code: 123 456 & more' });
    expect(outbox.list().find((m) => m.messageId === messageId)).toMatchObject({
      to: '+441234567890',
      text: 'Code: 123 456 & more',
    });
    expect(await failure(sender.send({ to: '00441234567890', text: 'x' }))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: PhoneNumber',
      status: 400,
    });
    expect(
      await failure(
        new SnsSmsSender(() => transportOf('Mailer', 'sns')).send({ to: '+441234567890', text: 'x' }),
      ),
    ).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
    endpoint.violations.length = 0;
  });
});
