// The local composition root: which adapter stands behind each port on a laptop. dynalite and the SES
// emulator in-process, the local directory and key service in the state folder, the local Step Functions runner.
import { randomBytes } from 'node:crypto';
import './env.js';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { AccountStore } from '../lambdas/account/account-store.js';
import type { storedBlindIndexer } from '../lambdas/account/blind-index-key.js';
import type { SignupStore } from '../lambdas/account/signup-store.js';
import type { StepUps } from '../lambdas/account/step-up.js';
import type { SuspensionLinks, SuspensionLinkUses } from '../lambdas/account/suspension-links.js';
import type { SuspensionRequests } from '../lambdas/account/suspension-requests.js';
import {
  accountStoreWithIndex,
  blindIndexer,
  signupStore,
  stepUps,
  suspensionLinks,
  suspensionLinkUses,
  suspensionRequests,
} from '../lambdas/account/wiring.js';
import type { AddressStore } from '../lambdas/addresses/address-store.js';
import type { AddressTravelRules } from '../lambdas/addresses/address-travel-rules.js';
import { addressStore, addressTravelRules } from '../lambdas/addresses/wiring.js';
import type { AdminDirectory } from '../lambdas/admin/admin-directory.js';
import type { AdminLoginFlow } from '../lambdas/admin/admin-login.js';
import type { ApprovalAnswers } from '../lambdas/admin/approval-answers.js';
import type { RefusalEvidence } from '../lambdas/admin/refusal-evidence.js';
import type { AdminRequestStore } from '../lambdas/admin/request-store.js';
import type { RevealGrants } from '../lambdas/admin/reveal-grants.js';
import {
  adminDirectory as adminDirectoryStore,
  adminLoginFlow,
  adminRequests,
  approvalAnswers,
  refusalEvidence,
  revealGrants,
} from '../lambdas/admin/wiring.js';
import type { DuressStore } from '../lambdas/auth/duress-store.js';
import type { LoginFlow } from '../lambdas/auth/login-flow.js';
import type { LoginStore } from '../lambdas/auth/login-store.js';
import { type PasswordScreen, passwordScreen } from '../lambdas/auth/password-screen.js';
import type { SignupFlow } from '../lambdas/auth/signup-flow.js';
import type { TokenRefresh } from '../lambdas/auth/token-refresh.js';
import {
  botShield,
  duressStore,
  loginFlow,
  loginStore,
  signupFlow,
  tokenRefresh,
} from '../lambdas/auth/wiring.js';
import type { CaseStore } from '../lambdas/cases/case-store.js';
import type { CaseWork } from '../lambdas/cases/case-work.js';
import type { IncidentStore, IncidentWork } from '../lambdas/cases/incidents.js';
import { IncidentWork as IncidentWorkOf } from '../lambdas/cases/incidents.js';
import { caseStore, caseWork, incidentStore } from '../lambdas/cases/wiring.js';
import {
  ANSWER_TASK,
  AUDIT_CHECKPOINT,
  allFunctions,
  DURESS_CHECK,
  KYC_DOCUMENT_CHECK,
  OUTBOX_SWEEPER,
  PGP_SIGNER,
  SCHEDULED,
  SMS_SENDER,
  USER_MAIL,
  VAULT,
  WORKFLOW_SCHEDULES,
  WORKFLOWS,
} from '../lambdas/catalogue.js';
import type { Asset } from '../lambdas/kernel/assets.js';
import type { AuditLog } from '../lambdas/kernel/audit/audit-log.js';
import type { CheckpointWriter } from '../lambdas/kernel/audit/checkpoint-writer.js';
import { CognitoTokenVerifier } from '../lambdas/kernel/aws/cognito-token-verifier.js';
import { idempotencyStore } from '../lambdas/kernel/idempotency.js';
import type { Infra, InvokeTarget } from '../lambdas/kernel/infra.js';
import { signedRows } from '../lambdas/kernel/integrity/signed-rows.js';
import type { SignedTable } from '../lambdas/kernel/integrity/signed-table.js';
import type { Outbox } from '../lambdas/kernel/outbox.js';
import { type OutboxSweeper, outboxSweeperOf } from '../lambdas/kernel/outbox-sweep.js';
import { type Clock, systemClock } from '../lambdas/kernel/ports/clock.js';
import type { GeoIp } from '../lambdas/kernel/ports/geo-ip.js';
import type { KeyService } from '../lambdas/kernel/ports/key-service.js';
import type { ListStore } from '../lambdas/kernel/ports/list-store.js';
import type { Mailer } from '../lambdas/kernel/ports/mailer.js';
import type { SmsMessages } from '../lambdas/kernel/ports/sms-messages.js';
import { type TaskAnswers, taskAnswersClient } from '../lambdas/kernel/ports/task-answers.js';
import type { TokenVerifier } from '../lambdas/kernel/ports/token-verifier.js';
import { QUEUED_MAIL_RETRIES, type UserMail } from '../lambdas/kernel/ports/user-mail.js';
import type { WorkflowName } from '../lambdas/kernel/ports/workflows.js';
import type { FieldCipher } from '../lambdas/kernel/privacy/field-cipher.js';
import { VaultClient, vaultError } from '../lambdas/kernel/privacy/vault-client.js';
import { parseSettings, type Settings } from '../lambdas/kernel/settings.js';
import type { BotShield } from '../lambdas/kernel/shield/bot-shield.js';
import { guardedReauth, ReauthGuard } from '../lambdas/kernel/shield/reauth-guard.js';
import { ShieldStore } from '../lambdas/kernel/shield/shield-store.js';
import { ADMIN_TOKENS } from '../lambdas/kernel/token-lifetimes.js';
import { DynamoSeenIds } from '../lambdas/kyc/aws/dynamo-seen-ids.js';
import {
  type DocumentChecker,
  type DocumentLinker,
  invokeChecker,
  invokeLinker,
} from '../lambdas/kyc/handlers/complete-document.js';
import type { KycStore } from '../lambdas/kyc/kyc-store.js';
import type { KycPersonReader } from '../lambdas/kyc/person-reader.js';
import type { SeenIdStore } from '../lambdas/kyc/ports.js';
import {
  kycLevelLimits,
  kycPersonReader,
  kycPersonStore,
  kycRefreshStore,
  kycTravelRule,
} from '../lambdas/kyc/wiring.js';
import type { NotificationPrefsStore } from '../lambdas/notify/notification-prefs.js';
import type { PgpKeySource } from '../lambdas/notify/pgp-key.js';
import type { PgpSignerClient } from '../lambdas/notify/pgp-signer-client.js';
import { notificationPrefs, pgpSignerClient } from '../lambdas/notify/wiring.js';
import type { ScheduledEvent } from '../lambdas/platform/contracts.js';
import { auditCheckpointWriter, fullOutbox } from '../lambdas/platform/wiring.js';
import type { ClosurePorts } from '../lambdas/privacy/closure.js';
import type { RecordRetention } from '../lambdas/privacy/retention.js';
import { accountClosure, recordRetention } from '../lambdas/privacy/wiring.js';
import type { AddressScreen, SanctionedAddressIndex } from '../lambdas/screening/address-index.js';
import { SCREENED_LISTS } from '../lambdas/screening/config.js';
import type { ScreeningIntake } from '../lambdas/screening/intake.js';
import { syncAddressIndex } from '../lambdas/screening/list-loading.js';
import type { ScreeningStore } from '../lambdas/screening/screening-store.js';
import type { ScreeningWork } from '../lambdas/screening/screening-work.js';
import { completeCurrentVersion } from '../lambdas/screening/versions.js';
import {
  addressIndex,
  addressScreen,
  rosterStore,
  screeningIntake,
  screeningWork,
} from '../lambdas/screening/wiring.js';
import type { NoticeStore } from '../lambdas/security/change-notices.js';
import type { ContactChangeFlow } from '../lambdas/security/contact-change.js';
import type { SecurityStateStore } from '../lambdas/security/hold.js';
import type { SecurityChanges } from '../lambdas/security/security-changes.js';
import {
  contactChanges,
  noticeStore,
  securityChanges as securityChangesOf,
  securityState,
} from '../lambdas/security/wiring.js';
import type { WithdrawalDecisions } from '../lambdas/withdrawals/decisions.js';
import type { WithdrawalHistory } from '../lambdas/withdrawals/history.js';
import type { WithdrawalLedger } from '../lambdas/withdrawals/ledger.js';
import type { WithdrawalLifecycle } from '../lambdas/withdrawals/lifecycle.js';
import type { WithdrawalLimits } from '../lambdas/withdrawals/limits.js';
import type { ReviewAnswers } from '../lambdas/withdrawals/review-answers.js';
import type { ReviewTokens } from '../lambdas/withdrawals/review-tokens.js';
import {
  reviewAnswers,
  reviewTokens,
  withdrawalDecisions,
  withdrawalHistory,
  withdrawalLedger,
  withdrawalLifecycle,
  withdrawalLimits,
} from '../lambdas/withdrawals/wiring.js';
import { LocalBreachedPasswords } from './adapters/breached-passwords.js';
import { LocalCheckpointStore } from './adapters/checkpoint-store.js';
import { LocalCustody } from './adapters/custody.js';
import { openLocalFieldCipher } from './adapters/field-cipher.js';
import { localGeoIp } from './adapters/geo-ip.js';
import { LocalIdentityProvider } from './adapters/identity-provider.js';
import { LocalKeyService } from './adapters/key-service.js';
import { LocalDocumentStore } from './adapters/kyc-documents.js';
import { SimulatedVerificationProvider } from './adapters/kyc-verification.js';
import { LocalListStaging } from './adapters/list-staging.js';
import { LocalListStore } from './adapters/list-store.js';
import { lazyLocalPgpKeySource } from './adapters/pgp-key.js';
import { FixedPrices } from './adapters/prices.js';
import { LocalSmsOutbox } from './adapters/sms-outbox.js';
import type { PoolConfig } from './adapters/token-issuer.js';
import { REPO_ROOT } from './config.js';
import { LOCAL_TABLE_NAMES, type LocalDynamo, startDynamo } from './dynamo.js';
import { ExecutionJournal } from './execution-journal.js';
import { type LocalFunctions, loadFunctions } from './functions.js';
import { InFlight } from './in-flight.js';
import { type LocalEmail, startSes } from './ses.js';
import { lockStateFolder } from './state-lock.js';
import { type ExecutionOutcome, LocalStepFunctions } from './step-functions.js';

