// F6: the breach-notification workflow's task payload.
import * as z from 'zod/mini';

export const breachTaskInput = z.object({
  incidentId: z.string().check(z.regex(/^inc_[A-Za-z0-9_-]{8,64}$/)),
});
