// Workflow task (C3) ScreenTheWithdrawal: reads the record (it must still be screening, or cancelled by a
// suspension), re-checks the account and the destination, and returns the branch with the review period.

import type { AccountStore } from '../../account/contracts.js';
import type { AddressBook } from '../../addresses/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Settings } from '../../kernel/settings.js';
import { taskHandler } from '../../kernel/task.js';
import type { AddressScreen, ScreeningStore } from '../../screening/contracts.js';
import type { WithdrawalLifecycle } from '../lifecycle.js';
import { screen } from '../screening.js';
import {
  awsAccountStore,
  awsAddressScreen,
  awsAddressStore,
  awsScreeningStore,
  awsWithdrawalLifecycle,
} from '../wiring.js';
import { withdrawalTaskInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get'>;
  accounts: Pick<AccountStore, 'getAccount'>;
  addresses: Pick<AddressBook, 'get'>;
  settings: Pick<Settings, 'withdrawalReviewHours'>;
  screeningStore: Pick<ScreeningStore, 'state'>;
  /** F2: the destination against the sanctions lists in force, once more before the money moves. */
  sanctions: AddressScreen;
}) =>
  taskHandler(withdrawalTaskInput, async ({ userId, withdrawalId }) => {
    const record = await ports.withdrawalLifecycle.get(userId, withdrawalId);
    if (!record) throw new Error(`No withdrawal ${withdrawalId} for user ${userId}`);
    const [account, destination, screening] = await Promise.all([
      ports.accounts.getAccount(userId),
      ports.addresses.get(userId, record.addressId),
      ports.screeningStore.state(userId),
    ]);
    const sanctioned = destination
      ? (await ports.sanctions.screen(destination.asset, destination.address)).hit !== undefined
      : false;
    const outcome = screen({
      record,
      account,
      destination,
      sanctioned,
      screeningFrozen: screening?.frozen === true,
      beneficiaryInReview: record.travelRule !== undefined && destination?.travelRule?.screening === 'case',
    });
    logger.info('withdrawal screened', { withdrawalId, ...outcome });
    return {
      ...outcome,
      // AwaitAnAdminDecision's TimeoutSecondsPath: the review period, in whole seconds.
      reviewTimeoutSeconds: ports.settings.withdrawalReviewHours * 3600,
    };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    accounts: awsAccountStore(),
    addresses: awsAddressStore(),
    settings: aws.settings(),
    screeningStore: awsScreeningStore(),
    sanctions: awsAddressScreen(),
  }),
);
