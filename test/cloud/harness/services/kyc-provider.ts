// F1: a stand-in for the external KYC verification provider (its URL is in the KycProviderSecret, an https
// host the harness names `kyc-provider.invalid`): the worker sends a bundle's fetch to a `*.invalid` host here
// (lambda-worker.mjs), so a check started under the template never leaves the machine. It records each call
// (who made it, the bearer key, the body: the check id and the documents' links) and answers a reference as
// the provider does. Not an AWS call: no IAM check; the links it is given are fetched by the test, as the
// provider would, and S3 authorises those as the role that signed them.
import type { Answer, Gate, IncomingCall, Service } from '../endpoints.js';

export interface ProviderCall {
  caller: string;
  host: string;
  path: string;
  authorization: string;
  body: unknown;
}

export class KycProviderService implements Service {
  readonly protocol = 'rest-json' as const;
  readonly calls: ProviderCall[] = [];

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const [, host = '', ...rest] = call.path.split('/');
    const path = `/${rest.join('/')}`;
    call.operation = `${call.method} ${path}`;
    gate.notIam(
      call,
      { action: `provider:${call.method}`, resource: `https://${host}${path}`, context: {} },
      'the external verification provider (an API key from Secrets Manager, not IAM)',
    );
    let body: unknown;
    try {
      body = JSON.parse(call.body.toString('utf8'));
    } catch {
      return { status: 400, body: '{"message":"not JSON"}' };
    }
    this.calls.push({
      caller: call.principal.id,
      host,
      path,
      authorization: String(call.headers.authorization ?? ''),
      body,
    });
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ providerRef: `prov_harness_${this.calls.length}` }),
    };
  }
}
