// Bundled in place of @aws-sdk/credential-provider-node (an esbuild alias in lib/functions.ts): a Lambda
// function always receives its role's credentials in the environment, so the default chain's other sources
// (SSO, profiles, web identity, containers) and the STS/SSO clients they carry are dead weight in a bundle.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export const defaultProvider = (_init?: unknown): AwsCredentialIdentityProvider => fromEnv();
