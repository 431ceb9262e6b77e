// A1/B1 against SMS pumping: the SendSms function texts only the countries of settings.smsCountries, whatever
// its caller asks; the refusal is a typed 400 that survives the Lambda invocation.
import { createServer } from 'node:http';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvokeError } from '../../lambdas/kernel/aws/lambda-invoke.js';
import { smsInvoker } from '../../lambdas/kernel/aws/sms-messages.js';
import { toErrorResponse } from '../../lambdas/kernel/errors.js';
import type { OutgoingSms, SmsSender } from '../../lambdas/kernel/ports/sms-sender.js';
import { parseSettings, SettingsError } from '../../lambdas/kernel/settings.js';
import {
  DEFAULT_SMS_COUNTRIES,
  SmsCountryNotAllowed,
  smsCountriesOf,
  smsDestinationAllowed,
} from '../../lambdas/kernel/sms-countries.js';
import { makeHandler } from '../../lambdas/notify/handlers/send-sms.js';
import { readDeployConfig } from '../../lib/config.js';

class Outbox implements SmsSender {
  sent: OutgoingSms[] = [];
  async send(sms: OutgoingSms) {
    this.sent.push(sms);
    return { messageId: `m-${this.sent.length}` };
  }
}

const CODE = { template: 'signup-code', code: '123456', validMinutes: 15 } as const;
const send = (outbox: Outbox, smsCountries: string[], to: string) =>
  makeHandler({ sms: outbox, settings: parseSettings({ smsCountries }) })({ to, message: CODE }, {
    awsRequestId: 'r-1',
    functionName: 'SendSms',
  } as Context);

describe('SMS destinations', () => {
  it('A1 numbers map to their country by calling code; +1 Caribbean ranges are not the US or Canada', () => {
    expect(smsCountriesOf('+447700900123')).toEqual(['GB']);
    expect(smsCountriesOf('+491701234567')).toEqual(['DE']);
    expect(smsCountriesOf('+353861234567')).toEqual(['IE']);
    expect(smsCountriesOf('+12025550123')).toEqual(['CA', 'US']);
    expect(smsCountriesOf('+18765550123')).toEqual([]); // Jamaica
    expect(smsCountriesOf('+12425550123')).toEqual([]); // Bahamas
    expect(smsCountriesOf('+79161234567')).toEqual([]); // +7 is not listed
    expect(smsCountriesOf('+882123456789')).toEqual([]); // international network range
    expect(smsCountriesOf('447700900123')).toEqual([]);
  });

  it('A1 the default is a short Western European list, GB and DE included', () => {
    expect(parseSettings({}).smsCountries).toEqual([...DEFAULT_SMS_COUNTRIES]);
    expect(DEFAULT_SMS_COUNTRIES.length).toBeLessThanOrEqual(12);
    expect(smsDestinationAllowed('+447700900123', DEFAULT_SMS_COUNTRIES)).toBe(true);
    expect(smsDestinationAllowed('+12025550123', DEFAULT_SMS_COUNTRIES)).toBe(false);
  });

  it('A1 SendSms texts an allowed country and refuses any other without calling SNS', async () => {
    const outbox = new Outbox();
    await expect(send(outbox, ['GB'], '+447700900123')).resolves.toEqual({ messageId: 'm-1' });
    expect(outbox.sent).toHaveLength(1);

    for (const to of ['+491701234567', '+18765550123', '+79161234567']) {
      const refused = await send(outbox, ['GB'], to).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused, to).toBeInstanceOf(SmsCountryNotAllowed);
      expect(toErrorResponse(refused)).toMatchObject({
        status: 400,
        body: { error: { code: 'SMS_COUNTRY_NOT_ALLOWED' } },
      });
    }
    expect(outbox.sent).toHaveLength(1);
    // Allowing the US allows Canada (one plan), never the Caribbean members of +1.
    await expect(send(outbox, ['US'], '+14165550123')).resolves.toBeDefined();
    await expect(send(outbox, ['US'], '+18095550123')).rejects.toBeInstanceOf(SmsCountryNotAllowed);
    // An empty list: no SMS at all.
    await expect(send(outbox, [], '+447700900123')).rejects.toBeInstanceOf(SmsCountryNotAllowed);
  });

  it('A1 the refusal keeps its type across the Lambda invocation, so the route answers 400 as locally', async () => {
    // A stand-in for the Lambda API: the SMS function fails first with the typed refusal, then with another error.
    const errorTypes = ['SmsCountryNotAllowed', 'Error'];
    const paths: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url);
      req.resume();
      req.on('end', () => {
        res.setHeader('x-amz-function-error', 'Unhandled');
        res.end(JSON.stringify({ errorType: errorTypes.shift(), errorMessage: 'x' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      SMS_FUNCTION: 'palisade-SendSms',
    });
    try {
      const invoke = smsInvoker();
      const request = { to: '+18765550123', message: CODE };
      await expect(invoke(request)).rejects.toBeInstanceOf(SmsCountryNotAllowed);
      await expect(invoke(request)).rejects.toBeInstanceOf(InvokeError);
      expect(paths[0]).toBe('/2015-03-31/functions/palisade-SendSms/invocations');
    } finally {
      process.env = saved;
      server.close();
    }
  });

  it('A1 smsCountries comes from CDK context (a -c comma list) and only names listed countries', () => {
    const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });
    expect(readDeployConfig(context({ smsCountries: 'GB, IE,US' })).settings.smsCountries).toEqual([
      'GB',
      'IE',
      'US',
    ]);
    expect(readDeployConfig(context({ palisade: { smsCountries: [] } })).settings.smsCountries).toEqual([]);
    expect(() => readDeployConfig(context({ smsCountries: 'GB,RU' }))).toThrow(SettingsError);
    expect(() => parseSettings({ smsCountries: ['XX'] })).toThrow(/smsCountries\.0/);
  });
});
