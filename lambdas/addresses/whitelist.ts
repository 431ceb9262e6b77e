// C1: what adding, confirming and removing a withdrawal address does, over plain values and ports: validation
// per asset, sanctions screening (a hit is stored blocked and recorded for compliance before anything else),
// the confirmation email, and an audit record of each step. Handlers only parse and call these.

import type { SuspensionLinks } from '../account/contracts.js';
import { SUSPENSION_LINK_DAYS } from '../account/contracts.js';
import type { Asset } from '../kernel/assets.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { ValidationError } from '../kernel/errors.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { SignInContextInput } from '../kernel/ports/user-mail.js';
import type { Settings } from '../kernel/settings.js';
import type { AddressScreen, ScreeningActions } from '../screening/contracts.js';
import type { WhitelistedAddress } from './address-book.js';
import { type AddressStore, type CreatedAddress, newAddressId } from './address-store.js';
import type { AddressView } from './contracts.js';
import { checkLabel } from './label.js';
import { checkAddress } from './validate.js';

/**
 * What the user reads when an address is blocked. It says the address cannot be used and nothing about
 * why: no sanctions list, no screening, no review (docs/addresses.md, "What the user is told").
 */
export const BLOCKED_MESSAGE =
  'This address cannot be used for withdrawals. If you believe this is a mistake, contact support.';

interface AuditedPorts {
  /** Each change's audit record (and the confirmation email) is written with the change (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}

export interface AddPorts extends AuditedPorts {
  addresses: Pick<AddressStore, 'create'>;
  /** The sanctions hit's compliance record, written before anything else. */
  audit: Pick<AuditLog, 'append'>;
  /** A4's "this wasn't me" link in the confirmation email: someone else adding an address is a takeover. */
  links: Pick<SuspensionLinks, 'issue'>;
  settings: Pick<Settings, 'addressCoolingHours'>;
  /** F2/C1: the address against the digital-currency addresses of the sanctions lists in force. */
  sanctions: AddressScreen;
  /** F2/C1: the address's screening decision recorded with its list version; a hit opens a case. */
  screening?: Pick<ScreeningActions, 'recordAddressScreening'>;
}

export interface ConfirmPorts extends AuditedPorts {
  addresses: Pick<AddressStore, 'confirm'>;
}

export interface RemovePorts extends AuditedPorts {
  addresses: Pick<AddressStore, 'remove'>;
}

/** Who asks and from where: the caller from the authorizer, the rest from the request. */
export interface Requester {
  userId: string;
  ip: string;
  userAgent?: string;
  requestId: string;
}

/** The request that adds an address also says where the email's links point and what the browser was. */
export interface AddRequester extends Requester {
  /** Readable browser of the request, for the email (`Firefox 128 on Windows`). */
  browser?: string;
  /** The API's public base URL, for the links in the email. */
  baseUrl: string;
}

export const auditSource = (r: Requester) => ({
  sourceIp: r.ip.slice(0, 64),
  ...(r.userAgent ? { userAgent: r.userAgent.slice(0, 512) } : {}),
  requestId: r.requestId,
});

/** The audit record of a step on the caller's own list: the user is actor and target. */
export const addressAudit = (
  userId: string,
  action: string,
  at: string,
  source: ReturnType<typeof auditSource> | Record<string, never>,
  details: Record<string, string>,
): Effect => ({
  kind: 'audit',
  event: {
    actor: { kind: 'user', id: userId },
    action,
    target: { kind: 'user', id: userId },
    outcome: 'success',
    at,
    ...source,
    details,
  },
});

/** The address as the routes show it: masked, never the full destination. */
export function viewOf(a: WhitelistedAddress): AddressView {
  return {
    addressId: a.addressId,
    asset: a.asset,
    addressMasked: a.addressMasked,
    label: a.label,
    status: a.status,
    createdAt: a.createdAt,
    ...(a.confirmedAt ? { confirmedAt: a.confirmedAt } : {}),
    ...(a.usableFrom ? { usableFrom: a.usableFrom } : {}),
    ...(a.removedAt ? { removedAt: a.removedAt } : {}),
    ...(a.selfHosted ? { selfHosted: true } : {}),
    ...(a.ownershipProvenAt ? { ownershipProvenAt: a.ownershipProvenAt } : {}),
  };
}

/**
 * Adds an address to the caller's list. Invalid input is refused before anything is written. A sanctions
 * hit is recorded (flagged audit event) first, so even a refused duplicate leaves the compliance trace, then
 * stored blocked with no email; otherwise the address is pending and the confirmation link is emailed.
 */
