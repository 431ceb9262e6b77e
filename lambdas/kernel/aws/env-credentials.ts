// The credentials of a Lambda function: its role's session, which the runtime puts in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). What @aws-sdk/credential-provider-env's fromEnv
// reads, without it: fromEnv imports @aws-sdk/core's client module to mark the credentials' source, and that
// module pulls @smithy/core's endpoint, serde and shared-ini-file machinery into a bundle that holds no SDK
// client any more (docs/decisions.md, "Bundles"). Read at each call, as fromEnv does.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export class CredentialsMissing extends Error {
  constructor() {
    super('Unable to find environment variable credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
    this.name = 'CredentialsProviderError';
  }
}

export function envCredentials(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new CredentialsMissing();
    const identity: AwsCredentialIdentity = {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
      ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
      ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
    };
    return identity;
  };
}
