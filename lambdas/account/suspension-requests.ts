// Starting the account-suspension workflow (A4, A5, the admin plane): one execution per request, named so a
// retried request does not start a second one.
import type { Workflows } from '../kernel/ports/workflows.js';
import type { SuspensionInput } from './contracts.js';

export interface SuspensionRequests {
  request(userId: string, reason: SuspensionInput['reason'], requestedAt: string): Promise<void>;
}

export function workflowSuspensions(workflows: Pick<Workflows, 'start'>): SuspensionRequests {
  return {
    async request(userId, reason, requestedAt) {
      const stamp = requestedAt.replace(/[^0-9]/g, '');
      await workflows.start(
        'account-suspension',
        { userId, reason, requestedAt },
        `${reason}-${userId}-${stamp}`.slice(0, 80),
      );
    },
  };
}
