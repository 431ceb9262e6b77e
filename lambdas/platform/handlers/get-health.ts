// GET /v1/health: public liveness probe.
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { type Clock, systemClock } from '../../kernel/ports/clock.js';

export const makeHandler = (ports: { clock: Clock }) =>
  httpHandler({}, async () => ({
    body: { status: 'ok', service: 'palisade', time: ports.clock.now().toISOString() },
  }));

export const handler = lazyHandler(() => makeHandler({ clock: systemClock }));
