// The personal-data vault of the Lambda runtime: a synchronous invocation of the vault function.
import { VaultClient, vaultError } from '../privacy/vault-client.js';
import { once } from '../runtime/aws-env.js';
import { InvokeError, invoker } from './lambda-invoke.js';

export const awsVault = /* @__PURE__ */ once(() => {
  const invoke = invoker('VAULT_FUNCTION');
  return new VaultClient(async (request) => {
    try {
      return await invoke(request);
    } catch (err) {
      throw err instanceof InvokeError ? vaultError(err.errorType) : err;
    }
  });
});