/** Every port a handler may ask for, by the name its `makeHandler` parameter uses. */
export interface LocalPorts {
  accounts: AccountStore;
  /** Fresh step-ups of sessions (GET /v1/me?reveal=contact). */
  stepUps: StepUps;
  audit: AuditLog;
  /** D3: checkpoints of the audit chain into the state folder's append-only file. */
  auditCheckpoints: CheckpointWriter;
  /** The transactional outbox with every service its steps use (kernel/outbox.ts). */
  outbox: Outbox;
  /** Its sweeper (kernel/outbox-sweep.ts): the scheduled OutboxSweeper's port. */
  outboxSweeper: OutboxSweeper;
  login: LoginFlow;
  /** A8: the refresh-token exchange (rotation, reuse detection). */
  refresh: TokenRefresh;
  securityChanges: SecurityChanges;
  /** B2: the signed SECURITY row of each user (the withdrawal hold, the last security change). */
  securityState: SecurityStateStore;
  duress: DuressStore;
  suspensions: SuspensionRequests;
  logins: LoginStore;
  /** A1 sign-up: pending sign-ups, codes through the user-mail and SMS functions. */
  signup: SignupFlow;
  /** X3: weak and breached new passwords refused (the bundled breached list: no network). */
  passwords: PasswordScreen;
  /** B1 email and phone changes: pending changes, codes through the user-mail and SMS functions. */
  contactChanges: ContactChangeFlow;
  /** B1: what each security change's notice sent (signed NOTICE rows). */
  notices: NoticeStore;
  /** A templated SMS through the SendSms function (as in AWS). */
  smsMessages: SmsMessages;
  /** A3 bot shield, the login's own; the device routes tell it when a user removes a device (A7). */
  shield: BotShield;
  links: SuspensionLinks;
  /** A4: the "this wasn't me" links' button. */
  linkUses: SuspensionLinkUses;
  /** The vault function's own cipher (a raw AES keyring from the state folder); nothing else uses it. */
  cipher: FieldCipher;
  identity: LocalIdentityProvider;
  tokens: TokenVerifier;
  keys: KeyService;
  mailer: Mailer;
  /** Email to a user by id and template, through the user-mail function (as in AWS). */
  mail: UserMail;
  sms: LocalSmsOutbox;
  workflows: LocalStepFunctions;
  clock: Clock;
  settings: Settings;
  /** IP → country and ASN from the geo table (built from npm packages, loaded on first use). */
  geo: GeoIp;
  /** B3/B4: the anti-phishing phrase and PGP key of each user (signed rows of the accounts table). */
  notificationPrefs: NotificationPrefsStore;
  /** B3: the platform key in the state folder (generated on first use); only the signer and the key route. */
  pgpKey: PgpKeySource;
  /** B3: the PgpMailSigner function, invoked in-process as the Lambda client invokes it in AWS. */
  pgpSigner: PgpSignerClient;
  /** C3: withdrawal records moved through their lifecycle (version-conditional transitions). */
  withdrawalLifecycle: WithdrawalLifecycle;
  /**
   * C3: the review tasks' tokens, server-side only (never in a record a route returns). No handler reads
   * them but AnswerTask (through reviewAnswers); tests read them as an attacker with table access would.
   */
  reviewTokens: ReviewTokens;
  /** C3/D2: a review's token kept, decided or cancelled: the AnswerTask function's own. */
  reviewAnswers: ReviewAnswers;
  /** D2: an admin request's token kept and answered: the AnswerTask function's own. */
  approvalAnswers: ApprovalAnswers;
  /** The AnswerTask function, invoked in-process as the Lambda client invokes it in AWS. */
  taskAnswers: TaskAnswers;
  /** C2/C3: the limits ledger; the workflow releases rejected and cancelled withdrawals from it. */
  ledger: WithdrawalLedger;
  /** C1: the address whitelist (the withdrawal workflow reads full destinations from it, for custody only). */
  addresses: AddressStore;
  /** F1: the Travel Rule rows of an address (beneficiary, ownership challenge and proof). */
  travelRules: AddressTravelRules;
  /** F1: the Travel Rule threshold of the withdrawal request, over the local fixed price table. */
  travelRule: ReturnType<typeof kycTravelRule>;
  /** F1: the local price table the Travel Rule reads (tests set prices). */
  prices: FixedPrices;
  /** F1: the price table's rows (the operator's SetTravelRulePrices writes them; locally nothing reads them). */
  priceRows: SignedTable;
  /** C3: transfers handed to custody, recorded once each in custody.json of the state folder. */
  custody: LocalCustody;
  /** C3/D2: the admin-decision port of withdrawals under review: a request to AnswerTask, as in AWS. */
  withdrawalDecisions: Pick<WithdrawalDecisions, 'decide'>;
  /** C2: the user's withdrawal records, newest first (the history route and the risk score). */
  withdrawalHistory: WithdrawalHistory;
  /** C2: Powertools idempotency persistence on the local idempotency table. */
  idempotency: BasePersistenceLayer;
  /** D1: the admin pool: a second local directory (own users, key, short tokens, TOTP required, groups). */
  adminIdentity: LocalIdentityProvider;
  /** D1: access tokens of the admin pool (a user-pool token fails its issuer, client and key). */
  adminTokens: TokenVerifier;
  /** D1/D4: the admin directory (signed rows `ADMIN#<adminId>`): status, revoked sessions, admin sessions. */
  admins: AdminDirectory;
  /** D1: password + TOTP against the admin pool, the login's bot shield with admin-scoped keys. */
  adminLogin: AdminLoginFlow;
  /** D3: admin refusals as bounded audit records. */
  refusals: RefusalEvidence;
  /** D2: admin approval requests (signed rows `ADMINREQ#…`), their task tokens server-side only. */
  adminRequests: AdminRequestStore;
  /** D5: reveals of personal data in force (an admin, a user, fields, until). */
  revealGrants: RevealGrants;
  /** E2: the vault function through its client (seals and opens field groups of one row). */
  vault: VaultClient;
  /** A1/B1: the blind-index claims of emails and phones (one account per value). */
  claims: SignupStore;
  blindIndex: ReturnType<typeof storedBlindIndexer>;
  /** D2: users' own withdrawal limits (an approved admin change), read by the ledger. */
  withdrawalLimits: WithdrawalLimits;
  /** F3: compliance cases (signed rows `CASE#…`) and the work on them, the openCase seam included. */
  cases: CaseStore;
  caseWork: CaseWork;
  /** F6: breach incidents and their clocks (the full outbox: audit, workflow start, mail). */
  incidents: IncidentStore;
  incidentWork: IncidentWork;
  /** F2: screening decisions, freezes and the roster, and the screening port (lists from the state folder). */
  screeningStore: ScreeningStore;
  screening: ScreeningWork;
  /** F1: the sign-up's and KYC's hand-over to screening (the roster entry, sealed, and the workflow's start). */
  screeningIntake: ScreeningIntake;
  /** F1/X4: the KYC record of each user (signed, ledgered `USER#<id>` / `KYC`), the person data sealed. */
  kyc: KycStore;
  /** F1: the KYC person data opened by the vault (the Travel Rule's originator). */
  kycPerson: KycPersonReader;
  /** F1: the KYC store whose outbox also mails (the refresh workflow's notices). */
  kycRefresh: KycStore;
  /** X4: the withdrawal request's limits by the user's KYC level, read at each request. */
  levelLimits: (
    userId: string,
    asset: Asset,
    now: Date,
  ) => Promise<{ daily: string; monthly: string; ceiling?: { daily: string; monthly: string } }>;
  lists: ListStore;
  /** F2/C1: the sanctioned-address index (written by the list loader) and the destinations' screening by it. */
  addressIndex: SanctionedAddressIndex;
  sanctions: AddressScreen;
  /** F2: the staged files of load-screening-list requests (the state folder's list-incoming/). */
  staging: LocalListStaging;
  /** F1: KYC documents in the state folder's kyc-documents/, under the policy S3's presigned POST has. */
  kycDocuments: LocalDocumentStore;
  /** F1: CheckKycDocument, invoked in-process as the Lambda client invokes it in AWS. */
  kycChecker: DocumentChecker;
  /** F1: CheckKycDocument asked for the provider's links to the documents. */
  kycLinker: DocumentLinker;
  /** F1: the simulated verification provider; its decisions are signed webhooks a test (or /_local) sends. */
  kycProvider: SimulatedVerificationProvider;
  /** F1: the webhook's seen event ids, the DynamoDB adapter over dynalite's Shield table. */
  kycSeenIds: SeenIdStore;
  /** F1: the webhook signing secret of this runtime (random at each start; the simulated provider's). */
  kycWebhookSecrets: () => Promise<readonly string[]>;
  /** F5: the account closure's ports (lambdas/privacy/closure.ts). */
  accountClosure: ClosurePorts;
  /** F5: the record retention (its sweep erases documents from kycDocuments at once: no lifecycle here). */
  recordRetention: RecordRetention;
}

