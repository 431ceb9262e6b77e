// What a runtime supplies to the contexts' wiring: the services behind the kernel's ports, each built lazily.
// The Lambda runtime supplies them from kernel/aws/infra.ts (one named export per member, so a bundle keeps only
// the members its wiring names); the local runtime supplies one object (local/infra.ts). A context's wiring.ts
// factory takes `Pick<Infra, …>` of what it needs, so both runtimes build every component the same way.
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DocumentClient } from './aws/dynamo-documents.js';
import type { SignedRows } from './integrity/signed-rows.js';
import type { AdminIdentityProvider } from './ports/admin-identity.js';
import type { BreachedPasswords } from './ports/breached-passwords.js';
import type { CheckpointStore } from './ports/checkpoint-store.js';
import type { Clock } from './ports/clock.js';
import type { Custody } from './ports/custody.js';
import type { GeoIp } from './ports/geo-ip.js';
import type { IdentityProvider, TokenRefresher } from './ports/identity-provider.js';
import type { KeyService } from './ports/key-service.js';
import type { ListStore } from './ports/list-store.js';
import type { Mailer } from './ports/mailer.js';
import type { SmsMessages } from './ports/sms-messages.js';
import type { SmsSender } from './ports/sms-sender.js';
import type { TaskAnswers } from './ports/task-answers.js';
import type { TokenVerifier } from './ports/token-verifier.js';
import type { UserMail } from './ports/user-mail.js';
import type { Workflows } from './ports/workflows.js';
import type { FieldCipher } from './privacy/field-cipher.js';
import type { VaultClient } from './privacy/vault-client.js';
import type { Settings } from './settings.js';
import type { TableId } from './tables.js';

/** The functions other functions invoke, by the variable that names them to the caller (ACCESS_ENV). */
export type InvokeTarget =
  | 'VAULT_FUNCTION'
  | 'USER_MAIL_FUNCTION'
  | 'PGP_SIGNER_FUNCTION'
  | 'DURESS_FUNCTION'
  | 'SMS_FUNCTION'
  | 'TASK_ANSWER_FUNCTION'
  | 'KYC_CHECK_FUNCTION';

export interface Infra {
  clock: Clock;
  /** The deploy-time rules (hold hours, limits, restricted countries …). */
  settings(): Settings;
  /** The signed-rows layer: a SignedTable per signed table, and the audit log. */
  rows(): SignedRows;
  /** The plain DynamoDB document client (the Shield and idempotency tables are not signed). */
  documents(): DocumentClient;
  tableName(id: TableId): string;
  keys(): KeyService;
  /** The user pool without `reauthenticate`: a password check must go through reauthIdentity. */
  identity(): Omit<IdentityProvider, 'reauthenticate'>;
  /** The user pool with `reauthenticate` behind the A3 lockout. */
  reauthIdentity(): IdentityProvider;
  /** A8: the user pool's refresh-token exchange (rotation), apart from the rest of the pool. */
  refresher(): TokenRefresher;
  /** The admin pool without `reauthenticate` (offboarding: disable, sign out). */
  adminIdentity(): Omit<AdminIdentityProvider, 'reauthenticate'>;
  /** The admin pool with `reauthenticate` behind the A3 lockout (admin scope). */
  reauthAdminIdentity(): AdminIdentityProvider;
  adminTokens(): TokenVerifier;
  userTokens(): TokenVerifier;
  /** Starts workflows by name (answering task tokens is AnswerTask's alone: taskAnswers). */
  workflows(): Workflows;
  /** Stores or answers a task token through the AnswerTask function, naming it by its domain ids. */
  taskAnswers(): TaskAnswers;
  /** SendTaskSuccess and SendTaskFailure themselves (the AnswerTask function only). */
  stepFunctionsAnswers(): Pick<Workflows, 'sendTaskSuccess' | 'sendTaskFailure'>;
  /** A synchronous call of another Palisade function. */
  invoke(target: InvokeTarget): (request: unknown) => Promise<unknown>;
  vault(): VaultClient;
  userMail(): UserMail;
  /**
   * The same emails handed over without waiting for them (an asynchronous invocation of the user-mail
   * function): `send` resolves once the email is queued. For a login's emails, off its critical path.
   */
  queuedUserMail(): UserMail;
  smsMessages(): SmsMessages;
  geo(): GeoIp;
  custody(): Custody;
  /** Outgoing email (the SendUserMail function only). */
  mailer(): Mailer;
  /** Outgoing SMS (the SendSms function only). */
  smsSender(): SmsSender;
  /** The data key's field cipher (the vault function only). */
  cipher(): FieldCipher;
  /** Powertools idempotency records on the idempotency table (C2). */
  idempotency(): BasePersistenceLayer;
  /** D3: where the audit chain's checkpoints are kept, beyond rewriting (the checkpoint writer only). */
  checkpoints(): CheckpointStore;
  /** F2: the versions of the screening lists (S3 in AWS, the state folder locally). */
  lists(): ListStore;
  /** X3: has a new password appeared in a breach (Have I Been Pwned's range API in AWS, a bundled list locally). */
  breachedPasswords(): BreachedPasswords;
}
