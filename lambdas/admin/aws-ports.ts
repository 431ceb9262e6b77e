// The admin plane's adapters in the Lambda runtime: the request store, and reveal grants on
// the signed accounts table; task tokens answered without naming a state machine. The admin pool's adapter is
// awsAdminIdentityProvider (lambdas/shared/adapters/aws-identity-provider.ts).
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { StepFunctionsWorkflows } from '../shared/adapters/aws-workflows.js';
import { tracer } from '../shared/observability.js';
import { once } from '../shared/runtime/aws-env.js';
import { AdminRequestStore } from './request-store.js';
import { RevealGrants } from './reveal-grants.js';

export const awsAdminRequests = once(() => new AdminRequestStore(awsSignedRows().tables.accounts));
export const awsRevealGrants = once(() => new RevealGrants(awsSignedRows().tables.accounts));

/** Answering task tokens names no state machine: no STATE_MACHINES needed. */
export const awsTaskAnswers = once(
  () => new StepFunctionsWorkflows(tracer.captureAWSv3Client(new SFNClient({})), {}),
);
