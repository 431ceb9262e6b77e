// Request and response shapes of the platform routes; read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

export const healthResponse = z.object({
  status: z.literal('ok'),
  service: z.literal('palisade'),
  time: z.iso.datetime(),
});
