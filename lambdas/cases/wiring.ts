// The cases context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances (F3).
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { CaseStore } from './case-store.js';
import { CaseWork } from './case-work.js';

export const caseStore = (infra: Pick<Infra, 'rows'>) => new CaseStore(infra.rows().tables.accounts);

/** The work on cases, each step written with its audit record (the outbox's audit service only). */
export const caseWork = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new CaseWork({ cases: caseStore(infra), outbox: outboxOf(infra), clock: infra.clock });

export const awsCaseStore = /* @__PURE__ */ once(() => caseStore({ rows: aws.rows }));
export const awsCaseWork = /* @__PURE__ */ once(() => caseWork({ rows: aws.rows, clock: aws.clock }));
