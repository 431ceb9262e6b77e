// The cases context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances (F3).
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { CaseStore } from './case-store.js';
import { CaseWork } from './case-work.js';
import { IncidentStore, IncidentWork } from './incidents.js';

export const caseStore = (infra: Pick<Infra, 'rows'>) => new CaseStore(infra.rows().tables.accounts);

/** The work on cases, each step written with its audit record (the outbox's audit service only). */
export const caseWork = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new CaseWork({ cases: caseStore(infra), outbox: outboxOf(infra), clock: infra.clock });

export const awsCaseStore = /* @__PURE__ */ once(() => caseStore({ rows: aws.rows }));
export const awsCaseWork = /* @__PURE__ */ once(() => caseWork({ rows: aws.rows, clock: aws.clock }));

/** F6: breach incidents; the work's outbox holds the services its steps use in that function. */
export const incidentStore = (infra: Pick<Infra, 'rows'>) => new IncidentStore(infra.rows().tables.accounts);
export const incidentWork = (
  infra: Pick<Infra, 'rows' | 'clock'>,
  services: Parameters<typeof outboxOf>[1] = {},
) =>
  new IncidentWork({
    incidents: incidentStore(infra),
    outbox: outboxOf(infra, services),
    clock: infra.clock,
  });

/** Opening an incident starts its workflow (the outbox's workflow step). */
export const awsIncidentOpening = /* @__PURE__ */ once(() =>
  incidentWork({ rows: aws.rows, clock: aws.clock }, { workflows: aws.workflows() }),
);
/** Art. 34: the affected users' mail (the outbox's mail step, through the user-mail function). */
export const awsIncidentMailing = /* @__PURE__ */ once(() =>
  incidentWork({ rows: aws.rows, clock: aws.clock }, { mail: aws.userMail() }),
);
/** Filings and the clock: audit records only. */
export const awsIncidentWork = /* @__PURE__ */ once(() => incidentWork({ rows: aws.rows, clock: aws.clock }));