/** The function each invoked-function variable names (INVOKABLE of the catalogue). */
const INVOKED: Readonly<Record<InvokeTarget, string>> = {
  VAULT_FUNCTION: VAULT.id,
  USER_MAIL_FUNCTION: USER_MAIL.id,
  PGP_SIGNER_FUNCTION: PGP_SIGNER.id,
  DURESS_FUNCTION: DURESS_CHECK.id,
  SMS_FUNCTION: SMS_SENDER.id,
  TASK_ANSWER_FUNCTION: ANSWER_TASK.id,
  KYC_CHECK_FUNCTION: KYC_DOCUMENT_CHECK.id,
};

export interface LocalRuntimeOptions {
  stateDir: string;
  /**
   * The server resumes the workflow executions a previous run left in the state folder; a dev command that
   * opens the folder for a moment leaves them to the next server (its emails would go nowhere).
   */
  resumeWorkflows: boolean;
  clock?: Clock;
  settings?: Settings;
  /** Tests: Wait states and retries of the workflows last this long instead. */
  waitTimeMs?: number;
  retryIntervalMs?: number;
  /** Tests: `.waitForTaskToken` state name → its timeout in milliseconds. */
  taskTimeoutOverrides?: Record<string, number>;
  onWorkflowUnsuccessful?: (executionId: string, outcome: ExecutionOutcome) => void;
  /**
   * Milliseconds between two runs of each scheduled function (the audit checkpoint); by default the
   * catalogue's interval. 0 turns the timers off (the checkpoint at stop still runs).
   */
  scheduleIntervalMs?: number;
  /** Told of a scheduled run, or a queued email after its last retry, that failed (its function has logged it). */
  onScheduledFailure?: (functionId: string, error: unknown) => void;
  /** Workflow executions resumed at start, or that could not be: for the console. */
  log?: (line: string, error?: unknown) => void;
}

