// Dev-only: creates an admin in the local admin pool with its tiers (groups) and TOTP provisioned at once
// (the admin pool requires TOTP and its login never enrols one): the otpauth URI goes into an authenticator.
// Used by `npm run dev:admin`, the local route behind it and the e2e tests (test/support/admin-client.ts).
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { ADMIN_TIERS } from '../lambdas/kernel/settings.js';
import type { LocalIdentityProvider } from './adapters/identity-provider.js';

export const devAdminRequest = z.object({
  username: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]$/)),
  tiers: z.array(z.enum(ADMIN_TIERS)).check(z.minLength(1)),
  email: z.optional(z.string().check(z.minLength(3), z.maxLength(254))),
  password: z.optional(z.string().check(z.minLength(12), z.maxLength(256))),
});
export type DevAdminRequest = z.infer<typeof devAdminRequest>;

export interface DevAdmin {
  adminId: string;
  username: string;
  tiers: string[];
  password: string;
  totpSecret: string;
  otpauthUri: string;
}

export async function createDevAdmin(
  ports: { adminIdentity: LocalIdentityProvider },
  input: DevAdminRequest,
): Promise<DevAdmin> {
  const password = input.password ?? randomBytes(18).toString('base64url');
  const { userId } = await ports.adminIdentity.createUser({
    username: input.username,
    email: input.email ?? `${input.username}@admins.palisade.local`,
    password,
  });
  for (const tier of input.tiers) await ports.adminIdentity.addToGroup(input.username, tier);
  const { secret } = await ports.adminIdentity.provisionTotp(input.username);
  return {
    adminId: userId,
    username: input.username,
    tiers: [...input.tiers],
    password,
    totpSecret: secret,
    otpauthUri: `otpauth://totp/${encodeURIComponent(`Palisade admin:${input.username}`)}?secret=${secret}&issuer=${encodeURIComponent('Palisade admin')}`,
  };
}
