// The local composition root: which adapter stands behind each port on a laptop. dynalite and the SES
// emulator in-process, the local directory and key service in the state folder, the local Step Functions runner.
import './env.js';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AccountStore } from '../lambdas/account/account-store.js';
import { storedBlindIndexer } from '../lambdas/account/blind-index-key.js';
import { DynamoAccountStore } from '../lambdas/account/dynamo-account-store.js';
import { SignupStore } from '../lambdas/account/signup-store.js';
import { SuspensionLinks } from '../lambdas/account/suspension-links.js';
import { type SuspensionRequests, workflowSuspensions } from '../lambdas/account/suspension-requests.js';
import { AddressStore } from '../lambdas/addresses/address-store.js';
import { AdminDirectory } from '../lambdas/admin/admin-directory.js';
import { AdminLoginFlow } from '../lambdas/admin/admin-login.js';
import { AdminRequestStore } from '../lambdas/admin/request-store.js';
import { RevealGrants } from '../lambdas/admin/reveal-grants.js';
import { duressCheckClient } from '../lambdas/auth/duress-match.js';
import { DuressStore } from '../lambdas/auth/duress-store.js';
import { LoginFlow } from '../lambdas/auth/login-flow.js';
import { loginShield } from '../lambdas/auth/login-shield.js';
import { LoginStore } from '../lambdas/auth/login-store.js';
import { SignupFlow } from '../lambdas/auth/signup-flow.js';
import { invokingSignupMessenger } from '../lambdas/auth/signup-messenger.js';
import {
  allFunctions,
  DURESS_CHECK,
  PGP_SIGNER,
  SMS_SENDER,
  USER_MAIL,
  VAULT,
  WORKFLOWS,
} from '../lambdas/catalogue.js';
import type { AuditLog } from '../lambdas/kernel/audit/audit-log.js';
import { CognitoTokenVerifier } from '../lambdas/kernel/aws/cognito-token-verifier.js';
import { signedRows } from '../lambdas/kernel/integrity/signed-rows.js';
import { type Clock, systemClock } from '../lambdas/kernel/ports/clock.js';
import type { GeoIp } from '../lambdas/kernel/ports/geo-ip.js';
import type { KeyService } from '../lambdas/kernel/ports/key-service.js';
import type { Mailer } from '../lambdas/kernel/ports/mailer.js';
import type { SmsMessages } from '../lambdas/kernel/ports/sms-messages.js';
import type { TokenVerifier } from '../lambdas/kernel/ports/token-verifier.js';
import type { UserMail } from '../lambdas/kernel/ports/user-mail.js';
import type { FieldCipher } from '../lambdas/kernel/privacy/field-cipher.js';
import { VaultClient, vaultError } from '../lambdas/kernel/privacy/vault-client.js';
import { parseSettings, type Settings } from '../lambdas/kernel/settings.js';
import type { BotShield } from '../lambdas/kernel/shield/bot-shield.js';
import { guardedReauth, ReauthGuard } from '../lambdas/kernel/shield/reauth-guard.js';
import { ShieldStore } from '../lambdas/kernel/shield/shield-store.js';
import { ADMIN_TOKENS } from '../lambdas/kernel/token-lifetimes.js';
import { NotificationPrefsStore } from '../lambdas/notify/notification-prefs.js';
import type { PgpKeySource } from '../lambdas/notify/pgp-key.js';
import { PgpSignerClient } from '../lambdas/notify/pgp-signer-client.js';
import { NoticeStore } from '../lambdas/security/change-notices.js';
import { ContactChangeFlow } from '../lambdas/security/contact-change.js';
import { ContactChangeStore } from '../lambdas/security/contact-change-store.js';
import { invokingContactCodes } from '../lambdas/security/contact-codes.js';
import { SecurityStateStore } from '../lambdas/security/hold.js';
import { auditedSecurityChanges, type SecurityChanges } from '../lambdas/security/security-changes.js';
import { WithdrawalDecisions } from '../lambdas/withdrawals/decisions.js';
import { WithdrawalHistory } from '../lambdas/withdrawals/history.js';
import { idempotencyStore } from '../lambdas/withdrawals/idempotency.js';
import { WithdrawalLedger } from '../lambdas/withdrawals/ledger.js';
import { WithdrawalLifecycle } from '../lambdas/withdrawals/lifecycle.js';
import { WithdrawalLimits } from '../lambdas/withdrawals/limits.js';
import { ReviewTokens } from '../lambdas/withdrawals/review-tokens.js';
import { LocalCustody } from './adapters/custody.js';
import { openLocalFieldCipher } from './adapters/field-cipher.js';
import { localGeoIp } from './adapters/geo-ip.js';
import { LocalIdentityProvider } from './adapters/identity-provider.js';
import { LocalKeyService } from './adapters/key-service.js';
import { lazyLocalPgpKeySource } from './adapters/pgp-key.js';
import { LocalSmsOutbox } from './adapters/sms-outbox.js';
import type { PoolConfig } from './adapters/token-issuer.js';
import { REPO_ROOT } from './config.js';
import { DUMMY_CREDENTIALS, LOCAL_TABLE_NAMES, type LocalDynamo, startDynamo } from './dynamo.js';
import { type LocalFunctions, loadFunctions } from './functions.js';
import { type LocalEmail, startSes } from './ses.js';
import { lockStateFolder } from './state-lock.js';
import { type ExecutionOutcome, LocalStepFunctions } from './step-functions.js';

