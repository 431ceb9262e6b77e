// Operator function (F2) BackfillRoster: the roster backfill in AWS, one step per invocation, invoked by hand
// (`npm run screening:backfill -- --aws …`), never by a request or a schedule. `{step: 'page', cursor?}` enrols
// the page's accounts missing from the roster and answers the next page's cursor (a Lambda stops at 15
// minutes, so the caller hands the cursor back until there is none); `{step: 'rescreen'}` then starts the one
// re-screen of the roster. Idempotent: a second run enrols nothing (lambdas/screening/backfill.ts).
import type { AccountStore } from '../../account/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { ListStore } from '../../kernel/ports/list-store.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import { taskHandler } from '../../kernel/task.js';
import { backfillRequest, backfillStep } from '../backfill.js';
import type { ScreeningStore } from '../screening-store.js';
import { awsAccountStore, rosterStore } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: Pick<AccountStore, 'listAccounts'>;
  screeningStore: Pick<ScreeningStore, 'enrolled' | 'enrol'>;
  lists: Pick<ListStore, 'current'>;
  workflows: Pick<Workflows, 'start'>;
  clock: Clock;
}) =>
  taskHandler(backfillRequest, async (request) => {
    const answer = await backfillStep(
      {
        accounts: ports.accounts,
        roster: ports.screeningStore,
        lists: ports.lists,
        workflows: ports.workflows,
      },
      request,
      () => ports.clock.now(),
    );
    // counts and the execution id only: no user ids, no names
    if ('seen' in answer)
      logger.info('roster backfill page', {
        seen: answer.seen,
        enrolledNow: answer.enrolledNow,
        more: answer.next !== undefined,
      });
    else logger.info('roster backfill re-screen', { ...answer });
    return answer;
  });

export const handler = lazyHandler(() =>
  makeHandler({
    accounts: awsAccountStore(),
    // the roster's facts are sealed (E2): the enrolment seals them through the vault
    screeningStore: rosterStore({ rows: aws.rows, clock: aws.clock, vault: aws.vault }),
    lists: aws.lists(),
    workflows: aws.workflows(),
    clock: aws.clock,
  }),
);
