// The client login (A1–A9): the backend runs every step, in order, and hands out tokens only when all have
// passed. Between requests the login lives in a signed, single-use, short-lived login session row: a client
// cannot skip a step (the current step is the first of `steps`), answer one twice (each answer is a
// version-conditional update) or come back late (`expiresAt`).
//
// Order: bot shield → duress check and password (always both, so timing tells nothing) → the login-risk
// model's band (G1; lambdas/auth/risk/): block refuses, as a wrong password, and tells the owner; step up asks
// for the further proofs below; allow asks for none → TOTP if enrolled → on a step up, a new network: emailed
// code (A6); a new device: emailed link, then the waiting client's poll (A7); a known network and device: the
// emailed code → tokens, session row, login history (with the score), the login added to the risk history and
// the population, login email with the "this wasn't me" link (A4).

import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountStore } from '../account/contracts.js';
import { SUSPENSION_LINK_DAYS, type SuspensionLinks } from '../account/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { ClientContext } from '../kernel/client-context.js';
import { describeBrowser } from '../kernel/client-description.js';
import { Conflict, Forbidden, Gone, TooManyRequests, Unauthorized } from '../kernel/errors.js';
import type { TransactWrite } from '../kernel/integrity/signed-table.js';
import { logger, MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { GeoIp } from '../kernel/ports/geo-ip.js';
import type { IdentityProvider, TokenSet } from '../kernel/ports/identity-provider.js';
import type { SignInContextInput, UserMail, UserMessage } from '../kernel/ports/user-mail.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { parseSource } from '../kernel/shield/bot-shield.js';
import { TABLES } from '../kernel/tables.js';
import { userSessionLifetimeMs } from '../kernel/token-lifetimes.js';
import type { LoginRefusal, LoginSession, LoginStep, LoginStore } from './login-store.js';
import type { RiskRead } from './risk/aws-risk-store.js';
import type { LoginRiskPort, RiskCheck, RiskSummary } from './risk/login-risk.js';

/** How long a login may take from password to tokens, and how an emailed code is bounded. */
export const LOGIN_RULES = Object.freeze({
  sessionMinutes: 15,
  /** Tries on the emailed code of a new network (A6). */
  codeAttempts: 5,
  /** Tries on the TOTP code (A2), each also a failure for the bot shield. */
  totpAttempts: 5,
  deviceLinkMinutes: 15,
  /** How long a client waiting for the device link should wait before its next poll (A7). */
  devicePollSeconds: 3,
});

/** The one answer to a wrong password, an unknown user, a disabled account and a duress password. */
export const BAD_CREDENTIALS = 'Invalid username or password';

/** The bot shield as the login uses it (lambdas/kernel/shield/bot-shield.ts). */
export interface LoginShield {
  check(
    attempt: ShieldAttempt,
    options?: { reserve?: boolean; onAllowed?: () => void },
  ): Promise<{ allow: true; delayMs?: number; reserved?: boolean } | ShieldRefusal>;
  recordFailure(attempt: ShieldAttempt, options?: { reserved?: boolean }): Promise<void>;
  recordSuccess(attempt: ShieldAttempt): Promise<void>;
}
export interface ShieldAttempt {
  username: string;
  ip: string;
  deviceId: string;
  now: Date;
}
export interface ShieldRefusal {
  allow: false;
  retryAfterSeconds?: number;
  reason?: string;
}

/**
 * The duress check (A5): hashes the candidate whether or not a duress password is set (timing tells
 * nothing) and, on a match, itself suspends the account with the effects of A4 and raises the alert.
 */
export interface DuressCheck {
  check(userId: string | undefined, candidate: string, context: { ip: string; at: Date }): Promise<boolean>;
}

export interface LoginPorts {
  identity: IdentityProvider;
  accounts: Pick<AccountStore, 'putSession'>;
  logins: LoginStore;
  vault: FieldCipher;
  mail: UserMail;
  links: SuspensionLinks;
  clock: Clock;
  shield?: LoginShield;
  duress?: DuressCheck;
  /** The country of the login's IP for the history (A9); unknown without it. */
  geo?: GeoIp;
  /** F4: countries refused at login (settings `restrictedCountries`; the WAF refuses them first in AWS). */
  restrictedCountries?: readonly string[];
  /**
   * G1: the login-risk model. Without it (or when its rows cannot be read) the fixed rules decide: a new
   * network asks for the emailed code, a new device for the link.
   */
  risk?: LoginRiskPort;
  /** G1: where step-up and block decisions are recorded with their score and reasons. */
  audit?: Pick<AuditLog, 'append'>;
}

export type { ClientContext };

export type LoginOutcome =
  | { status: 'authenticated'; tokens: TokenSet }
  | {
      status: 'challenge';
      loginId: string;
      challenge: LoginStep;
      expiresAt: string;
      pending?: boolean;
      pollAfterSeconds?: number;
    };

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const newId = () => randomBytes(24).toString('base64url');

function claimsOf(token: string): { sub: string; origin_jti: string } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  if (typeof payload.sub !== 'string' || typeof payload.origin_jti !== 'string') {
    throw new Error('The identity provider issued a token without sub or origin_jti');
  }
  return payload;
}

