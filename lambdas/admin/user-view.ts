// D5: a user's account as admins see it (GET /v1/admin/users/{userId}; a username is resolved to the id first
// by GET /v1/admin/users?username=…): one view, one audit record per read. Personal fields are masked unless an
// approved reveal is in force for this admin, this user and that field (and the admin's tiers still may reveal
// it); support and operations see masked data only. Every read, masked or revealed, is audited, with how the
// user was found. Besides the profile: the live sessions, the whitelisted devices, the newest logins (source
// addresses masked), the hold and the last security change, the withdrawal limits and the KYC level (read only).
// F2: for the tiers holding the `cases` view (compliance) the user's screening too: the freeze, the PEP status
// and the newest decisions with their case; other tiers (support takes the customer's calls) never see it
// (tipping-off, docs/screening.md).

import { type Account, type AccountStore, isLive } from '../account/contracts.js';
import type { LoginStore } from '../auth/contracts.js';
import type { CaseStore } from '../cases/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { describeBrowser } from '../kernel/client-description.js';
import type { AdminCaller, HttpRequest } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import { maskIpsIn } from '../kernel/privacy/mask.js';
import type { Settings } from '../kernel/settings.js';
import {
  type DecisionSummary,
  pepStatusOf,
  type ScreeningState,
  type ScreeningStore,
} from '../screening/contracts.js';
import { holdStatus, type SecurityStateStore } from '../security/contracts.js';
import type { WithdrawalLedger } from '../withdrawals/contracts.js';
import type { AdminRoutePorts } from './admin-route.js';
import { type AdminScreeningDecision, type AdminUserResponse, adminUserResponse } from './contracts.js';
import { readScope } from './permissions.js';
import { adminActor } from './plane.js';
import type { RevealGrants } from './reveal-grants.js';

