// `npm start`: the local cloud on PORT (default 3000), printing where everything is, stopping cleanly on
// Ctrl-C or SIGTERM (gateway, workflows, dynalite, SES emulator, state-folder lock).
import './env.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OUTBOX_SWEEP_MINUTES } from '../lambdas/kernel/outbox.js';
import { AUDIT_CHECKPOINT_MINUTES } from '../lambdas/platform/routes.js';
import { CHECKPOINT_FILE } from './adapters/checkpoint-store.js';
import { startLocalCloud } from './cloud.js';
import { localConfig } from './config.js';
import { CONSOLE_DIST, CONSOLE_PATH } from './console-page.js';
import { DOCS_PATH } from './docs-page.js';
import { DEV_USERS_PATH, jwksPath, OUTBOX_PATH } from './local-routes.js';
import { LOCAL_TOKEN_HEADER } from './local-token.js';
import { assertLambdaNode } from './node-runtime.js';

async function main(): Promise<void> {
  assertLambdaNode('The local cloud');
  const started = performance.now();
  const config = localConfig();
  // X5: `npm ci && npm start` serves the admin console too — a fresh clone has no console/dist, so the first
  // start builds it (a few seconds; `npm run build:console` rebuilds it after a change).
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    console.log('Building the admin console (console/dist is missing)…');
    const { build } = await import('vite');
    await build({ configFile: join(CONSOLE_DIST, '..', 'vite.config.ts'), logLevel: 'warn' });
  }
  const cloud = await startLocalCloud({
    stateDir: config.stateDir,
    port: config.port,
    host: config.host,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    settings: config.settings,
    corsOrigins: config.corsOrigins,
    log: (line, error) => (error ? console.error(line, error) : console.log(line)),
  });
  const { url } = cloud;
  console.log(
    [
      `Palisade local cloud ready in ${Math.round(performance.now() - started)} ms`,
      `  API       ${url}/v1/health`,
      `  Links     ${cloud.publicUrl}   (where emailed links point: PALISADE_PUBLIC_URL, else this server)`,
      `  OpenAPI   ${url}/openapi.json   (read it in a browser: ${url}${DOCS_PATH})`,
      `  Console   ${url}${CONSOLE_PATH}/   (the admin console; sign in as a dev admin: npm run dev:admin)`,
      `  CORS      ${config.corsOrigins.length > 0 ? config.corsOrigins.join(', ') : 'no web origin (PALISADE_CORS_ORIGINS)'}`,
      `  Outbox    ${url}${OUTBOX_PATH}   (emails and SMS; each email's raw MIME at its eml link)`,
      `  Mailbox   ${cloud.runtime.mailboxUrl}   (the SES emulator's viewer)`,
      `  JWKS      ${url}${jwksPath(cloud.runtime.pool.userPoolId)}`,
      `  Dev users POST ${url}${DEV_USERS_PATH}, or: npm run dev:user -- --username alice --email alice@example.com`,
      `  State     ${config.stateDir}`,
      `  Audit     checkpoints every ${AUDIT_CHECKPOINT_MINUTES} min and at stop in ${CHECKPOINT_FILE}; npm run audit:verify`,
      `  Steps     a request's follow-up steps that failed are retried every ${OUTBOX_SWEEP_MINUTES} min and at start (the outbox)`,
      `  Local routes (/_local/*) need the header ${LOCAL_TOKEN_HEADER}: ${cloud.localToken}`,
      "            (also in the state folder's local-token; the dev commands read it there)",
      'Ctrl-C to stop.',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    cloud.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Stopped with an error:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
