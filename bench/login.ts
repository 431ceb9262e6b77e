// The login's cost (A1–A9 benchmark): complete logins (password, then TOTP) through the local gateway, as
// requests per second and process CPU per login, against GET /v1/health through the same gateway in the same
// run. Everything runs in this one process (gateway, handlers, dynalite, key service), so the CPU figure is
// the whole local backend's work for a login, I/O waits excluded; the ratio to a health request is what
// carries over to other machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type LocalCloud, startLocalCloud } from '../local/cloud.js';
import { LOCAL_TOKEN_HEADER } from '../local/local-token.js';
import type { Verdict } from './budgets.js';

const LOGINS = 40;
/**
 * The virtual time between two logins. Far enough apart that the risk model's velocity (G1: logins in the last
 * hour against the user's usual rate) stays under its step-up: 40 logins 30 s apart are a burst it rightly
 * asks proof for, whether they cross it depended on the hour of day the bench ran.
 */
const SPACING_S = 600;
const HEALTH_CALLS = 400;
const PASSWORD = 'correct horse battery staple';
const DEVICE = 'bench-device-0001';

export interface LoginBench {
  logins: number;
  loginsPerSecond: number;
  cpuMsPerLogin: number;
  healthPerSecond: number;
  cpuMsPerHealth: number;
}

async function timed(run: () => Promise<void>): Promise<{ seconds: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuMs: (used.user + used.system) / 1000 };
}

async function post(cloud: LocalCloud, path: string, body: unknown, token?: string) {
  const response = await fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function mailText(cloud: LocalCloud, subject: RegExp): Promise<string> {
  const outbox = (await (
    await fetch(`${cloud.url}/_local/outbox`, { headers: { [LOCAL_TOKEN_HEADER]: cloud.localToken } })
  ).json()) as {
    emails: { subject: string; text?: string }[];
  };
  return outbox.emails.filter((e) => subject.test(e.subject)).at(-1)?.text ?? '';
}

export async function runLoginBench(): Promise<LoginBench> {
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-login-'));
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  try {
    // The local-only routes ask for the per-start token (docs/threat-model.md, class 7).
    const created = await fetch(`${cloud.url}/_local/dev-users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LOCAL_TOKEN_HEADER]: cloud.localToken },
      body: JSON.stringify({ username: 'bench', email: 'bench@example.com', password: PASSWORD }),
    });
    const user = (await created.json()) as { accessToken: string };
    // The device and network become known through one full first login.
    const first = await post(cloud, '/v1/auth/login', {
      username: 'bench',
      password: PASSWORD,
      deviceId: DEVICE,
    });
    const code = /\b(\d{6})\b/.exec(await mailText(cloud, /login code/i))?.[1];
    await post(cloud, '/v1/auth/challenge', { loginId: first.loginId, challenge: 'ip-code', code });
    // The device link's action, as an app sends it: the link's token as JSON.
    const token = /\/v1\/auth\/device-links\/([A-Za-z0-9_-]+)/.exec(
      await mailText(cloud, /new device/i),
    )?.[1];
    await post(cloud, '/v1/auth/device-links', { token });
    await post(cloud, '/v1/auth/challenge', { loginId: first.loginId, challenge: 'device-confirmation' });
    // TOTP on: every login below is password + code.
    const { secret } = await cloud.ports.identity.beginTotpEnrolment(user.accessToken);
    await cloud.ports.identity.confirmTotpEnrolment(
      user.accessToken,
      await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }),
    );
    // Codes of later time steps, made before the clock starts: each login spends a fresh one.
    const codes: string[] = [];
    for (let i = 1; i <= LOGINS + 1; i++) {
      codes.push(await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + SPACING_S * i }));
    }

    const health = await timed(async () => {
      for (let i = 0; i < HEALTH_CALLS; i++) await (await fetch(`${cloud.url}/v1/health`)).arrayBuffer();
    });
    const logins = await timed(async () => {
      for (let i = 0; i < LOGINS; i++) {
        offsetMs += SPACING_S * 1000;
        const started = await post(cloud, '/v1/auth/login', {
          username: 'bench',
          password: PASSWORD,
          deviceId: DEVICE,
        });
        const done = await post(cloud, '/v1/auth/challenge', {
          loginId: started.loginId,
          challenge: 'totp',
          code: codes[i],
        });
        if (done.status !== 'authenticated')
          throw new Error(`login ${i} did not complete: ${JSON.stringify(done)}`);
      }
    });
    return {
      logins: LOGINS,
      loginsPerSecond: LOGINS / logins.seconds,
      cpuMsPerLogin: logins.cpuMs / LOGINS,
      healthPerSecond: HEALTH_CALLS / health.seconds,
      cpuMsPerHealth: health.cpuMs / HEALTH_CALLS,
    };
  } finally {
    await cloud.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function measureLogin(): Promise<{ text: string; markdown: string; verdicts: Verdict[] }> {
  const r = await runLoginBench();
  const cpuRatio = r.cpuMsPerLogin / r.cpuMsPerHealth;
  const rateRatio = r.loginsPerSecond / r.healthPerSecond;
  const text = [
    `A1–A9 complete login (password + TOTP) through the local gateway, ${r.logins} logins, one process:`,
    `  ${r.loginsPerSecond.toFixed(1)} logins/s, ${r.cpuMsPerLogin.toFixed(1)} ms CPU per login`,
    `  GET /v1/health: ${r.healthPerSecond.toFixed(0)} req/s, ${r.cpuMsPerHealth.toFixed(2)} ms CPU per request`,
    `  a login costs ${cpuRatio.toFixed(0)}× the CPU of a health request; ${(rateRatio * 100).toFixed(2)}% of its rate`,
  ].join('\n');
  const markdown = `## Login (A1–A9)

Complete logins (password, then the TOTP challenge) of a user whose device and network are known, through
the local gateway (\`bench/login.ts\`), against \`GET /v1/health\` through the same gateway in the same run.
The whole local backend runs in the bench's process (gateway, authorizer, handlers, dynalite, key service,
scrypt password hash, argon2id duress hash), so CPU per login is all of the backend's work for it, I/O
waits excluded. The ratios are what carry over to another machine.

| | rate | CPU per request | ratio to health |
| --- | ---: | ---: | ---: |
| GET /v1/health | ${r.healthPerSecond.toFixed(0)} req/s | ${r.cpuMsPerHealth.toFixed(2)} ms | 1× |
| login: password + TOTP (2 requests) | ${r.loginsPerSecond.toFixed(1)} logins/s | ${r.cpuMsPerLogin.toFixed(1)} ms | ${cpuRatio.toFixed(0)}× CPU |

More than half of a login's CPU is the deliberate cost of its two slow hashes, both run on every login:
measured apart on the machine of 2026-11-23, the local directory's scrypt verification (N=2^15, r=8, p=3)
took ~263 ms and the duress argon2id (19 MiB, t=2) ~65 ms. In AWS the password hash is Cognito's, not the
function's. The rest is the signed rows' P-256 signatures, token signing, the shield's counters and the
emulators.
`;
  return { text, markdown, verdicts: [] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureLogin().then((r) => console.log(r.text));
}