export interface UserViewPorts {
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf' | 'listSessions'>;
  logins: Pick<LoginStore, 'listLogins' | 'listDevices'>;
  /** F1/X4: the KYC record, read for its level only (never its sealed person data). */
  kyc: {
    get(userId: string): Promise<{ level: string; refreshDueAt?: string; updatedAt: string } | undefined>;
  };
  revealGrants: Pick<RevealGrants, 'inForce'>;
  securityState: Pick<SecurityStateStore, 'get'>;
  ledger: Pick<WithdrawalLedger, 'overrides'>;
  screeningStore: Pick<ScreeningStore, 'recentDecisions' | 'state' | 'latestCustomerDecision'>;
  cases: Pick<CaseStore, 'bySource'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** The decisions the view shows (newest first). */
export const SCREENING_DECISIONS_SHOWN = 10;
/** The logins the view shows (newest first). */
export const ADMIN_LOGINS_SHOWN = 10;

export const isUserId = (id: string): boolean => USER_ID.test(id);

const maskIp = (ip: string | undefined) => (ip ? maskIpsIn(ip) : undefined);

/** F2: the user's screening as compliance sees it: the freeze, the PEP status, the newest decisions. */
async function screeningOf(ports: Pick<UserViewPorts, 'screeningStore' | 'cases'>, userId: string) {
  const [state, decisions, pep] = await Promise.all([
    ports.screeningStore.state(userId),
    ports.screeningStore.recentDecisions(userId, SCREENING_DECISIONS_SHOWN),
    pepStatusOf(ports.screeningStore, userId),
  ]);
  const caseIds = await Promise.all(
    decisions.map((d) =>
      d.action === 'block' || d.action === 'case' || d.action === 'edd'
        ? ports.cases.bySource({ kind: 'screening', id: d.decisionId })
        : undefined,
    ),
  );
  return {
    state: stateView(state),
    pep: pep.status,
    decisions: decisions.map((d, i) => decisionView(d, caseIds[i])),
  };
}

const stateView = (s: ScreeningState | undefined) => ({
  frozen: s?.frozen ?? false,
  ...(s?.decisionId ? { decisionId: s.decisionId } : {}),
  ...(s?.caseId ? { caseId: s.caseId } : {}),
  ...(s?.frozenAt ? { frozenAt: s.frozenAt } : {}),
  ...(s?.liftedAt ? { liftedAt: s.liftedAt } : {}),
});

const decisionView = (d: DecisionSummary, caseId: string | undefined): AdminScreeningDecision => ({
  decisionId: d.decisionId,
  at: d.at,
  subject: d.subject.kind,
  ...(d.subject.kind === 'address' ? { addressId: d.subject.addressId } : {}),
  trigger: d.trigger,
  band: d.band,
  action: d.action,
  reason: d.reason,
  lists: d.listVersions.map((v) => ({ list: v.list, version: v.version })),
  ...(caseId ? { caseId } : {}),
  frozen: d.subject.kind === 'customer' && d.action === 'block',
  ...(d.pep ? { pep: { flagged: d.pep.flagged, roles: [...d.pep.roles] } } : {}),
  hits: d.hits.map((h) => ({
    entityId: h.entityId,
    list: h.list,
    matchedName: h.matchedName,
    score: h.score,
    category: h.category,
    ...(h.pepRoles ? { pepRoles: [...h.pepRoles] } : {}),
  })),
});

/** The view of `account` for `caller`, its read audited first (D5). */
export async function userView(
  ports: UserViewPorts,
  request: HttpRequest<unknown, unknown>,
  caller: AdminCaller,
  account: Account,
): Promise<AdminUserResponse> {
  // The `accounts` view is checked by the admin middleware; the scope here decides what a reveal may show.
  const scope = readScope(caller.tiers);
  const userId = account.userId;
  const now = ports.clock.now();
  // A reveal counts only for fields the admin's tiers may still reveal now.
  const granted = await ports.revealGrants.inForce(caller.adminId, userId, now);
  const revealed = [...granted].filter(([field]) => scope.revealable.includes(field));
  const shown = new Set(revealed.map(([field]) => field));
  const contact =
    shown.has('email') || shown.has('phone') ? await ports.accounts.contactOf(account) : undefined;
  // F2: screening only for the tiers that work compliance cases (never support: tipping-off)
  const showScreening = scope.views.includes('cases');
  const [security, limits, screening, sessions, devices, logins, kyc] = await Promise.all([
    ports.securityState.get(userId),
    ports.ledger.overrides(userId),
    showScreening ? screeningOf(ports, userId) : undefined,
    ports.accounts.listSessions(userId),
    ports.logins.listDevices(userId),
    ports.logins.listLogins(userId, { limit: ADMIN_LOGINS_SHOWN }),
    ports.kyc.get(userId),
  ]);
  // D5: the read itself is evidence, masked or not: who read whose personal data, which fields in clear.
  await ports.audit.append({
    actor: adminActor(caller),
    action: 'admin.read-personal-data',
    target: { kind: 'user', id: userId },
    outcome: 'success',
    at: now.toISOString(),
    sourceIp: request.sourceIp.slice(0, 64),
    requestId: request.requestId,
    details: {
      view: 'accounts',
      masked: ['email', 'phone'].filter((f) => !shown.has(f as 'email')).join(',') || 'none',
      revealed: [...shown].join(',') || 'none',
      ...(screening ? { screeningDecisions: screening.decisions.length } : {}),
    },
  });
  const phone = shown.has('phone') ? contact?.phone : account.phoneMasked;
  const body = {
    userId: account.userId,
    username: account.username,
    status: account.status,
    createdAt: account.createdAt,
    ...(account.suspendedAt ? { suspendedAt: account.suspendedAt } : {}),
    ...(account.suspensionReason ? { suspensionReason: account.suspensionReason } : {}),
    email: shown.has('email') && contact ? contact.email : account.emailMasked,
    ...(phone ? { phone } : {}),
    revealed: revealed.map(([field, until]) => ({ field, until })),
    hold: holdStatus(security, now),
    ...(Object.keys(limits).length > 0
      ? {
          withdrawalLimits: Object.fromEntries(
            Object.entries(limits).map(([asset, l]) => [
              asset,
              { daily: l.daily, monthly: l.monthly, setAt: l.setAt },
            ]),
          ),
        }
      : {}),
    ...(screening ? { screening } : {}),
    sessions: sessions
      .filter((s) => isLive(s, account, now))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((s) => ({
        sessionId: s.sessionId,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        ...(s.ip ? { ip: maskIp(s.ip) } : {}),
        device: describeBrowser(s.userAgent),
      })),
    devices: [...devices]
      .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt))
      // Never the device id: the client holds it as a factor of its logins (a known device skips the link).
      .map(({ name, addedAt, lastSeenAt }) => ({ name, addedAt, lastSeenAt })),
    logins: logins.logins.map((l) => ({
      at: l.at,
      ip: maskIpsIn(l.ip),
      ...(l.country ? { country: l.country } : {}),
      browser: l.browser,
      outcome: l.outcome,
      ...(l.reason ? { reason: l.reason } : {}),
    })),
    ...(security?.lastChange ? { lastSecurityChange: security.lastChange } : {}),
    ...(kyc
      ? {
          kyc: {
            level: kyc.level,
            ...(kyc.refreshDueAt ? { refreshDueAt: kyc.refreshDueAt } : {}),
            updatedAt: kyc.updatedAt,
          },
        }
      : {}),
  };
  return adminUserResponse.parse(body);
}
