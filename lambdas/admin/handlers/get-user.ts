// GET /v1/admin/users/{userId} (D5): a user's account as admins see it. Personal fields are masked unless an
// approved reveal is in force for this admin, this user and that field (and the admin's tiers still may
// reveal it); support and operations see masked data only. Every read, masked or revealed, is audited.

import type { AccountStore } from '../../account/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { holdStatus, type SecurityStateStore } from '../../security/contracts.js';
import type { WithdrawalLedger } from '../../withdrawals/contracts.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { adminUserResponse } from '../contracts.js';
import { readScope } from '../permissions.js';
import { adminActor } from '../plane.js';
import type { RevealGrants } from '../reveal-grants.js';
import {
  awsAccountStoreWithIndex,
  awsRefusalEvidence,
  awsRevealGrants,
  awsSecurityState,
  awsWithdrawalLedger,
} from '../wiring.js';

export interface GetUserPorts {
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf'>;
  revealGrants: Pick<RevealGrants, 'inForce'>;
  securityState: Pick<SecurityStateStore, 'get'>;
  ledger: Pick<WithdrawalLedger, 'overrides'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const makeHandler = (ports: GetUserPorts) =>
  adminHttpHandler({ permission: 'read-users' }, ports, {}, async (request, _event, caller) => {
    // The `accounts` view is checked by the admin middleware; the scope here decides what a reveal may show.
    const scope = readScope(caller.tiers);
    const userId = request.pathParams.userId ?? '';
    const account = USER_ID.test(userId) ? await ports.accounts.getAccount(userId) : undefined;
    if (!account) throw new NotFound('No such user');
    const now = ports.clock.now();
    // A reveal counts only for fields the admin's tiers may still reveal now.
    const granted = await ports.revealGrants.inForce(caller.adminId, userId, now);
    const revealed = [...granted].filter(([field]) => scope.revealable.includes(field));
    const shown = new Set(revealed.map(([field]) => field));
    const contact =
      shown.has('email') || shown.has('phone') ? await ports.accounts.contactOf(account) : undefined;
    const [security, limits] = await Promise.all([
      ports.securityState.get(userId),
      ports.ledger.overrides(userId),
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
    };
    return { body: adminUserResponse.parse(body) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStoreWithIndex(),
    revealGrants: awsRevealGrants(),
    securityState: awsSecurityState(),
    ledger: awsWithdrawalLedger(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
