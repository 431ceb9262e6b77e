// The personal-data vault of the Lambda runtime: a synchronous invocation of the vault function.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { VaultClient, vaultError } from '../../privacy/vault-client.js';
import { tracer } from '../observability.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export const awsVault = once(() => {
  const lambda = tracer.captureAWSv3Client(new LambdaClient({}));
  const functionName = requireEnv('VAULT_FUNCTION');
  return new VaultClient(async (request) => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(request)) }),
    );
    const payload = out.Payload ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
    if (out.FunctionError) throw vaultError((payload as { errorType?: string } | undefined)?.errorType);
    return payload;
  });
});
