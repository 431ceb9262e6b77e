// POST /v1/me/withdrawals (C2): a withdrawal request under a required Idempotency-Key, checked, scored and
// handed to the withdrawal workflow (request.ts). 202 with the withdrawal's id and status; never its risk.

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AddressStore, isSanctioned } from '../../addresses/contracts.js';
import { LoginStore } from '../../auth/contracts.js';
import type { Asset } from '../../kernel/assets.js';
import { awsSignedRows } from '../../kernel/aws/tables.js';
import { awsWorkflows } from '../../kernel/aws/workflows.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { envSettings, requireEnv } from '../../kernel/runtime/aws-env.js';
import { SecurityStateStore } from '../../security/contracts.js';
import {
  idempotencyKeyOf,
  type WithdrawalAccepted,
  withdrawalAccepted,
  withdrawalRequest,
} from '../contracts.js';
import { WithdrawalHistory } from '../history.js';
import { idempotencyStore, idempotentPerUser } from '../idempotency.js';
import type { WithdrawalSpeed } from '../record.js';
import { type RequestWithdrawalPorts, requestWithdrawal } from '../request.js';
import { awsAccountStore, awsReauthIdentityProvider, awsWithdrawalLedger } from '../wiring.js';

export interface CreateWithdrawalPorts extends Omit<RequestWithdrawalPorts, 'isSanctioned'> {
  /** Powertools idempotency persistence on the idempotency table. */
  idempotency: BasePersistenceLayer;
  /** The sanctions list check; the shipped list (lambdas/addresses/sanctions.ts) unless a test gives one. */
  isSanctioned?: RequestWithdrawalPorts['isSanctioned'];
}

interface Terms {
  asset: Asset;
  amount: string;
  addressId: string;
  speed: WithdrawalSpeed;
}

export const makeHandler = (ports: CreateWithdrawalPorts) => {
  const request: RequestWithdrawalPorts = { ...ports, isSanctioned: ports.isSanctioned ?? isSanctioned };
  const once = idempotentPerUser(
    ports.idempotency,
    (
      { terms }: { userId: string; idempotencyKey: string; terms: Terms },
      caller: ReturnType<typeof callerOf>,
      credentials: { password: string; code?: string | undefined },
      client: { sourceIp: string },
    ): Promise<WithdrawalAccepted> =>
      requestWithdrawal(request, caller, { ...terms, ...credentials }, client),
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

export const handler = lazyHandler(() => {
  const accounts = awsSignedRows().tables.accounts;
  const settings = envSettings();
  return makeHandler({
    accounts: awsAccountStore(),
    securityState: new SecurityStateStore(accounts),
    addresses: new AddressStore(accounts, { clock: systemClock, settings }),
    identity: awsReauthIdentityProvider(),
    logins: new LoginStore(accounts),
    withdrawalHistory: new WithdrawalHistory(accounts),
    ledger: awsWithdrawalLedger(),
    workflows: awsWorkflows(),
    settings,
    clock: systemClock,
    idempotency: idempotencyStore(requireEnv('IDEMPOTENCY_TABLE')),
  });
});
