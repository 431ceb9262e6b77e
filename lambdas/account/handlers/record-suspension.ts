// Workflow task: marks the account suspended, which also refuses every existing session on its next request
// (suspension.ts; the "this wasn't me" link has recorded it already, and then this changes nothing).

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { suspensionInput } from '../contracts.js';
import { type RecordPorts, recordSuspension } from '../suspension.js';
import { awsAccountOutbox, awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: RecordPorts & { clock: Clock }) =>
  taskHandler(suspensionInput, (input) => recordSuspension(ports, input, ports.clock.now()));

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStore(), outbox: awsAccountOutbox(), clock: aws.clock }),
);