/** Every port a handler may ask for, by the name its `makeHandler` parameter uses. */
export interface LocalPorts {
  accounts: AccountStore;
  audit: AuditLog;
  login: LoginFlow;
  securityChanges: SecurityChanges;
  /** B2: the signed SECURITY row of each user (the withdrawal hold, the last security change). */
  securityState: SecurityStateStore;
  duress: DuressStore;
  suspensions: SuspensionRequests;
  logins: LoginStore;
  /** A1 sign-up: pending sign-ups, codes through the user-mail and SMS functions. */
  signup: SignupFlow;
  /** B1 email and phone changes: pending changes, codes through the user-mail and SMS functions. */
  contactChanges: ContactChangeFlow;
  /** B1: what each security change's notice sent (signed NOTICE rows). */
  notices: NoticeStore;
  /** A templated SMS through the SendSms function (as in AWS). */
  smsMessages: SmsMessages;
  /** A3 bot shield, the login's own; the device routes tell it when a user removes a device (A7). */
  shield: BotShield;
  links: SuspensionLinks;
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
  /** IP → country on geoip-lite's data (loaded on first use). */
  geo: GeoIp;
  /** B3/B4: the anti-phishing phrase and PGP key of each user (signed rows of the accounts table). */
  notificationPrefs: NotificationPrefsStore;
  /** B3: the platform key in the state folder (generated on first use); only the signer and the key route. */
  pgpKey: PgpKeySource;
  /** B3: the PgpMailSigner function, invoked in-process as the Lambda client invokes it in AWS. */
  pgpSigner: PgpSignerClient;
  /** C3: withdrawal records moved through their lifecycle (version-conditional transitions). */
  withdrawalLifecycle: WithdrawalLifecycle;
  /** C3: the review tasks' tokens, server-side only (never in a record a route returns). */
  reviewTokens: ReviewTokens;
  /** C2/C3: the limits ledger; the workflow releases rejected and cancelled withdrawals from it. */
  ledger: WithdrawalLedger;
  /** C1: the address whitelist (the withdrawal workflow reads full destinations from it, for custody only). */
  addresses: AddressStore;
  /** C3: transfers handed to custody, recorded once each in custody.json of the state folder. */
  custody: LocalCustody;
  /** C3/D2: the admin-decision port of withdrawals under review. */
  withdrawalDecisions: WithdrawalDecisions;
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
}

