// The auth context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances:
// the login and sign-up flows, the login's stores, the duress check client and the login's bot shield.
import {
  accountStore,
  accountStoreWithIndex,
  blindIndexer,
  sessionRefreshes,
  signupStore,
  suspensionLinks,
} from '../account/wiring.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { once } from '../kernel/runtime/aws-env.js';
import { ShieldStore } from '../kernel/shield/shield-store.js';
import { kycOpening } from '../kyc/wiring.js';
import { screeningIntake } from '../screening/wiring.js';
import { duressCheckClient } from './duress-match.js';
import { DuressStore } from './duress-store.js';
import { LoginFlow } from './login-flow.js';
import { loginShield } from './login-shield.js';
import { LoginStore } from './login-store.js';
import type { PasswordScreen } from './password-screen.js';
import { RiskStore } from './risk/aws-risk-store.js';
import { LoginRisk } from './risk/login-risk.js';
import { SignupFlow } from './signup-flow.js';
import { invokingSignupMessenger } from './signup-messenger.js';
import { TokenRefresh } from './token-refresh.js';

/** A3: the login's bot shield on the Shield table (user and admin logins alike). */
export const botShield = (infra: Pick<Infra, 'documents' | 'tableName'>) =>
  loginShield(infra.documents(), infra.tableName('shield'));

export const loginStore = (infra: Pick<Infra, 'rows'>) => new LoginStore(infra.rows().tables.accounts);
export const duressStore = (infra: Pick<Infra, 'rows'>) => new DuressStore(infra.rows().tables.accounts);
/** A5: the login's side of the duress check, a call of the CheckDuress function. */
export const duressCheck = (infra: Pick<Infra, 'invoke'>) =>
  duressCheckClient(infra.invoke('DURESS_FUNCTION'));

type LoginInfra = Pick<
  Infra,
  | 'rows'
  | 'clock'
  | 'settings'
  | 'documents'
  | 'tableName'
  | 'reauthIdentity'
  | 'vault'
  | 'queuedUserMail'
  | 'geo'
  | 'invoke'
>;

/** G1: the login-risk model over the LoginRisk table (history and population counts). */
export const loginRisk = (infra: Pick<Infra, 'documents' | 'tableName' | 'clock'>) =>
  new LoginRisk(new RiskStore(infra.documents(), infra.tableName('risk')), infra.clock);

export const loginFlow = (infra: LoginInfra) =>
  new LoginFlow({
    identity: infra.reauthIdentity(),
    accounts: accountStore(infra),
    logins: loginStore(infra),
    vault: infra.vault(),
    // A login's emails are queued (an asynchronous invocation), off its critical path (docs/decisions.md).
    mail: infra.queuedUserMail(),
    links: suspensionLinks(infra),
    clock: infra.clock,
    restrictedCountries: infra.settings().restrictedCountries,
    shield: botShield(infra),
    geo: infra.geo(),
    duress: duressCheck(infra),
    risk: loginRisk(infra),
    audit: infra.rows().audit,
  });

type RefreshInfra = Pick<
  Infra,
  'rows' | 'clock' | 'documents' | 'tableName' | 'refresher' | 'userMail' | 'geo'
>;

/** A8: the refresh-token exchange with rotation and reuse detection, behind the login's bot shield. */
export const tokenRefresh = (infra: RefreshInfra) =>
  new TokenRefresh({
    refresher: infra.refresher(),
    accounts: accountStore(infra),
    refreshes: sessionRefreshes(infra),
    audit: infra.rows().audit,
    mail: infra.userMail(),
    links: suspensionLinks(infra),
    clock: infra.clock,
    shield: botShield(infra),
    geo: infra.geo(),
  });

type SignupInfra = Pick<
  Infra,
  'rows' | 'keys' | 'clock' | 'documents' | 'tableName' | 'identity' | 'vault' | 'invoke' | 'workflows'
>;

/**
 * X3: the password screen comes from the caller, so that only the SignUp function bundles the estimator's
 * dictionaries (VerifySignUp sets no password: it passes NO_PASSWORD_SET).
 */
export const signupFlow = (infra: SignupInfra, passwords: PasswordScreen) =>
  new SignupFlow({
    identity: infra.identity(),
    // The vault is invoked only by the verification (createAccount), the user-mail and SMS functions only
    // by the request: each route's role allows only its own calls (lambdas/auth/routes.ts).
    accounts: accountStoreWithIndex(infra),
    signups: signupStore(infra),
    blindIndex: blindIndexer(infra),
    messenger: invokingSignupMessenger(infra.invoke('USER_MAIL_FUNCTION'), infra.invoke('SMS_FUNCTION')),
    clock: infra.clock,
    passwords,
    throttle: new ShieldStore(infra.documents(), infra.tableName('shield')),
    screening: screeningIntake(infra),
    kyc: kycOpening(infra),
  });

export const awsLoginFlow = /* @__PURE__ */ once(() =>
  loginFlow({
    rows: aws.rows,
    clock: aws.clock,
    settings: aws.settings,
    documents: aws.documents,
    tableName: aws.tableName,
    reauthIdentity: aws.reauthIdentity,
    vault: aws.vault,
    queuedUserMail: aws.queuedUserMail,
    geo: aws.geo,
    invoke: aws.invoke,
  }),
);

export const awsSignupFlow = (passwords: PasswordScreen) =>
  signupFlow(
    {
      rows: aws.rows,
      keys: aws.keys,
      clock: aws.clock,
      documents: aws.documents,
      tableName: aws.tableName,
      identity: aws.identity,
      vault: aws.vault,
      invoke: aws.invoke,
      workflows: aws.workflows,
    },
    passwords,
  );

export const awsTokenRefresh = /* @__PURE__ */ once(() =>
  tokenRefresh({
    rows: aws.rows,
    clock: aws.clock,
    documents: aws.documents,
    tableName: aws.tableName,
    refresher: aws.refresher,
    userMail: aws.userMail,
    geo: aws.geo,
  }),
);

export const awsLoginStore = /* @__PURE__ */ once(() => loginStore({ rows: aws.rows }));
export const awsDuressStore = /* @__PURE__ */ once(() => duressStore({ rows: aws.rows }));
export const awsBotShield = /* @__PURE__ */ once(() =>
  botShield({ documents: aws.documents, tableName: aws.tableName }),
);

// Published to other contexts.
export { awsAccountStore, suspensionRequests } from '../account/wiring.js';
export { awsSecurityChanges } from '../security/wiring.js';
