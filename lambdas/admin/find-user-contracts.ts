// D5: `GET /v1/admin/users?username=…`: which user a username names (the user directory's user → the account),
// the name by the sign-up's rule. Its own module: contracts.ts is read by the console's types, which take no
// auth module.
import * as z from 'zod/mini';
import { username } from '../auth/contracts.js';

export const findUserQuery = z.object({ username });

export const foundUserResponse = z.object({
  userId: z.string(),
  username: z.string(),
  status: z.enum(['active', 'suspended', 'closed']),
});
export type FoundUserResponse = z.infer<typeof foundUserResponse>;