export interface LocalRuntimeOptions {
  stateDir: string;
  clock?: Clock;
  settings?: Settings;
  /** Tests: Wait states and retries of the workflows last this long instead. */
  waitTimeMs?: number;
  retryIntervalMs?: number;
  /** Tests: `.waitForTaskToken` state name → its timeout in milliseconds. */
  taskTimeoutOverrides?: Record<string, number>;
  onWorkflowUnsuccessful?: (executionId: string, outcome: ExecutionOutcome) => void;
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
  stop(): Promise<void>;
}

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
      invoke: (id, event) =>
        functions ? functions.invoke(id, event) : Promise.reject(new Error('Not ready')),
      ...(options.waitTimeMs !== undefined ? { waitTimeMs: options.waitTimeMs } : {}),
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      ...(options.taskTimeoutOverrides ? { taskTimeoutOverrides: options.taskTimeoutOverrides } : {}),
      ...(options.onWorkflowUnsuccessful ? { onUnsuccessful: options.onWorkflowUnsuccessful } : {}),
    });
    stops.push(() => workflows.stop());
    const rows = signedRows(dynamo.documents, keys, LOCAL_TABLE_NAMES, clock);
    // The vault runs as its own function here too: callers reach it through the same client as in AWS.
    const vault = new VaultClient(async (request) => {
      if (!functions) throw new Error('Not ready');
      try {
        return await functions.invoke(VAULT.id, request);
      } catch (err) {
        throw vaultError((err as Error).name);
      }
    });
    const accounts = new DynamoAccountStore(rows.tables.accounts, {
      vault,
      blindIndex: storedBlindIndexer(rows.tables.accounts, keys),
    });
    const links = new SuspensionLinks(rows.tables.accounts, clock);
    const securityState = new SecurityStateStore(rows.tables.accounts);
    const logins = new LoginStore(rows.tables.accounts);
    const shield = loginShield(dynamo.documents, LOCAL_TABLE_NAMES.shield);
    const duressCheck = duressCheckClient((request) => {
      if (!functions) throw new Error('Not ready');
      return functions.invoke(DURESS_CHECK.id, request);
    });
    const geo = localGeoIp();
    const mail: UserMail = {
      async send(userId, message, options) {
        if (!functions) throw new Error('Not ready');
        await functions.invoke(USER_MAIL.id, {
          userId,
          message,
          ...(options?.contact ? { contact: options.contact } : {}),
        });
      },
    };
    const invokeFunction = (id: string) => (request: unknown) =>
      functions ? functions.invoke(id, request) : Promise.reject(new Error('Not ready'));
    const signup = new SignupFlow({
      identity,
      accounts,
      signups: new SignupStore(rows.tables.accounts),
      blindIndex: storedBlindIndexer(rows.tables.accounts, keys),
      messenger: invokingSignupMessenger(invokeFunction(USER_MAIL.id), invokeFunction(SMS_SENDER.id)),
      clock,
      throttle: new ShieldStore(dynamo.documents, LOCAL_TABLE_NAMES.shield),
    });
    const withdrawalLifecycle = new WithdrawalLifecycle(rows.tables.accounts);
    const reviewTokens = new ReviewTokens(rows.tables.accounts);
    const securityChanges = auditedSecurityChanges(rows.audit, {
      holds: securityState,
      workflows,
      settings,
    });
    const contactChanges = new ContactChangeFlow({
      identity,
      accounts,
      pending: new ContactChangeStore(rows.tables.accounts),
      claims: new SignupStore(rows.tables.accounts),
      blindIndex: storedBlindIndexer(rows.tables.accounts, keys),
      vault,
      codes: invokingContactCodes(invokeFunction(USER_MAIL.id), invokeFunction(SMS_SENDER.id)),
      securityChanges,
      clock,
    });
    // Powertools idempotency sends plain DynamoDB commands: its own client on the same emulator.
    const idempotencyClient = new DynamoDBClient({
      region,
      endpoint: dynamo.url,
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
    stops.push(async () => idempotencyClient.destroy());
    const adminTokens = new CognitoTokenVerifier(
      adminPool.userPoolId,
      adminPool.clientId,
      adminIdentity.jwks(),
    );
    const admins = new AdminDirectory(rows.tables.accounts);
    const ports: LocalPorts = {
      adminRequests: new AdminRequestStore(rows.tables.accounts),
      revealGrants: new RevealGrants(rows.tables.accounts),
      vault,
      claims: new SignupStore(rows.tables.accounts),
      blindIndex: storedBlindIndexer(rows.tables.accounts, keys),
      withdrawalLimits: new WithdrawalLimits(rows.tables.accounts),
      adminIdentity,
      adminTokens,
      admins,
      adminLogin: new AdminLoginFlow({
        adminIdentity,
        adminTokens,
        admins,
        table: rows.tables.accounts,
        audit: rows.audit,
        shield,
        clock,
      }),
      contactChanges,
      notices: new NoticeStore(rows.tables.accounts),
      smsMessages: {
        async send(request) {
          await invokeFunction(SMS_SENDER.id)(request);
        },
      },
      withdrawalLifecycle,
      reviewTokens,
      ledger: new WithdrawalLedger(rows.tables.accounts),
      withdrawalHistory: new WithdrawalHistory(rows.tables.accounts),
      idempotency: idempotencyStore(LOCAL_TABLE_NAMES.idempotency, idempotencyClient),
      addresses: new AddressStore(rows.tables.accounts, { clock, settings }),
      custody: new LocalCustody(options.stateDir, clock),
      withdrawalDecisions: new WithdrawalDecisions({
        lifecycle: withdrawalLifecycle,
        tokens: reviewTokens,
        workflows,
        audit: rows.audit,
        clock,
      }),
      signup,
      accounts,
      links,
      login: new LoginFlow({
        identity,
        accounts,
        logins,
        vault,
        mail,
        links,
        clock,
        shield,
        duress: duressCheck,
        geo,
        restrictedCountries: settings.restrictedCountries,
      }),
      logins,
      shield,
      cipher,
      audit: rows.audit,
      securityChanges,
      securityState,
      duress: new DuressStore(rows.tables.accounts),
      suspensions: workflowSuspensions(workflows),
      identity,
      tokens: new CognitoTokenVerifier(pool.userPoolId, pool.clientId, identity.jwks()),
      keys,
      mailer: ses.mailer,
      mail,
      sms: new LocalSmsOutbox(clock),
      workflows,
      clock,
      settings,
      geo,
      notificationPrefs: new NotificationPrefsStore(rows.tables.accounts),
      pgpKey: lazyLocalPgpKeySource(options.stateDir, { clock }),
      pgpSigner: new PgpSignerClient((request) =>
        functions ? functions.invoke(PGP_SIGNER.id, request) : Promise.reject(new Error('Not ready')),
      ),
    };
    functions = loadFunctions(allFunctions(), ports);
    return {
      ports,
      functions,
      pool,
      adminPool,
      stateDir: options.stateDir,
      dynamo,
      emails: () => ses.emails(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