export interface LocalRuntime {
  ports: LocalPorts;
  functions: LocalFunctions;
  pool: PoolConfig;
  /** D1: the local admin pool (its own issuer and client). */
  adminPool: PoolConfig;
  stateDir: string;
  /** The emulator itself: tests reach behind the repositories with it, as an attacker with table access would. */
  dynamo: LocalDynamo;
  emails(): Promise<LocalEmail[]>;
  /** B3: a sent message's raw MIME (see local/ses.ts). */
  rawEmail(messageId: string): Uint8Array | undefined;
  /** The SES emulator's own mailbox viewer. */
  mailboxUrl: string;
  /** D3: runs the audit checkpoint function now, as its schedule would (the timer, the stop). */
  checkpointAudit(): Promise<unknown>;
  /** Runs the outbox sweeper now, as its schedule would (kernel/outbox.ts): tests, and once at start. */
  sweepOutbox(): Promise<unknown>;
  /**
   * Starts a scheduled workflow now, as its schedule would (WORKFLOW_SCHEDULES: EventBridge Scheduler in AWS),
   * from the same ASL file; answers its outcome once it has ended (F1: the KYC refresh).
   */
  runScheduledWorkflow(workflow: WorkflowName): Promise<ExecutionOutcome>;
  stop(): Promise<void>;
}

