// `npm run dev:user -- --username alice --email alice@example.com [--phone +441234567890] [--password …]`:
// creates a local user with its account and a session, and prints an access token for /v1/me.
// With `npm start` running it asks that server (POST /_local/dev-users): the server owns the state folder.
// Without one it opens the state folder itself, which the folder lock makes safe against a server starting.
import './env.js';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { type LocalConfig, localConfig } from './config.js';
import { createDevAccount, type DevAccount } from './dev-accounts.js';
import { urlOf } from './listen.js';
import { DEV_USERS_PATH, devUserRequest } from './local-routes.js';
import { LOCAL_TOKEN_HEADER, readLocalToken } from './local-token.js';
import { startLocalRuntime } from './ports.js';

type DevUserRequest = z.infer<typeof devUserRequest>;

async function viaServer(config: LocalConfig, input: DevUserRequest): Promise<DevAccount | undefined> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let response: Response;
  try {
    response = await fetch(`${urlOf(host, config.port)}${DEV_USERS_PATH}`, {
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
    | (DevAccount & { stateDir?: string; error?: { message: string } })
    | undefined;
  if (!response.ok || !body) {
    throw new Error(`The server on port ${config.port} refused: ${body?.error?.message ?? response.status}`);
  }
  if (body.stateDir && body.stateDir !== config.stateDir) {
    console.warn(`Note: the running server keeps its state in ${body.stateDir}`);
  }
  return body;
}

async function direct(config: LocalConfig, input: DevUserRequest): Promise<DevAccount> {
  // No server runs: the folder's waiting workflows are left for the next `npm start` to resume.
  const runtime = await startLocalRuntime({
    stateDir: config.stateDir,
    settings: config.settings,
    resumeWorkflows: false,
  });
  try {
    return await createDevAccount(runtime.ports, input);
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const parsed = z.safeParse(devUserRequest, values);
  if (!parsed.success) {
    console.error(
      'Usage: npm run dev:user -- --username alice --email alice@example.com [--phone +44…] [--password …]',
    );
    process.exit(2);
  }
  const config = localConfig();
  const account = (await viaServer(config, parsed.data)) ?? (await direct(config, parsed.data));
  const url = urlOf(config.host, config.port);
  console.log(
    [
      `Created ${account.username} (userId ${account.userId}, session ${account.sessionId})`,
      ...(parsed.data.password ? [] : [`Password: ${account.password}`]),
      `Access token (valid ${Math.round(account.expiresInSeconds / 60)} minutes):`,
      account.accessToken,
      '',
      `curl -H "Authorization: Bearer ${account.accessToken}" ${url}/v1/me`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
