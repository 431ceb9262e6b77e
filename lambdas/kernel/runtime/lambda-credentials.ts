// Bundled in place of @aws-sdk/credential-provider-node (an esbuild alias in lib/functions.ts) for the SDK
// clients still bundled (SNS, SES): a Lambda function always receives its role's credentials in the
// environment, so the default chain's other sources (SSO, profiles, web identity, containers) and the STS/SSO
// clients they carry are dead weight in a bundle. The same reader as the signed calls (env-credentials.ts).
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { envCredentials } from '../aws/env-credentials.js';

export const defaultProvider = (_init?: unknown): AwsCredentialIdentityProvider => envCredentials();
