// F3 executors: the closing decisions on a compliance case (dismiss, report), approved by a second compliance
// officer. Through the cases context's work port, idempotent per request (a retry finds the step taken by this
// request); a case whose status no longer allows the step (reopened, closed by another request meanwhile)
// fails the request with CASE_STEP_NOT_ALLOWED, a case gone with CASE_NOT_FOUND.
import { CaseNotFound, CaseStepNotAllowed, type CaseWork } from '../../cases/contracts.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface CaseExecutorPorts {
  caseWork: Pick<CaseWork, 'close'>;
}

const closing =
  (step: 'dismiss' | 'report') =>
  async (ports: CaseExecutorPorts, run: Execution): Promise<ExecutionFacts> => {
    try {
      const closed = await ports.caseWork.close(run.request.target.id, step, {
        requestId: run.request.requestId,
        requesterId: run.request.requesterId,
        approvers: run.request.approvals.map((a) => a.adminId),
        reason: run.request.reason,
      });
      return { caseStatus: closed.status };
    } catch (err) {
      if (err instanceof CaseStepNotAllowed || err instanceof CaseNotFound) {
        throw new ActionFailed(err.code, err.message);
      }
      throw err;
    }
  };

export const dismissCase = closing('dismiss');
export const reportCase = closing('report');
