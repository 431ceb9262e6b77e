// The Lambda runtime's Infra (kernel/infra.ts), one named export per member. Wiring passes the members it
// needs by name (`{ rows: aws.rows, clock: aws.clock }`), never this module as a whole, so esbuild keeps
// only those members' SDK clients in a bundle. test/unit/infra.test.ts checks that it satisfies Infra.
import { idempotencyStore } from '../idempotency.js';
import type { InvokeTarget } from '../infra.js';
import { systemClock } from '../ports/clock.js';
import { awsEnv, envSettings, once, requireEnv } from '../runtime/aws-env.js';
import { TABLES, type TableId } from '../tables.js';
import { awsCheckpointStore } from './checkpoint-store.js';
import { awsAdminTokenVerifier, awsUserTokenVerifier } from './cognito-token-verifier.js';
import { awsCustody } from './custody.js';
import { awsFieldCipher } from './field-cipher.js';
import { awsGeoIp } from './geo-ip.js';
import { awsAdminIdentityProvider, awsIdentityProvider } from './identity-provider.js';
import { awsKeyService } from './key-service.js';
import { invoker } from './lambda-invoke.js';
import { awsListStore } from './list-store.js';
import { awsMailer } from './mailer.js';
import { PWNED_PASSWORDS_API, PwnedPasswordsRange } from './pwned-passwords.js';
import { awsReauthAdminIdentityProvider, awsReauthIdentityProvider } from './reauth.js';
import { awsSmsMessages } from './sms-messages.js';
import { awsSmsSender } from './sms-sender.js';
import { awsDocumentClient, awsSignedRows } from './tables.js';
import { awsTaskAnswers } from './task-answers.js';
import { awsTokenRefresher } from './token-refresher.js';
import { awsQueuedUserMail, awsUserMail } from './user-mail.js';
import { awsVault } from './vault.js';
import { awsStepFunctions, awsWorkflows, StepFunctionsWorkflows } from './workflows.js';

export const clock = systemClock;
export const settings = envSettings;
export const rows = awsSignedRows;
export const documents = awsDocumentClient;
export const tableName = (id: TableId): string => requireEnv(TABLES[id].envVar);
export const keys = awsKeyService;
export const identity = awsIdentityProvider;
export const reauthIdentity = awsReauthIdentityProvider;
export const refresher = awsTokenRefresher;
export const adminIdentity = awsAdminIdentityProvider;
export const reauthAdminIdentity = awsReauthAdminIdentityProvider;
export const adminTokens = awsAdminTokenVerifier;
export const userTokens = awsUserTokenVerifier;
export const workflows = awsWorkflows;
export const taskAnswers = awsTaskAnswers;
/** Answering task tokens names no state machine: no STATE_MACHINES needed (the AnswerTask function only). */
export const stepFunctionsAnswers = /* @__PURE__ */ once(
  () => new StepFunctionsWorkflows(awsStepFunctions(), {}),
);
/** A function call; typed refusals come back as themselves (lambda-invoke.ts). */
export const invoke = (target: InvokeTarget): ((request: unknown) => Promise<unknown>) => invoker(target);
export const vault = awsVault;
export const userMail = awsUserMail;
export const queuedUserMail = awsQueuedUserMail;
export const smsMessages = awsSmsMessages;
export const geo = awsGeoIp;
export const custody = awsCustody;
export const mailer = awsMailer;
export const smsSender = awsSmsSender;
export const cipher = awsFieldCipher;
export const idempotency = /* @__PURE__ */ once(() =>
  idempotencyStore(requireEnv('IDEMPOTENCY_TABLE'), awsDocumentClient),
);
export const checkpoints = awsCheckpointStore;
export const lists = awsListStore;
export const breachedPasswords = /* @__PURE__ */ once(
  () => new PwnedPasswordsRange({ baseUrl: awsEnv().PWNED_PASSWORDS_URL ?? PWNED_PASSWORDS_API }),
);
