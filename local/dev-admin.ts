// `npm run dev:admin -- --username alice-admin --tier security [--tier compliance] [--password …]`: creates an
// admin in the local ADMIN pool with those tiers and TOTP provisioned, and prints the password (when made
// here) and the otpauth URI once, to put into an authenticator app. Log in with POST /v1/admin/auth/login and
// /v1/admin/auth/challenge. With `npm start` running it asks that server (POST /_local/dev-admins); without
// one it opens the state folder itself (the folder lock makes that safe against a server starting).
import './env.js';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { type LocalConfig, localConfig } from './config.js';
import { createDevAdmin, type DevAdmin, type DevAdminRequest, devAdminRequest } from './dev-admins.js';
import { urlOf } from './listen.js';
import { DEV_ADMINS_PATH } from './local-routes.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from './local-token.js';
import { startLocalRuntime } from './ports.js';

async function viaServer(config: LocalConfig, input: DevAdminRequest): Promise<DevAdmin | undefined> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let response: Response;
  try {
    response = await fetch(`${urlOf(host, config.port)}${DEV_ADMINS_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [LOCAL_TOKEN_HEADER]: (await readLocalToken(config.stateDir)) ?? '',
      },
      body: JSON.stringify(input),
    });
  } catch {
    return undefined; // Nothing listens: no server owns the state folder.
  }
  const body = (await response.json().catch(() => undefined)) as
    | (DevAdmin & { error?: { message: string } })
    | undefined;
  if (!response.ok || !body) {
    throw new Error(`The server on port ${config.port} refused: ${body?.error?.message ?? response.status}`);
  }
  return body;
}

async function direct(config: LocalConfig, input: DevAdminRequest): Promise<DevAdmin> {
  // No server runs: the folder's waiting workflows are left for the next `npm start` to resume.
  const runtime = await startLocalRuntime({
    stateDir: config.stateDir,
    settings: config.settings,
    resumeWorkflows: false,
  });
  try {
    return await createDevAdmin(runtime.ports, input);
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      tier: { type: 'string', multiple: true },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const { tier, ...rest } = values;
  const parsed = z.safeParse(devAdminRequest, { ...rest, tiers: tier ?? [] });
  if (!parsed.success) {
    console.error(
      'Usage: npm run dev:admin -- --username alice-admin --tier security [--tier compliance] [--password …]\n' +
        'Tiers: support, operations, compliance, security, superadmin',
    );
    process.exit(2);
  }
  const config = localConfig();
  const admin = (await viaServer(config, parsed.data)) ?? (await direct(config, parsed.data));
  const url = urlOf(config.host, config.port);
  console.log(
    [
      `Created admin ${admin.username} (adminId ${admin.adminId}, tiers ${admin.tiers.join(', ')})`,
      ...(parsed.data.password ? [] : [`Password: ${admin.password}`]),
      'Authenticator (shown once; TOTP is required at every admin login):',
      admin.otpauthUri,
      '',
      `curl -X POST -H 'content-type: application/json' -d '{"username":"${admin.username}","password":"…"}' ${url}/v1/admin/auth/login`,
      `curl -X POST -H 'content-type: application/json' -d '{"loginId":"…","code":"123456"}' ${url}/v1/admin/auth/challenge`,
      `curl -H "Authorization: Bearer <accessToken>" ${url}/v1/admin/me`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