/** The event a local timer hands a scheduled function: EventBridge's, with the fields it reads. */
export const localScheduledEvent = (clock: Clock): ScheduledEvent & { source: string } => ({
  'detail-type': 'Scheduled Event',
  source: 'palisade.local',
  time: clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z'),
});

export const localPool = (region: string): PoolConfig => ({
  region,
  userPoolId: `${region}_PalisadeLocal`,
  clientId: 'palisadelocalclient',
});

/** D1: the admin pool of the local runtime: another pool id and client, so another issuer. */
export const localAdminPool = (region: string): PoolConfig => ({
  region,
  userPoolId: `${region}_PalisadeAdmin`,
  clientId: 'palisadelocaladminclient',
});

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const settings = options.settings ?? parseSettings({});
  const clock = options.clock ?? systemClock;
  const region = settings.primaryRegion;
  const pool = localPool(region);
  const adminPool = localAdminPool(region);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn();
  };
  const stopLater = <T extends { stop(): Promise<void> }>(service: T): T => {
    stops.push(() => service.stop());
    return service;
  };
  try {
    const lock = await lockStateFolder(options.stateDir);
    stops.push(() => lock.release());
    const [dynamo, ses] = await Promise.all([
      startDynamo(options.stateDir, region).then(stopLater),
      startSes(region).then(stopLater),
    ]);
    const [directory, adminDirectory, keys, cipher] = await Promise.all([
      LocalIdentityProvider.open(options.stateDir, pool, clock),
      LocalIdentityProvider.open(options.stateDir, adminPool, clock, {
        folder: 'admin-identity',
        lifetimes: ADMIN_TOKENS,
        mfaRequired: true,
      }),
      LocalKeyService.open(options.stateDir),
      openLocalFieldCipher(options.stateDir),
    ]);
    // A3/B1: every re-authentication of either pool behind the lockout (as the AWS adapters wrap Cognito).
    const reauthStore = new ShieldStore(dynamo.documents, LOCAL_TABLE_NAMES.shield);
    const reauthGuard = new ReauthGuard(() => reauthStore, clock);
    const identity = guardedReauth(directory, reauthGuard, 'reauth');
    const adminIdentity = guardedReauth(adminDirectory, reauthGuard, 'admin-reauth');
    let functions: LocalFunctions | undefined;
    const workflows = new LocalStepFunctions({
      workflows: WORKFLOWS,
      repoRoot: REPO_ROOT,
      region,
      clock,
      // Executions are saved in the state folder as they run and resumed at the next start (see resume below).
      journal: ExecutionJournal.inStateFolder(options.stateDir),
      invoke: (id, event) =>
        functions ? functions.invoke(id, event) : Promise.reject(new Error('Not ready')),
      ...(options.waitTimeMs !== undefined ? { waitTimeMs: options.waitTimeMs } : {}),
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      ...(options.taskTimeoutOverrides ? { taskTimeoutOverrides: options.taskTimeoutOverrides } : {}),
      ...(options.onWorkflowUnsuccessful ? { onUnsuccessful: options.onWorkflowUnsuccessful } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    // Stopping runs in reverse: the workflows freeze first, then running tasks finish (what they change in
    // an execution's checkpoint is saved), then the audit chain's head is checkpointed (D3), then the
    // executions' checkpoints are closed, then the emulators.
    stops.push(() => workflows.close());
    const checkpointAudit = () =>
      functions
        ? functions.invoke(AUDIT_CHECKPOINT.id, localScheduledEvent(clock))
        : Promise.reject(new Error('Not ready'));
    stops.push(async () => {
      if (!functions) return; // a start that failed before the functions were built
      await checkpointAudit().catch((err: unknown) => options.onScheduledFailure?.(AUDIT_CHECKPOINT.id, err));
    });
    stops.push(async () => functions?.drain());
    stops.push(() => workflows.stop());
    const rows = signedRows(dynamo.documents, keys, LOCAL_TABLE_NAMES, clock);
    const invoke = (target: InvokeTarget) => (request: unknown) =>
      functions ? functions.invoke(INVOKED[target], request) : Promise.reject(new Error('Not ready'));
    // The vault runs as its own function here too: callers reach it through the same client as in AWS.
    const vault = new VaultClient(async (request) => {
      try {
        return await invoke('VAULT_FUNCTION')(request);
      } catch (err) {
        throw vaultError((err as Error).name);
      }
    });
    const mail: UserMail = {
      async send(userId, message, options) {
        await invoke('USER_MAIL_FUNCTION')({
          userId,
          message,
          ...(options?.contact ? { contact: options.contact } : {}),
        });
      },
    };
    // A queued email (a login's: Infra.queuedUserMail) runs the user-mail function in the background, retried
    // twice as Lambda retries an asynchronous invocation. The mailbox waits for those in flight (`emails`), so
    // a client reading its mail after the request's answer finds it, as it would a moment later in AWS.
    const queuedMails = new InFlight();
    const queuedMail: UserMail = {
      async send(userId, message, mailOptions) {
        const request = {
          userId,
          message,
          ...(mailOptions?.contact ? { contact: mailOptions.contact } : {}),
        };
        const deliver = async (retries: number): Promise<void> =>
          invoke('USER_MAIL_FUNCTION')(request).then(
            () => undefined,
            (err: unknown) =>
              retries > 0
                ? deliver(retries - 1)
                : options.onScheduledFailure?.(INVOKED.USER_MAIL_FUNCTION, err),
          );
        queuedMails.track(deliver(QUEUED_MAIL_RETRIES));
      },
    };
    const adminTokens = new CognitoTokenVerifier(
      adminPool.userPoolId,
      adminPool.clientId,
      adminIdentity.jwks(),
    );
    const tokens = new CognitoTokenVerifier(pool.userPoolId, pool.clientId, identity.jwks());
    const geo = localGeoIp();
    const custody = new LocalCustody(options.stateDir, clock);
    const sms = new LocalSmsOutbox(clock);
    const idempotency = idempotencyStore(LOCAL_TABLE_NAMES.idempotency, () => dynamo.documents);
    const taskAnswers = taskAnswersClient(invoke('TASK_ANSWER_FUNCTION'));
    const checkpoints = new LocalCheckpointStore(options.stateDir);
    const lists = new LocalListStore(options.stateDir);
    const breached = new LocalBreachedPasswords();
    // The local runtime's Infra: the same members the Lambda runtime supplies (kernel/aws/infra.ts).
    const infra: Infra = {
      clock,
      settings: () => settings,
      rows: () => rows,
      documents: () => dynamo.documents,
      tableName: (id) => LOCAL_TABLE_NAMES[id],
      keys: () => keys,
      identity: () => identity,
      reauthIdentity: () => identity,
      refresher: () => identity,
      adminIdentity: () => adminIdentity,
      reauthAdminIdentity: () => adminIdentity,
      adminTokens: () => adminTokens,
      userTokens: () => tokens,
      workflows: () => workflows,
      // AnswerTask runs as its own function here too: callers reach it through the same client as in AWS.
      taskAnswers: () => taskAnswers,
      stepFunctionsAnswers: () => workflows,
      invoke,
      vault: () => vault,
      userMail: () => mail,
      queuedUserMail: () => queuedMail,
      smsMessages: () => ({
        async send(request) {
          await invoke('SMS_FUNCTION')(request);
        },
      }),
      geo: () => geo,
      custody: () => custody,
      mailer: () => ses.mailer,
      smsSender: () => sms,
      cipher: () => cipher,
      idempotency: () => idempotency,
      checkpoints: () => checkpoints,
      lists: () => lists,
      breachedPasswords: () => breached,
    };
    const passwords = passwordScreen(breached);
    // Every component from its context's wiring.ts, as the Lambda handlers build them. Where AWS gives a
    // function a narrower variant (an account store without the vault), the local port is the widest one,
    // since one object serves every handler here.
    const securityChanges = securityChangesOf(infra);
    const prices = new FixedPrices(clock);
    const outbox = fullOutbox(infra);
    const kycDocuments = new LocalDocumentStore(options.stateDir, 'http://127.0.0.1', clock);
    const kycWebhookSecret = randomBytes(32).toString('hex');
    const ports: LocalPorts = {
      adminRequests: adminRequests(infra),
      revealGrants: revealGrants(infra),
      vault,
      claims: signupStore(infra),
      blindIndex: blindIndexer(infra),
      withdrawalLimits: withdrawalLimits(infra),
      cases: caseStore(infra),
      caseWork: caseWork(infra),
      incidents: incidentStore(infra),
      incidentWork: new IncidentWorkOf({ incidents: incidentStore(infra), outbox, clock }),
      screeningStore: rosterStore(infra),
      screening: screeningWork(infra),
      screeningIntake: screeningIntake(infra),
      kyc: kycPersonStore(infra),
      kycPerson: kycPersonReader(infra),
      kycRefresh: kycRefreshStore(infra),
      levelLimits: kycLevelLimits(infra),
      lists,
      addressIndex: addressIndex(infra),
      sanctions: addressScreen(infra),
      staging: new LocalListStaging(options.stateDir, clock),
      kycDocuments,
      kycChecker: invokeChecker(invoke('KYC_CHECK_FUNCTION')),
      kycLinker: invokeLinker(invoke('KYC_CHECK_FUNCTION')),
      kycProvider: new SimulatedVerificationProvider(kycWebhookSecret, clock),
      kycSeenIds: new DynamoSeenIds(dynamo.documents, LOCAL_TABLE_NAMES.shield, clock),
      kycWebhookSecrets: async () => [kycWebhookSecret],
      accountClosure: accountClosure(infra),
      recordRetention: recordRetention(infra, kycDocuments),
      adminIdentity,
      adminTokens,
      admins: adminDirectoryStore(infra),
      adminLogin: adminLoginFlow(infra),
      refusals: refusalEvidence(infra),
      contactChanges: contactChanges(infra),
      notices: noticeStore(infra),
      smsMessages: infra.smsMessages(),
      withdrawalLifecycle: withdrawalLifecycle(infra),
      reviewTokens: reviewTokens(infra),
      reviewAnswers: reviewAnswers(infra),
      approvalAnswers: approvalAnswers(infra),
      taskAnswers,
      ledger: withdrawalLedger(infra),
      withdrawalHistory: withdrawalHistory(infra),
      idempotency,
      addresses: addressStore(infra),
      travelRules: addressTravelRules(infra),
      travelRule: kycTravelRule(prices),
      prices,
      priceRows: infra.rows().tables.accounts,
      custody,
      withdrawalDecisions: withdrawalDecisions(infra),
      signup: signupFlow(infra, passwords),
      passwords,
      accounts: accountStoreWithIndex(infra),
      stepUps: stepUps(infra),
      links: suspensionLinks(infra),
      linkUses: suspensionLinkUses(infra),
      login: loginFlow(infra),
      refresh: tokenRefresh(infra),
      logins: loginStore(infra),
      shield: botShield(infra),
      cipher,
      audit: rows.audit,
      auditCheckpoints: auditCheckpointWriter(infra),
      outbox,
      outboxSweeper: outboxSweeperOf(outbox),
      securityChanges,
      securityState: securityState(infra),
      duress: duressStore(infra),
      suspensions: suspensionRequests(infra),
      identity,
      tokens,
      keys,
      mailer: ses.mailer,
      mail,
      sms,
      workflows,
      clock,
      settings,
      geo,
      notificationPrefs: notificationPrefs(infra),
      pgpKey: lazyLocalPgpKeySource(options.stateDir, { clock }),
      pgpSigner: pgpSignerClient(infra),
    };
    functions = loadFunctions(allFunctions(), ports);
    // The scheduled functions on timers (EventBridge rules in AWS); stopped first at a stop.
    const timers = SCHEDULED.map(({ spec, everyMinutes }) => {
      const every = options.scheduleIntervalMs ?? everyMinutes * 60_000;
      if (every <= 0) return undefined;
      const timer = setInterval(() => {
        functions
          ?.invoke(spec.id, localScheduledEvent(clock))
          .catch((err: unknown) => options.onScheduledFailure?.(spec.id, err));
      }, every);
      timer.unref();
      return timer;
    });
    // The scheduled workflows (EventBridge Scheduler in AWS) on timers too, at the same switch.
    let scheduledRuns = 0;
    const runScheduledWorkflow = async (workflow: WorkflowName): Promise<ExecutionOutcome> => {
      const name = `${workflow}-${clock
        .now()
        .toISOString()
        .replace(/[^0-9]/g, '')}-${++scheduledRuns}`;
      const { executionId } = await workflows.start(workflow, { source: 'schedule' }, name);
      return workflows.waitFor(executionId);
    };
    const workflowTimers = WORKFLOW_SCHEDULES.map(({ workflow, everyHours }) => {
      const every = options.scheduleIntervalMs ?? everyHours * 3_600_000;
      if (every <= 0) return undefined;
      const timer = setInterval(() => {
        runScheduledWorkflow(workflow).catch((err: unknown) => options.onScheduledFailure?.(workflow, err));
      }, every);
      timer.unref();
      return timer;
    });
    stops.push(async () => {
      for (const timer of [...timers, ...workflowTimers]) if (timer) clearInterval(timer);
    });
    // F2/C1: a list version loaded into the state folder while no backend ran (`npm run screening:load`, a
    // test's set-up) reaches the sanctioned-address index before any request, as the loader does in AWS. A
    // version stored by older code, without its entities file, gets it first (the screening reads only that).
    for (const { list, format } of SCREENED_LISTS) {
      await completeCurrentVersion(ports.lists, list, format);
      await syncAddressIndex(ports, list);
    }
    // The executions a previous run left in the state folder go on from their checkpoints, before any request;
    // then the follow-up steps a previous run wrote but did not complete (its outbox).
    if (options.resumeWorkflows) await workflows.resume();
    const sweepOutbox = () =>
      functions
        ? functions.invoke(OUTBOX_SWEEPER.id, localScheduledEvent(clock))
        : Promise.reject(new Error('Not ready'));
    if (options.resumeWorkflows) {
      await sweepOutbox().catch((err: unknown) => options.onScheduledFailure?.(OUTBOX_SWEEPER.id, err));
    }
    return {
      ports,
      functions,
      pool,
      adminPool,
      stateDir: options.stateDir,
      dynamo,
      emails: async () => {
        await queuedMails.settled();
        return ses.emails();
      },
      rawEmail: (messageId) => ses.raw(messageId),
      mailboxUrl: ses.url,
      checkpointAudit,
      sweepOutbox,
      runScheduledWorkflow,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
