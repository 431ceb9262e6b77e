// The admin plane's adapters in the Lambda runtime: the request store, and reveal grants on
// the signed accounts table; task tokens answered without naming a state machine. The admin pool's adapter is
// awsAdminIdentityProvider (lambdas/kernel/aws/identity-provider.ts).
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsSignedRows } from '../kernel/aws/tables.js';
import { StepFunctionsWorkflows } from '../kernel/aws/workflows.js';
import { tracer } from '../kernel/observability.js';
import { once } from '../kernel/runtime/aws-env.js';
import { AdminRequestStore } from './request-store.js';
import { RevealGrants } from './reveal-grants.js';

export const awsAdminRequests = once(() => new AdminRequestStore(awsSignedRows().tables.accounts));
export const awsRevealGrants = once(() => new RevealGrants(awsSignedRows().tables.accounts));

/** Answering task tokens names no state machine: no STATE_MACHINES needed. */
export const awsTaskAnswers = once(
  () => new StepFunctionsWorkflows(tracer.captureAWSv3Client(new SFNClient({})), {}),
);
