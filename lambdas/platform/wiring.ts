// The platform context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances:
// the audit checkpoint writer (D3). Its own module, so only the checkpoint function's bundle holds the S3
// client: no route (the login functions are at the size budget) imports it.
import { CheckpointWriter } from '../kernel/audit/checkpoint-writer.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';

export const auditCheckpointWriter = (infra: Pick<Infra, 'rows' | 'keys' | 'checkpoints' | 'clock'>) =>
  new CheckpointWriter(infra.rows().audit, infra.keys(), infra.checkpoints(), infra.clock);

export const awsAuditCheckpointWriter = /* @__PURE__ */ once(() =>
  auditCheckpointWriter({ rows: aws.rows, keys: aws.keys, checkpoints: aws.checkpoints, clock: aws.clock }),
);

/** The outbox with every service its steps may use: the sweeper's (kernel/outbox.ts). */
export const outboxSweeper = (infra: Pick<Infra, 'rows' | 'clock' | 'userMail' | 'workflows'>) =>
  outboxOf(infra, { mail: infra.userMail(), workflows: infra.workflows() });

export const awsOutboxSweeper = /* @__PURE__ */ once(() =>
  outboxSweeper({ rows: aws.rows, clock: aws.clock, userMail: aws.userMail, workflows: aws.workflows }),
);
