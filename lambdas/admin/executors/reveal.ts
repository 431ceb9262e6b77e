// D5 executor: an approved reveal becomes a grant for the admin who asked for it, on that user and those
// fields, for the approved window from the execution on. The read route consults it before unmasking.
import type { PersonalField } from '../permissions.js';
import type { RevealGrants } from '../reveal-grants.js';
import type { Execution, ExecutionFacts } from './types.js';

export interface RevealExecutorPorts {
  revealGrants: Pick<RevealGrants, 'grant'>;
}

export async function revealPersonalData(
  ports: RevealExecutorPorts,
  run: Execution,
): Promise<ExecutionFacts> {
  const { fields, windowMinutes } = run.parameters as { fields: PersonalField[]; windowMinutes: number };
  const { grant } = await ports.revealGrants.grant({
    adminId: run.request.requesterId,
    userId: run.request.target.id,
    requestId: run.request.requestId,
    fields: [...fields],
    grantedAt: run.at.toISOString(),
    until: new Date(run.at.getTime() + windowMinutes * 60_000).toISOString(),
  });
  return { grantee: grant.adminId, fields: grant.fields.join(','), until: grant.until };
}
