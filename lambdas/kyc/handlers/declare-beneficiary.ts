// PUT /v1/me/addresses/{addressId}/beneficiary (F1, the Travel Rule): who receives what the caller sends to one of
// their withdrawal addresses. Screened by name (F2, the matcher: this function only), the IVMS101 payload built
// from the caller's KYC person data and sealed by the vault (E2), kept with the address; withdrawals at or above
// the threshold copy it into their record. 200 with the name masked; nothing of it is logged.

import { addressIdParam } from '../../addresses/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import { type DeclareBeneficiaryPorts, declareBeneficiary } from '../beneficiary.js';
import { type BeneficiaryDeclaredView, beneficiaryDeclarationBody } from '../contracts.js';
import {
  awsAddressAuditOutbox,
  awsAddressTravelRules,
  awsKycPersonReader,
  awsScreeningWork,
  KYC_CONFIG,
} from '../wiring.js';

export const makeHandler = (ports: Omit<DeclareBeneficiaryPorts, 'config'>) =>
  httpHandler({ body: beneficiaryDeclarationBody }, async (request, event) => {
    const caller = callerOf(event);
    const { addressId } = parseWith(addressIdParam, request.pathParams, 'address id');
    const body: BeneficiaryDeclaredView = await declareBeneficiary(
      { ...ports, config: KYC_CONFIG },
      { userId: caller.userId, sourceIp: request.sourceIp, requestId: request.requestId },
      addressId,
      request.body.beneficiary,
    );
    return { body };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    travelRules: awsAddressTravelRules(),
    kycPerson: awsKycPersonReader(),
    screening: awsScreeningWork(),
    vault: aws.vault(),
    outbox: awsAddressAuditOutbox(),
    clock: aws.clock,
  }),
);