const tokensBinding = (loginId: string): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: { pk: `LOGIN#${loginId}`, sk: 'LOGIN' },
  group: 'credentials',
});
/** The same row and group, told apart by the binding: a sealed password never opens as tokens, nor back. */
const passwordBinding = (loginId: string): FieldBinding => ({
  ...tokensBinding(loginId),
  key: { pk: `LOGIN#${loginId}`, sk: 'LOGIN', field: 'password' },
});

/** The client as the directory's risk scoring reads it (Cognito ContextData). */
export function authContextOf(
  client: { ip: string; userAgent?: string | undefined; baseUrl?: string },
  path: string,
) {
  let serverName = '';
  try {
    serverName = client.baseUrl ? new URL(client.baseUrl).host : '';
  } catch {
    serverName = '';
  }
  return { ip: client.ip, userAgent: client.userAgent, serverName, serverPath: path };
}

export class LoginFlow {
  constructor(private readonly ports: LoginPorts) {}

  async start(username: string, password: string, client: ClientContext): Promise<LoginOutcome> {
    const { identity, shield, duress, clock } = this.ports;
    const now = clock.now();
    const attempt: ShieldAttempt = { username, ip: client.ip, deviceId: client.deviceId, now };
    // Jurisdiction first: before any account is looked at, so the answer says nothing about one.
    const country = this.ports.geo?.countryOf(client.ip);
    if (country && this.ports.restrictedCountries?.includes(country)) {
      throw new Forbidden('Palisade is not available in your jurisdiction', 'JURISDICTION');
    }
    // A3: the attempt is counted against the account's bound before its password is checked (atomic), so
    // concurrent guesses cannot pass the 100-failure bound between a check and its count.
    // The user is looked up beside the count (a read of the directory, no password checked): one round trip.
    const lookup = Promise.resolve(identity.getUser(username));
    lookup.catch(() => undefined);
    const network = parseSource(client.ip).network;
    const loginId = newId();
    // Once the shield's counters allow the attempt, beside the account's reserve (and then the password check),
    // not after them: what the login decides with (the device, the risk rows, the NETWORK# row), none of it
    // used or shown before the password has passed, and the duress check (A5; an attempt the reserve then
    // refuses has had its check: its outcome is not told, a match suspends).
    let started: { decided: Promise<LoginFacts | undefined>; duress: Promise<boolean> } | undefined;
    const startChecks = () => {
      if (started) return started;
      const decided = lookup.then(async (found): Promise<LoginFacts | undefined> => {
        if (!found) return undefined;
        const device = this.ports.logins.getDevice(found.userId, client.deviceId);
        const [knownDevice, risk, networkRow] = await Promise.all([
          device,
          this.assessRisk(found.userId, client, country, device.then(Boolean)),
          this.ports.logins.knowsNetwork(found.userId, network),
        ]);
        return { knownDevice: Boolean(knownDevice), risk, networkRow };
      });
      const duressCheck = lookup.then((found) =>
        duress ? duress.check(found?.userId, password, { ip: client.ip, at: now }) : false,
      );
      decided.catch(() => undefined);
      duressCheck.catch(() => undefined);
      started = { decided, duress: duressCheck };
      return started;
    };
    // Nothing started here is left running when the request answers.
    const settled = () => Promise.allSettled(started ? [started.decided, started.duress] : []);
    let verdict: Awaited<ReturnType<LoginShield['check']>> | undefined;
    try {
      verdict = await shield?.check(attempt, { reserve: true, onAllowed: startChecks });
    } catch (err) {
      await settled();
      throw err;
    }
    if (verdict && !verdict.allow) {
      // Refused by the account's reserve after its counters allowed it: the duress check ran, so the attempt
      // counts as a failure for its address and device (the account is at its bound already).
      if (started) await Promise.all([settled(), shield?.recordFailure(attempt, { reserved: true })]);
      throw new TooManyRequests('Too many attempts; try again later', verdict.retryAfterSeconds ?? 1);
    }
    // Started already by the shield's call back; here without a shield, or one that does not call back.
    const { decided, duress: duressChecked } = startChecks();
    const counted = { reserved: verdict?.reserved === true };
    if (verdict?.delayMs)
      await new Promise((resolve) => setTimeout(resolve, Math.min(verdict.delayMs ?? 0, 2000)));

    const user = await lookup;
    // Both checks always run, whatever the user and whichever matches: timing tells nothing.
    const checked = identity
      .passwordAuth(username, password, authContextOf(client, '/v1/auth/login'))
      .catch((err: unknown) => {
        if (err instanceof Unauthorized) return undefined;
        throw err;
      });
    // What the login keeps sealed is sealed as soon as both checks have answered, beside the login's reads,
    // not after them: the password of a TOTP login (a retry asks the identity provider again), the tokens of
    // a login that asks for further proof. The vault adds no round trip of its own.
    const sealed = Promise.all([checked, duressChecked]).then(
      async ([answer, isDuress]): Promise<{ password?: string; tokens?: string }> => {
        if (isDuress) return {};
        if (answer?.kind === 'totp-required')
          return { password: await this.ports.vault.encrypt(passwordBinding(loginId), { password }) };
        const facts = answer?.kind === 'tokens' ? await decided : undefined;
        if (answer?.kind !== 'tokens' || !facts || stepsOf(answer, facts).length === 0) return {};
        return {
          tokens: await this.ports.vault.encrypt(tokensBinding(loginId), { ...toFields(answer.tokens) }),
        };
      },
    );
    sealed.catch(() => undefined);
    const [isDuress, auth] = await Promise.all([duressChecked, checked]);
    if (isDuress || !auth || !user) {
      // A duress password gets exactly the answer to a wrong password (the check has already suspended the
      // account) and the same history entry. An existing user's refusal goes to their history (A9), written
      // beside the shield's count so that it adds no time of its own; an unknown username leaves no trace.
      await Promise.all([
        settled(),
        shield?.recordFailure(attempt, counted),
        user &&
          this.recordRefusal(
            { userId: user.userId, ip: client.ip, deviceId: client.deviceId, userAgent: client.userAgent },
            !isDuress && !user.enabled ? 'account-disabled' : 'password',
          ),
      ]);
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    const facts = (await decided) as LoginFacts;
    const { risk } = facts;
    // Beside the next write, not before it: the audit record adds no round trip of its own.
    const audited = risk ? this.auditRisk(user.userId, loginId, client, risk.summary) : Promise.resolve();
    audited.catch(() => undefined); // awaited below; a failure is not left unhandled meanwhile
    if (risk?.summary.band === 'block') {
      await Promise.all([
        audited,
        this.refuseBlocked(user.userId, loginId, attempt, counted, client, risk.summary),
      ]);
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    const steps = stepsOf(auth, facts);
    const secrets = await sealed;
    const draft: Omit<LoginSession, 'version'> = {
      loginId,
      userId: user.userId,
      username,
      steps,
      ...(auth.kind === 'totp-required'
        ? {
            idpSession: auth.session,
            totpAttemptsLeft: LOGIN_RULES.totpAttempts,
            sealedPassword: secrets.password as string,
          }
        : {}),
      ...(secrets.tokens ? { sealedTokens: secrets.tokens } : {}),
      ip: client.ip,
      network,
      deviceId: client.deviceId,
      ...(client.userAgent ? { userAgent: client.userAgent } : {}),
      ...(risk ? { risk: risk.summary } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LOGIN_RULES.sessionMinutes * 60_000).toISOString(),
    };
    if (auth.kind === 'tokens' && steps.length === 0) {
      // Nothing more to ask: the session is written complete, beside the login's records (no request can
      // answer a login without steps, so there is nothing to claim).
      const at = now.toISOString();
      await audited;
      return this.finish(draft, auth.tokens, client, {
        ...(risk ? { prior: risk } : {}),
        completion: () => this.ports.logins.createSession({ ...draft, completedAt: at }),
      });
    }
    // The first step's code or link is made with the session, in its write; its email goes beside the write.
    const step = steps[0] as LoginStep;
    const first = this.stepMaterial(draft, step, client, now);
    await Promise.all([
      this.ports.logins.createSession({ ...draft, ...first.fields }, first.also),
      audited,
      first.mail && this.email(user.userId, first.mail),
    ]);
    return { status: 'challenge', loginId, challenge: step, expiresAt: draft.expiresAt };
  }

  /** G1: the model's score of this attempt; undefined (the fixed rules decide) without it or its rows. */
  private async assessRisk(
    userId: string,
    client: ClientContext,
    country: string | undefined,
    deviceKnown: Promise<boolean>,
  ): Promise<RiskCheck | undefined> {
    if (!this.ports.risk) return undefined;
    try {
      return await this.ports.risk.assess({
        userId,
        ip: client.ip,
        country,
        asn: this.ports.geo?.asnOf?.(client.ip),
        userAgent: client.userAgent,
        deviceKnown,
      });
    } catch (err) {
      // Fail to the fixed rules (which step up on anything new), never open: the login goes on.
      logger.error('login risk unavailable: the fixed rules decide', { error: err as Error });
      metrics.addMetric(SecurityMetric.LoginRiskUnavailable, MetricUnit.Count, 1);
      return undefined;
    }
  }

  /** G1: a step-up or block decision in the audit log, with its score and top reasons (allow: the history). */
  private async auditRisk(
    userId: string,
    loginId: string,
    client: ClientContext,
    risk: RiskSummary,
  ): Promise<void> {
    if (risk.band === 'allow' || !this.ports.audit) return;
    await this.ports.audit.append({
      actor: { kind: 'user', id: userId },
      action: 'security.login-risk',
      target: { kind: 'user', id: userId },
      outcome: risk.band === 'block' ? 'refused' : 'flagged',
      at: this.ports.clock.now().toISOString(),
      sourceIp: client.ip,
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
      details: {
        loginId,
        band: risk.band,
        score: risk.score,
        reasons: risk.reasons.map((r) => `${r.feature}:${r.value}`).join(','),
      },
    });
  }

  /**
   * G1: the right password from where the model blocks. The client gets the answer to a wrong password (a
   * credential stuffer learns nothing, not even that the password was right); the attempt counts for the bot
   * shield, goes to the history with its reason and score, and the owner is emailed where it came from and
   * what to do.
   */
  private async refuseBlocked(
    userId: string,
    loginId: string,
    attempt: ShieldAttempt,
    counted: { reserved: boolean },
    client: ClientContext,
    risk: RiskSummary,
  ): Promise<void> {
    metrics.addMetric(SecurityMetric.LoginRiskBlocked, MetricUnit.Count, 1);
    const now = this.ports.clock.now();
    const country = this.ports.geo?.countryOf(client.ip);
    await Promise.all([
      this.ports.shield?.recordFailure(attempt, counted),
      this.recordRefusal(
        { userId, loginId, ip: client.ip, deviceId: client.deviceId, userAgent: client.userAgent },
        'risk-blocked',
        risk,
      ),
      this.email(userId, {
        template: 'login-blocked',
        context: {
          at: now.toISOString(),
          ip: client.ip,
          ...(country ? { country } : {}),
          browser: describeBrowser(client.userAgent).slice(0, 256),
        },
      }),
    ]);
  }

  /** Answers the current step of a login; the device step is answered by polling. */
  async answer(
    loginId: string,
    challenge: LoginStep,
    code: string | undefined,
    client: ClientContext,
  ): Promise<LoginOutcome> {
    const session = await this.live(loginId);
    const now = this.ports.clock.now();
    if (session.steps[0] !== challenge)
      throw new Conflict('This is not the current step of the login', 'WRONG_STEP');
    const attempt: ShieldAttempt = {
      username: session.username,
      ip: client.ip,
      deviceId: session.deviceId,
      now,
    };
    switch (challenge) {
      case 'totp':
        return this.answerTotp(session, code, attempt, client);
      case 'ip-code': {
        if (!code || !session.codeHash) throw new Unauthorized('A code is required');
        if (equalHashes(session.codeHash, sha256(`${loginId}:${code}`))) {
          return session.steps.length > 1
            ? this.nextStep(session, {}, ['codeHash', 'codeAttemptsLeft'], client)
            : this.completeSealed(session, client);
        }
        const attemptsLeft = (session.codeAttemptsLeft ?? 0) - 1;
        const next = await this.ports.logins.advance(session, () => ({ codeAttemptsLeft: attemptsLeft }));
        await Promise.all([
          this.ports.shield?.recordFailure(attempt),
          this.recordRefusal(session, 'code-invalid'),
        ]);
        if (attemptsLeft <= 0) {
          await this.end(next);
          throw new TooManyRequests('Too many wrong codes; start the login again', 0);
        }
        throw new Unauthorized('Invalid code');
      }
      case 'device-confirmation': {
        if (!session.deviceConfirmedAt) {
          return {
            status: 'challenge',
            loginId,
            challenge,
            expiresAt: session.expiresAt,
            pending: true,
            pollAfterSeconds: LOGIN_RULES.devicePollSeconds,
          };
        }
        return session.steps.length > 1
          ? this.nextStep(session, {}, [], client)
          : this.completeSealed(session, client);
      }
    }
  }

  /**
   * A2: one try on the TOTP step. The identity provider's challenge answers one code, right or wrong, so a
   * refused code leaves the login alive only through a fresh challenge, asked for with the sealed password
   * (the password itself is never stored in clear, and goes once the step is passed or the login is over).
   * Each try is claimed by a version-conditional update before the code is sent, so two requests at once
   * spend two tries, never one; each refused code is a failure for the bot shield, goes to the history and,
   * the first time in a login, mails the user that someone entered their password. The last refused try
   * ends the login: 429 with `Retry-After: 0` (start again, under the shield), as the emailed code's step.
   */
  private async answerTotp(
    session: LoginSession,
    code: string | undefined,
    attempt: ShieldAttempt,
    client: ClientContext,
  ): Promise<LoginOutcome> {
    const { identity, shield, logins } = this.ports;
    if (!code || !session.idpSession) throw new Unauthorized('A code is required');
    // The shield's verdict (and its growing delay, as before a password: at most 2 s) is awaited beside the
    // signing of the claim below, which is written only once the shield allows the try.
    const allowed = (async () => {
      const verdict = await shield?.check(attempt);
      if (verdict && !verdict.allow) throw new ShieldRefused(verdict.retryAfterSeconds ?? 1);
      if (verdict?.delayMs)
        await new Promise((resolve) => setTimeout(resolve, Math.min(verdict.delayMs ?? 0, 2000)));
    })();
    allowed.catch(() => undefined); // awaited by the claim's write; a refusal is handled there
    const triesLeft = (session.totpAttemptsLeft ?? 1) - 1;
    let claimed: LoginSession;
    try {
      claimed = await logins.advance(session, () => ({ totpAttemptsLeft: triesLeft }), ['idpSession'], {
        after: allowed,
      });
    } catch (err) {
      if (!(err instanceof ShieldRefused)) throw err;
      await this.recordRefusal(session, 'throttled');
      throw new TooManyRequests('Too many attempts; try again later', err.retryAfterSeconds);
    }
    // What completing the login reads is read beside the identity provider's answer.
    const riskRead = claimed.steps.length <= 1 ? this.readAhead(claimed) : undefined;
    let tokens: TokenSet;
    try {
      tokens = await identity.respondToTotp(session.username, session.idpSession, code);
    } catch (err) {
      if (!(err instanceof Unauthorized)) throw err;
      const used = err.code === 'TOTP_CODE_USED';
      await Promise.all([
        shield?.recordFailure(attempt),
        this.recordRefusal(session, used ? 'totp-code-used' : 'totp-invalid'),
      ]);
      const alerted = await this.alertPasswordEntered(claimed);
      if (triesLeft <= 0) {
        await this.end(alerted);
        throw new TooManyRequests('Too many wrong codes; start the login again', 0);
      }
      await this.rearmTotp(alerted, client);
      if (used) throw new Unauthorized('This code was used already; wait for the next one', 'TOTP_CODE_USED');
      throw new Unauthorized('Invalid code');
    }
    if (claimed.steps.length <= 1) {
      // The last step. The claim above took the identity provider's session out of the row: no other request
      // can answer this login, so its completion is written beside its records, not before them.
      const at = this.ports.clock.now().toISOString();
      return this.finish(claimed, tokens, client, {
        ...(riskRead ? { prior: { read: riskRead } } : {}),
        completion: () => logins.advance(claimed, () => ({ completedAt: at, steps: [] }), COMPLETED_REMOVES),
      });
    }
    const sealed = await this.ports.vault.encrypt(tokensBinding(claimed.loginId), { ...toFields(tokens) });
    return this.nextStep(claimed, { sealedTokens: sealed }, ['sealedPassword', 'totpAttemptsLeft'], client);
  }

  /** A fresh challenge of the identity provider for the next TOTP try; the login ends when none is given. */
  private async rearmTotp(session: LoginSession, client: ClientContext): Promise<void> {
    const fresh = session.sealedPassword
      ? await this.ports.vault
          .decrypt(passwordBinding(session.loginId), session.sealedPassword)
          .then(({ password }) =>
            this.ports.identity.passwordAuth(
              session.username,
              password ?? '',
              authContextOf(client, '/v1/auth/challenge'),
            ),
          )
          .catch((err: unknown) => {
            // The password was changed or the account disabled meanwhile: the login cannot go on.
            if (err instanceof Unauthorized || err instanceof Forbidden) return undefined;
            throw err;
          })
      : undefined;
    if (fresh?.kind !== 'totp-required') {
      await this.end(session);
      throw new Unauthorized('Invalid code; start the login again');
    }
    await this.ports.logins.advance(session, () => ({ idpSession: fresh.session }));
  }

  /**
   * A2: the right password was entered but the second factor refused: the user is told, once per login, with
   * where it happened and what to do. The email holds no link (nothing to click that changes anything) and
   * says nothing an attacker holding the password could use: not the code, not what was wrong with it.
   */
  private async alertPasswordEntered(session: LoginSession): Promise<LoginSession> {
    if (session.passwordAlertAt) return session;
    const now = this.ports.clock.now();
    const [next] = await Promise.all([
      this.ports.logins.advance(session, () => ({ passwordAlertAt: now.toISOString() })),
      this.email(session.userId, { template: 'password-entered', context: this.mailContext(session, now) }),
    ]);
    return next;
  }

  /** A9: a refused login of an existing user, with its reason, in their history. */
  private async recordRefusal(
    login: Pick<LoginSession, 'userId' | 'ip' | 'deviceId'> & {
      loginId?: string;
      userAgent?: string | undefined;
    },
    reason: LoginRefusal,
    risk?: RiskSummary,
  ): Promise<void> {
    const country = this.ports.geo?.countryOf(login.ip);
    await this.ports.logins.recordLogin({
      userId: login.userId,
      at: this.ports.clock.now().toISOString(),
      loginId: login.loginId ?? newId(),
      ip: login.ip,
      ...(country ? { country } : {}),
      browser: describeBrowser(login.userAgent),
      deviceId: login.deviceId,
      outcome: 'refused',
      reason,
      ...(risk ? { risk } : {}),
    });
  }

  /** The link of the device-confirmation email, clicked on any device. */
  confirmDevice(token: string): Promise<void> {
    return confirmDevice(this.ports, token);
  }

  private live(loginId: string): Promise<LoginSession> {
    return liveSession(this.ports, loginId);
  }

  private async end(session: LoginSession): Promise<void> {
    await this.ports.logins
      .advance(session, () => ({ completedAt: this.ports.clock.now().toISOString(), steps: [] }), [
        'sealedTokens',
        'idpSession',
        'sealedPassword',
      ])
      .catch((err: unknown) => {
        if (!(err instanceof Conflict)) throw err;
      });
  }

  /**
   * The next step begins, in the write that passes the current one (version-conditional: one winner): its
   * code or link is made in that write, and its email goes beside it.
   */
  private async nextStep(
    session: LoginSession,
    change: Partial<LoginSession>,
    remove: (keyof LoginSession)[],
    client: ClientContext,
  ): Promise<LoginOutcome> {
    const steps = session.steps.slice(1);
    const step = steps[0] as LoginStep;
    const material = this.stepMaterial(session, step, client, this.ports.clock.now());
    const [next] = await Promise.all([
      this.ports.logins.advance(session, () => ({ ...change, steps, ...material.fields }), remove, {
        also: material.also,
      }),
      material.mail && this.email(session.userId, material.mail),
    ]);
    return { status: 'challenge', loginId: next.loginId, challenge: step, expiresAt: next.expiresAt };
  }

  /**
   * The last proof passed, the tokens sealed in the session: the write that passes it also completes the login
   * (the claim: one winner). It is signed while the vault opens the tokens, and written only once it has.
   */
  private async completeSealed(session: LoginSession, client: ClientContext): Promise<LoginOutcome> {
    if (!session.sealedTokens) throw new Error('A login without further steps holds no tokens');
    const opened = this.ports.vault.decrypt(tokensBinding(session.loginId), session.sealedTokens);
    opened.catch(() => undefined);
    const riskRead = this.readAhead(session);
    const at = this.ports.clock.now().toISOString();
    const claimed = await this.ports.logins.advance(
      session,
      () => ({ completedAt: at, steps: [] }),
      COMPLETED_REMOVES,
      { after: opened },
    );
    return this.finish(
      claimed,
      fromFields(await opened),
      client,
      riskRead ? { prior: { read: riskRead } } : {},
    );
  }

  /**
   * What a finishing login reads, started early (beside the request's other calls): the device row (the
   * request's read scope keeps it for rememberDevice, read-scope.ts) and the risk rows (for recordRisk).
   */
  private readAhead(session: LoginSession): Promise<RiskRead> | undefined {
    this.ports.logins.getDevice(session.userId, session.deviceId).catch(() => undefined);
    const read = this.ports.risk?.read?.({
      userId: session.userId,
      ip: session.ip,
      country: this.ports.geo?.countryOf(session.ip),
      asn: this.ports.geo?.asnOf?.(session.ip),
      userAgent: session.userAgent,
    });
    read?.catch(() => undefined);
    return read;
  }

  /** A step's material as the step begins: the emailed code's hash, or the link's hash and row; its email. */
  private stepMaterial(
    session: Pick<LoginSession, 'loginId' | 'ip' | 'userAgent' | 'expiresAt'>,
    step: LoginStep,
    client: ClientContext,
    now: Date,
  ): { fields: Partial<LoginSession>; also: TransactWrite[]; mail?: UserMessage } {
    if (step === 'ip-code') {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      return {
        fields: {
          codeHash: sha256(`${session.loginId}:${code}`),
          codeAttemptsLeft: LOGIN_RULES.codeAttempts,
        },
        also: [],
        mail: {
          template: 'new-ip-code',
          code,
          expiresAt: session.expiresAt,
          context: this.mailContext(session, now),
        },
      };
    }
    if (step === 'device-confirmation') {
      const token = randomBytes(32).toString('base64url');
      const linkHash = sha256(token);
      const expiresAt = new Date(now.getTime() + LOGIN_RULES.deviceLinkMinutes * 60_000).toISOString();
      return {
        fields: { linkHash },
        also: [this.ports.logins.linkWrite(linkHash, session.loginId, expiresAt)],
        mail: {
          template: 'new-device-link',
          context: this.mailContext(session, now),
          confirmUrl: `${client.baseUrl}/v1/auth/device-links/${token}`,
          expiresAt,
        },
      };
    }
    return { fields: {}, also: [] };
  }

  /**
   * The login's records, side by side in one round trip, with its completion (`completion`, when the caller
   * has not written it already) and the login notice with its "this wasn't me" link (A4), handed over beside
   * the link's write. Only one request reaches this for a login: the caller's claim, or a session no other
   * request can answer. A record that fails leaves the notice sent: the directory has issued the tokens, and
   * telling the user of a sign-in is the safe side.
   */
  private async finish(
    session: Omit<LoginSession, 'version'>,
    tokens: TokenSet,
    client: ClientContext,
    options: { prior?: { read: RiskRead | Promise<RiskRead> }; completion?: () => Promise<unknown> } = {},
  ): Promise<LoginOutcome> {
    const now = this.ports.clock.now();
    const at = now.toISOString();
    const claims = claimsOf(tokens.accessToken);
    const browser = describeBrowser(session.userAgent);
    const country = this.ports.geo?.countryOf(session.ip);
    await Promise.all([
      options.completion?.(),
      this.ports.accounts.putSession({
        userId: session.userId,
        sessionId: claims.origin_jti,
        createdAt: at,
        expiresAt: new Date(now.getTime() + userSessionLifetimeMs).toISOString(),
        ip: session.ip,
        ...(session.userAgent ? { userAgent: session.userAgent } : {}),
        deviceId: session.deviceId,
      }),
      this.ports.logins.rememberDevice({
        userId: session.userId,
        deviceId: session.deviceId,
        name: browser,
        addedAt: at,
        lastSeenAt: at,
      }),
      this.ports.logins.rememberNetwork(session.userId, session.network, at),
      this.ports.logins.recordLogin({
        userId: session.userId,
        at,
        loginId: session.loginId,
        ip: session.ip,
        ...(country ? { country } : {}),
        browser,
        deviceId: session.deviceId,
        outcome: 'success',
        sessionId: claims.origin_jti,
        ...(session.risk ? { risk: session.risk } : {}),
      }),
      this.recordRisk(session, country, options.prior),
      this.ports.shield?.recordSuccess({
        username: session.username,
        ip: session.ip,
        deviceId: session.deviceId,
        now,
      }),
      this.ports.links.issueWith(session.userId, (link) =>
        this.email(session.userId, {
          template: 'login-notice',
          context: this.mailContext(session, now),
          reportUrl: `${client.baseUrl}/v1/auth/suspend/${link}`,
          reportExpiresAt: new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString(),
        }),
      ),
    ]);
    return { status: 'authenticated', tokens };
  }

  /**
   * G1: the successful login joins the user's risk history and the population. Advisory data: a failure is
   * logged and counted, and the login (already complete) stands.
   */
  private async recordRisk(
    session: Omit<LoginSession, 'version'>,
    country: string | undefined,
    prior: { read: RiskRead | Promise<RiskRead> } | undefined,
  ): Promise<void> {
    if (!this.ports.risk) return;
    try {
      await this.ports.risk.record(
        {
          userId: session.userId,
          ip: session.ip,
          country,
          asn: this.ports.geo?.asnOf?.(session.ip),
          userAgent: session.userAgent,
        },
        prior,
      );
    } catch (err) {
      logger.error('login risk: the login was not added to the history', { error: err as Error });
      metrics.addMetric(SecurityMetric.LoginRiskUnavailable, MetricUnit.Count, 1);
    }
  }

  /** A templated email (lambdas/kernel/ports/user-mail-contracts.ts): the user-mail function renders and sends it. */
  private email(userId: string, message: UserMessage): Promise<void> {
    return this.ports.mail.send(userId, message);
  }

  /**
   * Where the login happens, as the emails show it (A4, A6, A7): time, IP, country, and the browser with its
   * platform ("Safari 17 on iOS 17", also the device's name on the whitelist). The client's device id is an
   * opaque token, not something a user recognises, so it is not shown.
   */
  private mailContext(session: Pick<LoginSession, 'ip' | 'userAgent'>, at: Date): SignInContextInput {
    const country = this.ports.geo?.countryOf(session.ip);
    return {
      at: at.toISOString(),
      ip: session.ip,
      ...(country ? { country } : {}),
      browser: describeBrowser(session.userAgent).slice(0, 256),
    };
  }
}

type SessionPorts = Pick<LoginPorts, 'logins' | 'clock'>;

async function liveSession(ports: SessionPorts, loginId: string): Promise<LoginSession> {
  const session = await ports.logins.getSession(loginId);
  if (!session || session.completedAt) throw new Gone('This login is over; start again', 'LOGIN_OVER');
  if (Date.parse(session.expiresAt) <= ports.clock.now().getTime()) {
    throw new Gone('This login has expired; start again', 'LOGIN_EXPIRED');
  }
  return session;
}

/**
 * A7: the button of the new-device email's link page (kernel/link-page.ts), pressed on any device, marks the
 * waiting login's device as confirmed; the login's own client then gets its tokens on its next poll. Single
 * use: a second press, or a second of two at once, is refused (LINK_USED). Needs only the login rows.
 */
export async function confirmDevice(ports: SessionPorts, token: string): Promise<void> {
  const link = await ports.logins.getLink(sha256(token));
  if (!link) throw new Gone('This link is not valid', 'LINK_INVALID');
  if (Date.parse(link.expiresAt) <= ports.clock.now().getTime()) {
    throw new Gone('This link has expired', 'LINK_EXPIRED');
  }
  const used = () => new Gone('This link was already used', 'LINK_USED');
  const session = await liveSession(ports, link.loginId);
  if (session.deviceConfirmedAt) throw used();
  try {
    await ports.logins.advance(session, () => ({ deviceConfirmedAt: ports.clock.now().toISOString() }));
  } catch (err) {
    if (err instanceof Conflict) throw used();
    throw err;
  }
}

/** What the login decides its steps with, read beside the password check (LoginFlow.start). */
interface LoginFacts {
  knownDevice: boolean;
  risk: RiskCheck | undefined;
  /** Whether the user's NETWORK# rows (every network ever confirmed) hold the attempt's network. */
  networkRow: boolean;
}

/**
 * The steps after a right password. G1: the band decides whether more proof is asked; which proof is today's:
 * the emailed code for a new network, the link for a new device, the code when both are known. Without the
 * model: the fixed rules (a new network or device steps up). A network the risk history has seen is known.
 */
function stepsOf(auth: { kind: 'tokens' | 'totp-required' }, facts: LoginFacts): LoginStep[] {
  const { risk, knownDevice } = facts;
  const knownNetwork = (risk && (risk.summary.band !== 'step-up' || risk.networkSeen)) || facts.networkRow;
  const stepUp = risk ? risk.summary.band === 'step-up' : !knownNetwork || !knownDevice;
  const proofs: LoginStep[] = !stepUp
    ? []
    : knownNetwork && knownDevice
      ? ['ip-code']
      : [
          ...(knownNetwork ? [] : (['ip-code'] as const)),
          ...(knownDevice ? [] : (['device-confirmation'] as const)),
        ];
  return [...(auth.kind === 'totp-required' ? (['totp'] as const) : []), ...proofs];
}

/** What a completed login's session no longer holds. */
const COMPLETED_REMOVES: (keyof LoginSession)[] = [
  'sealedTokens',
  'idpSession',
  'sealedPassword',
  'totpAttemptsLeft',
  'codeHash',
  'codeAttemptsLeft',
];

/** The bot shield refused a TOTP try (answerTotp): nothing was written. */
class ShieldRefused extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The bot shield refused the try');
  }
}

function equalHashes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function toFields(tokens: TokenSet): Record<string, string> {
  return {
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    expiresInSeconds: String(tokens.expiresInSeconds),
  };
}

function fromFields(fields: Record<string, string>): TokenSet {
  const { accessToken, idToken, refreshToken, expiresInSeconds } = fields;
  if (!accessToken || !idToken) throw new Error('Sealed tokens are incomplete');
  return {
    accessToken,
    idToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresInSeconds: Number(expiresInSeconds),
  };
}