export async function addAddress(
  ports: AddPorts,
  requester: AddRequester,
  input: { asset: Asset; address: string; label: string; selfHosted?: boolean | undefined },
): Promise<{ address: WhitelistedAddress; message: string }> {
  const label = checkLabel(input.label);
  const checked = checkAddress(input.asset, input.address);
  if (!checked.ok) {
    throw new ValidationError(
      checked.message,
      [{ path: 'address', message: checked.message }],
      checked.refusal,
    );
  }
  const now = ports.clock.now();
  const addressId = newAddressId();
  // The screening and A4's report link do not wait on each other. The link is issued whatever the screening
  // says: a link row nobody was sent (a blocked address gets no email) is never used and expires.
  const [screened, reportToken] = await Promise.all([
    ports.sanctions.screen(input.asset, checked.address),
    ports.links.issue(requester.userId),
  ]);
  const hit = screened.hit;
  if (hit) {
    await ports.audit.append({
      actor: { kind: 'user', id: requester.userId },
      action: 'compliance.sanctions-hit',
      target: { kind: 'user', id: requester.userId },
      outcome: 'flagged',
      at: now.toISOString(),
      ...auditSource(requester),
      details: {
        context: 'address-whitelist',
        addressId,
        asset: input.asset,
        listing: hit.listing,
        entry: hit.entityId,
        lists: screened.listVersions.map((v) => `${v.list}@${v.version}`).join(','),
      },
    });
  }
  const context: SignInContextInput = {
    at: now.toISOString(),
    ip: requester.ip.slice(0, 64),
    ...(requester.browser ? { browser: requester.browser.slice(0, 256) } : {}),
  };
  // The address, its link, the email and the audit record: written together, the last two done at once or
  // by the outbox's sweeper (kernel/outbox.ts), so an address never waits for an email that never comes.
  const after = ports.outbox.pending<CreatedAddress>(({ address, link }): Effect[] =>
    link
      ? [
          {
            kind: 'mail',
            userId: requester.userId,
            message: {
              template: 'address-confirm',
              asset: address.asset,
              addressMasked: address.addressMasked,
              context,
              confirmUrl: `${requester.baseUrl}/v1/addresses/confirm/${link.token}`,
              expiresAt: link.expiresAt,
              coolingHours: ports.settings.addressCoolingHours,
              reportUrl: `${requester.baseUrl}/v1/auth/suspend/${reportToken}`,
              reportExpiresAt: new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString(),
            },
          },
          addressAudit(requester.userId, 'address.added', now.toISOString(), auditSource(requester), {
            addressId,
            asset: address.asset,
          }),
        ]
      : [],
  );
  const { address, link } = await ports.addresses.create(
    {
      addressId,
      userId: requester.userId,
      asset: input.asset,
      address: checked.address,
      label,
      blocked: hit !== undefined,
      selfHosted: input.selfHosted,
    },
    after,
  );
  // F2/C1: the decision, with the list version, and a case for a hit (nothing of it reaches the customer).
  // Recorded before the email and its audit record go: run together, the two audit appends race on the
  // chain (one retried), which costs more calls than the hops it saves.
  await ports.screening?.recordAddressScreening({
    userId: requester.userId,
    addressId,
    trigger: 'address-added',
    ...(screened.hit ? { hit: screened.hit } : {}),
    listVersions: screened.listVersions,
  });
  if (link) await after.settle();
  if (!link) return { address, message: BLOCKED_MESSAGE };
  return {
    address,
    message:
      'We emailed you a confirmation link. The address can receive withdrawals ' +
      `${ports.settings.addressCoolingHours} hours after you confirm it.`,
  };
}

/** The emailed link: the address becomes active; its cooling period starts now. */
export async function confirmAddress(
  ports: ConfirmPorts,
  token: string,
  source?: Omit<Requester, 'userId'>,
): Promise<WhitelistedAddress> {
  const after = ports.outbox.pending<WhitelistedAddress>((address) => [
    addressAudit(
      address.userId,
      'address.confirmed',
      address.confirmedAt ?? ports.clock.now().toISOString(),
      source ? auditSource({ ...source, userId: address.userId }) : {},
      { addressId: address.addressId, asset: address.asset, usableFrom: address.usableFrom ?? '' },
    ),
  ]);
  const address = await ports.addresses.confirm(token, after);
  await after.settle();
  return address;
}

/** Removing is immediate: withdrawals to the address are refused from this moment. */
export async function removeAddress(
  ports: RemovePorts,
  requester: Requester,
  addressId: string,
): Promise<WhitelistedAddress> {
  const after = ports.outbox.pending<WhitelistedAddress>((address) => [
    addressAudit(
      requester.userId,
      'address.removed',
      address.removedAt ?? ports.clock.now().toISOString(),
      auditSource(requester),
      { addressId, asset: address.asset },
    ),
  ]);
  const address = await ports.addresses.remove(requester.userId, addressId, after);
  await after.settle();
  return address;
}
