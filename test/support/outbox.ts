// An outbox for tests over in-memory stores: the steps a store's write hands it (`writes`) are done by
// `settle()` against the given services, as the real one does after its transaction (kernel/outbox.ts).
import type { AuditLog } from '../../lambdas/kernel/audit/audit-log.js';
import type { Effect, Outbox, PendingEffects } from '../../lambdas/kernel/outbox.js';
import type { UserMail } from '../../lambdas/kernel/ports/user-mail.js';
import type { Workflows } from '../../lambdas/kernel/ports/workflows.js';

export function memoryOutbox(services: {
  audit?: Pick<AuditLog, 'append'>;
  mail?: Pick<UserMail, 'send'>;
  workflows?: Pick<Workflows, 'start'>;
}): Pick<Outbox, 'pending'> {
  return {
    pending<T>(of: (row: T) => readonly Effect[]) {
      let steps: readonly Effect[] = [];
      return {
        writes: (row: T) => {
          steps = of(row);
          return [];
        },
        async settle() {
          const due = steps;
          steps = [];
          for (const step of due) {
            if (step.kind === 'audit') await services.audit?.append(step.event);
            else if (step.kind === 'mail') await services.mail?.send(step.userId, step.message);
            else await services.workflows?.start(step.workflow, step.input, step.name);
          }
        },
      } as unknown as PendingEffects<T>;
    },
  };
}
