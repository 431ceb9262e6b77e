// POST /v1/me/withdrawals (C2): a withdrawal request under a required Idempotency-Key, checked, scored and
// handed to the withdrawal workflow (request.ts). 202 with the withdrawal's id and status; never its risk.

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Asset } from '../../kernel/assets.js';
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { idempotentPerUser } from '../../kernel/idempotency.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import {
  idempotencyKeyOf,
  type WithdrawalAccepted,
  withdrawalAccepted,
  withdrawalRequest,
} from '../contracts.js';
import type { WithdrawalSpeed } from '../record.js';
import { type RequestWithdrawalPorts, requestWithdrawal } from '../request.js';
import {
  awsAccountStore,
  awsAddressScreen,
  awsAddressStore,
  awsKycLevelLimits,
  awsKycTravelRule,
  awsLoginStore,
  awsScreeningActions,
  awsSecurityState,
  awsWithdrawalHistory,
  awsWithdrawalLedger,
} from '../wiring.js';

export interface CreateWithdrawalPorts extends RequestWithdrawalPorts {
  /** Powertools idempotency persistence on the idempotency table. */
  idempotency: BasePersistenceLayer;
}

interface Terms {
  asset: Asset;
  amount: string;
  addressId: string;
  speed: WithdrawalSpeed;
}

export const makeHandler = (ports: CreateWithdrawalPorts) => {
  const request: RequestWithdrawalPorts = ports;
  const once = idempotentPerUser(
    ports.idempotency,
    (
      { terms }: { userId: string; idempotencyKey: string; terms: Terms },
      caller: ReturnType<typeof callerOf>,
      credentials: { password: string; code?: string | undefined },
      client: { sourceIp: string },
    ): Promise<WithdrawalAccepted> =>
      // One read per row: the limits the request reads are read again by the ledger at the write.
      readOnce(() => requestWithdrawal(request, caller, { ...terms, ...credentials }, client)),
  );
  const http = httpHandler({ body: withdrawalRequest }, async (req, event) => {
    const caller = callerOf(event);
    const idempotencyKey = idempotencyKeyOf(event.headers);
    const { password, code, asset, amount, addressId, speed } = req.body;
    const accepted = await once.run(
      {
        userId: caller.userId,
        idempotencyKey,
        terms: { asset, amount, addressId, speed: speed ?? 'standard' },
      },
      caller,
      { password, code },
      { sourceIp: req.sourceIp },
    );
    return { status: 202, body: withdrawalAccepted.parse(accepted) };
  });
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    once.config.registerLambdaContext(context);
    return http(event, context);
  };
};

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStore(),
    securityState: awsSecurityState(),
    addresses: awsAddressStore(),
    identity: aws.reauthIdentity(),
    logins: awsLoginStore(),
    withdrawalHistory: awsWithdrawalHistory(),
    ledger: awsWithdrawalLedger(),
    workflows: aws.workflows(),
    settings: aws.settings(),
    clock: aws.clock,
    idempotency: aws.idempotency(),
    sanctions: awsAddressScreen(),
    screening: awsScreeningActions(),
    // X4: the user's KYC level decides the daily and monthly limits (kyc/levels.ts effectiveLimits).
    levelLimits: awsKycLevelLimits(),
    // F1: the Travel Rule threshold over the signed price table (kyc/price-table.ts).
    travelRule: awsKycTravelRule(),
  }),
);
