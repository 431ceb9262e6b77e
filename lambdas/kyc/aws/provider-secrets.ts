// F1 in AWS: the verification provider's configuration in Secrets Manager, read once per container and never
// logged: KYC_PROVIDER_SECRET = JSON {url, apiKey} (the functions that start checks), KYC_WEBHOOK_SECRET = JSON
// {secrets: [current, previous?]} (the webhook route: during a rotation both verify). Secrets Manager through
// kernel/aws/secrets-manager.ts (the signed JSON caller).
import * as z from 'zod/mini';
import { awsSecretsManager, type SecretsManager } from '../../kernel/aws/secrets-manager.js';
import { once } from '../../kernel/runtime/aws-env.js';

export const providerSecret = z.object({
  url: z.url().check(z.regex(/^https:\/\//, 'an https URL')),
  apiKey: z.string().check(z.minLength(8)),
});
export type ProviderSecret = z.infer<typeof providerSecret>;
export const webhookSecret = z.object({
  secrets: z.array(z.string().check(z.minLength(16))).check(z.minLength(1), z.maxLength(3)),
});

/** A secret's JSON value, parsed; a failure is forgotten so that the next call reads again. */
export function secretValue<T>(
  variable: string,
  schema: z.ZodMiniType<T>,
  client: () => SecretsManager = awsSecretsManager,
): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= (async () => {
      const secretId = process.env[variable];
      if (!secretId) throw new Error(`${variable} is not set`);
      const out = await client().getSecretValue({ SecretId: secretId });
      const parsed = z.safeParse(schema, JSON.parse(out.SecretString ?? 'null'));
      // The value is never in the message: only which secret is malformed.
      if (!parsed.success) throw new Error(`The secret of ${variable} is not in the expected shape`);
      return parsed.data;
    })();
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
}

export const awsProviderSecret = /* @__PURE__ */ once(() =>
  secretValue('KYC_PROVIDER_SECRET', providerSecret),
);
export const awsWebhookSecrets = /* @__PURE__ */ once(() => {
  const read = secretValue('KYC_WEBHOOK_SECRET', webhookSecret);
  return async () => (await read()).secrets;
});
