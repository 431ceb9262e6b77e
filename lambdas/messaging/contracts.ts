// A message to a user, by user id: the sending function looks the address up (through the vault), so the
// functions that decide to write to a user never hold the address themselves.
import * as z from 'zod/mini';

export const userMailRequest = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  subject: z.string().check(z.minLength(1), z.maxLength(200)),
  text: z.string().check(z.minLength(1), z.maxLength(20_000)),
});
export type UserMailRequest = z.infer<typeof userMailRequest>;
