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
    // Each variable is read once: a read of process.env is a call into the runtime (getenv), at every AWS call.
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new CredentialsMissing();
    const identity: { -readonly [K in keyof AwsCredentialIdentity]: AwsCredentialIdentity[K] } = {
      accessKeyId,
      secretAccessKey,
    };
    const sessionToken = env.AWS_SESSION_TOKEN;
    if (sessionToken) identity.sessionToken = sessionToken;
    const expiration = env.AWS_CREDENTIAL_EXPIRATION;
    if (expiration) identity.expiration = new Date(expiration);
    const credentialScope = env.AWS_CREDENTIAL_SCOPE;
    if (credentialScope) identity.credentialScope = credentialScope;
    const accountId = env.AWS_ACCOUNT_ID;
    if (accountId) identity.accountId = accountId;
    return identity;
  };
}
