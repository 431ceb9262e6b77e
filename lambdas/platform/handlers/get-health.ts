// GET /v1/health: public liveness probe.
import * as aws from '../../kernel/aws/infra.js';
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';

export const makeHandler = (ports: { clock: Clock }) =>
  httpHandler({}, async () => ({
    body: { status: 'ok', service: 'palisade', time: ports.clock.now().toISOString() },
  }));

export const handler = lazyHandler(() => makeHandler({ clock: aws.clock }));
