// A synchronous invocation of another Palisade function, by the environment variable lib/ sets on the
// caller: the answer, or the error the function reported (its type kept, so typed errors survive the hop).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SmsCountryNotAllowed } from '../errors.js';
import { tracer } from '../observability.js';
import { once, requireEnv } from '../runtime/aws-env.js';

const lambda = /* @__PURE__ */ once(() => tracer.captureAWSv3Client(new LambdaClient({})));

export class InvokeError extends Error {
  constructor(readonly errorType: string | undefined) {
    super(`The invoked function failed${errorType ? ` (${errorType})` : ''}`);
  }
}

export function invoker(
  variable:
    | 'VAULT_FUNCTION'
    | 'USER_MAIL_FUNCTION'
    | 'PGP_SIGNER_FUNCTION'
    | 'DURESS_FUNCTION'
    | 'SMS_FUNCTION'
    | 'TASK_ANSWER_FUNCTION'
    | 'KYC_CHECK_FUNCTION',
) {
  return async (request: unknown): Promise<unknown> => {
    const out = await lambda().send(
      new InvokeCommand({
        FunctionName: requireEnv(variable),
        Payload: Buffer.from(JSON.stringify(request)),
      }),
    );
    const payload = out.Payload?.length ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
    if (out.FunctionError) {
      const errorType = (payload as { errorType?: string } | undefined)?.errorType;
      // A typed refusal of the called function comes back as itself, as it would locally (in-process).
      if (errorType === 'SmsCountryNotAllowed') throw new SmsCountryNotAllowed();
      throw new InvokeError(errorType);
    }
    return payload;
  };
}
