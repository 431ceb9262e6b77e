// GET /v1/admin/cases/{caseId}/goaml (F3): a reported case as a suspicious-activity report in the goAML
// structure (lambdas/cases/goaml.ts), answered as JSON holding the XML document. Only a reported case is
// exported (409 CASE_NOT_REPORTED). The subject's personal data comes from the encrypted store (E2: the
// email and phone opened through the vault function), the withdrawals of the evidence from their records and
// the whitelisted destination in full. The `work-cases` capability (compliance); the export is audited as a
// read of personal data in clear, and as a step of the case.

import type { AccountStore } from '../../account/contracts.js';
import type { AddressBook } from '../../addresses/contracts.js';
import { type CaseWork, type GoamlCase, goamlReport } from '../../cases/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { Conflict } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import type { WithdrawalLifecycle } from '../../withdrawals/contracts.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { caseIdOf } from '../case-views.js';
import { adminActor } from '../plane.js';
import {
  awsAccountStoreWithIndex,
  awsAddressBook,
  awsCaseWork,
  awsRefusalEvidence,
  awsWithdrawalLifecycle,
} from '../wiring.js';

export interface ExportCasePorts {
  caseWork: Pick<CaseWork, 'get'>;
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf'>;
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get'>;
  addresses: Pick<AddressBook, 'get'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies' | 'goaml'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

export const makeHandler = (ports: ExportCasePorts) =>
  adminHttpHandler({ permission: 'work-cases' }, ports, {}, async (request, _event, caller) => {
    const found = await ports.caseWork.get(caseIdOf(request.pathParams));
    if (found.status !== 'reported' || !found.report) {
      throw new Conflict(`The case is ${found.status}, not reported`, 'CASE_NOT_REPORTED');
    }
    const userId = found.subject.userId;
    const account = await ports.accounts.getAccount(userId);
    const contact = account ? await ports.accounts.contactOf(account) : undefined;
    const withdrawals = await Promise.all(
      found.evidence
        .filter((e) => e.kind === 'withdrawal')
        .map(async (e) => {
          const record = await ports.withdrawalLifecycle.get(userId, e.id);
          if (!record) return undefined;
          const destination = await ports.addresses.get(userId, record.addressId);
          return {
            id: record.withdrawalId,
            at: record.createdAt,
            asset: record.asset,
            amount: record.amount,
            to: destination?.address ?? record.addressMasked,
            status: record.status,
          };
        }),
    );
    const now = ports.clock.now();
    const goamlCase: GoamlCase = {
      caseId: found.caseId,
      kind: found.kind,
      openedAt: found.openedAt,
      reportedAt: found.report.at,
      reason: found.report.reason,
      action: `Case ${found.caseId} reported after review by ${found.report.requesterId}, approved by ${found.report.approvers.join(', ')}`,
      subject: {
        userId,
        username: account?.username ?? userId,
        // Until KYC brings a verified name, the platform username stands as the last name (docs/cases.md).
        person: {
          firstName: 'UNKNOWN',
          lastName: account?.username ?? userId,
          ...(contact?.email ? { email: contact.email } : {}),
          ...(contact?.phone ? { phone: contact.phone } : {}),
        },
      },
      transactions: withdrawals.filter((w) => w !== undefined),
      indicators: found.signals.map((s) => s.code),
    };
    const { rentityId, currencyLocal, reportingPerson } = ports.settings.goaml;
    const xml = goamlReport({ rentityId, currencyLocal }, reportingPerson, goamlCase, now.toISOString());
    // D5: the export holds personal data in clear: who exported whose, and which case.
    await ports.audit.append({
      actor: adminActor(caller),
      action: 'case.export-goaml',
      target: { kind: 'case', id: found.caseId },
      outcome: 'success',
      at: now.toISOString(),
      sourceIp: request.sourceIp.slice(0, 64),
      requestId: request.requestId,
      details: {
        subject: userId,
        revealed: ['email', 'phone'].filter((f) => contact?.[f as 'email']).join(',') || 'none',
        transactions: goamlCase.transactions.length,
      },
    });
    return {
      body: {
        caseId: found.caseId,
        format: 'goAML',
        fileName: `sar-${found.caseId}.xml`,
        xml,
      },
    };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    caseWork: awsCaseWork(),
    accounts: awsAccountStoreWithIndex(),
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    addresses: awsAddressBook(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
