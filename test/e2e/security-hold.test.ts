// End to end, the B2 withdrawal hold over HTTP: a security change starts a hold of holdHours (72 by default)
// on the signed SECURITY row, GET /v1/me/security shows it, the security-hold workflow clears it at its end
// and emails "withdrawals are available again"; a later change extends it and the first execution then
// clears nothing. The workflow's Wait is skipped (waitTimeMs 0); its executions are held back until the
// test clock has passed the end, which is what the Wait does in AWS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WORKFLOWS } from '../../lambdas/catalogue.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import { holdStatus } from '../../lambdas/security/hold.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { createDevUser, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let held: [WorkflowName, unknown, string][] = [];
let start: LocalCloud['workflows']['start'];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-hold-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  start = cloud.workflows.start.bind(cloud.workflows);
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  held = [];
  vi.spyOn(cloud.workflows, 'start').mockImplementation(async (workflow, input, name) => {
    if (workflow !== 'security-hold') return start(workflow, input, name);
    held.push([workflow, input, name]);
    return { executionId: name };
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Lets a held execution run (its Wait is over) and waits for its end. */
const release = async (index: number) => {
  const [workflow, input, name] = held[index] as [WorkflowName, unknown, string];
  const { executionId } = await start(workflow, input, name);
  return cloud.workflows.waitFor(executionId);
};

const json = { 'content-type': 'application/json' };
const setDuress = (user: DevAccount, duressPassword: string) =>
  fetch(`${cloud.url}/v1/me/duress-password`, {
    method: 'PUT',
    headers: { ...json, authorization: `Bearer ${user.accessToken}` },
    body: JSON.stringify({ duressPassword, password: PASSWORD }),
  });
const security = async (user: DevAccount) => {
  const response = await fetch(`${cloud.url}/v1/me/security`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    hold: { active: boolean; endsAt?: string };
    lastChange?: { kind: string; at: string };
  };
};
const outbox = async (to: string) => {
  const { emails } = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
    emails: { to: string[] | string; subject: string }[];
  };
  return emails.filter((m) => [m.to].flat().join(',').includes(to));
};

describe('B2 security hold', () => {
  it('B2 a new user has no hold', async () => {
    const user = await createDevUser(cloud, 'holly', PASSWORD);
    expect(await security(user)).toEqual({ hold: { active: false } });
  });

  it('B2 a duress password starts a 72-hour hold that the workflow clears at its end, with an email', async () => {
    clockOffsetMs = 0;
    const user = await createDevUser(cloud, 'hugo', PASSWORD);
    const before = clock.now().getTime();
    expect((await setDuress(user, 'blue whale swims at dawn')).status).toBe(200);
    const after = clock.now().getTime();

    const shown = await security(user);
    expect(shown.hold.active).toBe(true);
    const end = Date.parse(shown.hold.endsAt as string);
    expect(end).toBeGreaterThanOrEqual(before + 72 * HOUR);
    expect(end).toBeLessThanOrEqual(after + 72 * HOUR);
    expect(shown.lastChange?.kind).toBe('duress-password-set');
    expect(Date.parse(shown.lastChange?.at as string) + 72 * HOUR).toBe(end);
    expect(held).toHaveLength(1);

    clockOffsetMs = 72 * HOUR + 60_000;
    const outcome = await release(0);
    expect(outcome.status).toBe('SUCCEEDED');
    const state = await cloud.ports.securityState.get(user.userId);
    expect(state?.holdActive).toBe(false);
    expect(state?.holdEndsAt).toBe(shown.hold.endsAt);
    const mails = await outbox('hugo@example.com');
    expect(mails.some((m) => /withdrawals are available again/i.test(m.subject))).toBe(true);
    clockOffsetMs = 0;
  });

  it('B2 a second change extends the hold and the first execution does not clear it', async () => {
    clockOffsetMs = 0;
    const user = await createDevUser(cloud, 'hedda', PASSWORD);
    expect((await setDuress(user, 'first duress phrase here')).status).toBe(200);
    const first = await security(user);
    clockOffsetMs = 5 * HOUR;
    expect((await setDuress(user, 'second duress phrase here')).status).toBe(200);
    const second = await security(user);
    expect(second.hold.active).toBe(true);
    expect(
      Date.parse(second.hold.endsAt as string) - Date.parse(first.hold.endsAt as string),
    ).toBeGreaterThanOrEqual(5 * HOUR);
    expect(held).toHaveLength(2);

    // Past the first end, before the second: the first execution finds its hold extended and stops.
    clockOffsetMs = 73 * HOUR;
    const stale = await release(0);
    expect(stale.status).toBe('SUCCEEDED');
    let state = await cloud.ports.securityState.get(user.userId);
    expect(state?.holdActive).toBe(true);
    expect(state?.holdEndsAt).toBe(second.hold.endsAt);
    // (The session has expired by this clock: the row is read through the port, by the same rule as the route.)
    expect(holdStatus(state, clock.now())).toEqual({ active: true, endsAt: second.hold.endsAt });
    expect(await outbox('hedda@example.com')).not.toContainEqual(
      expect.objectContaining({ subject: expect.stringMatching(/withdrawals are available/i) }),
    );

    // Past the second end: the second execution clears it; running it again (a duplicate) changes nothing.
    clockOffsetMs = 78 * HOUR;
    expect((await release(1)).status).toBe('SUCCEEDED');
    state = await cloud.ports.securityState.get(user.userId);
    expect(state?.holdActive).toBe(false);
    expect(holdStatus(state, clock.now())).toEqual({ active: false });
    clockOffsetMs = 0;
  });

  const tasks = WORKFLOWS.find((w) => w.name === 'security-hold')?.tasks;
  const NOTIFY = tasks?.NotifySecurityChangeFunctionArn?.id as string;
  const CLEAR = tasks?.ClearHoldFunctionArn?.id as string;
  const HOLD_ENDED = tasks?.NotifyHoldEndedFunctionArn?.id as string;

  /** Calls of the workflow's task functions; `fail` answers some of them with an error instead. */
  const spyTasks = (fail: (functionId: string, calls: number) => Error | undefined) => {
    const calls: string[] = [];
    const invoke = cloud.runtime.functions.invoke.bind(cloud.runtime.functions);
    vi.spyOn(cloud.runtime.functions, 'invoke').mockImplementation(async (functionId, event, requestId) => {
      calls.push(functionId);
      const error = fail(functionId, calls.filter((id) => id === functionId).length);
      if (error) throw error;
      return invoke(functionId, event, requestId);
    });
    return (functionId: string) => calls.filter((id) => id === functionId).length;
  };

  it('B2 a notifier that fails every retry: the catch goes on to the wait and the hold still clears at its end', async () => {
    clockOffsetMs = 0;
    const user = await createDevUser(cloud, 'hilde', PASSWORD);
    expect((await setDuress(user, 'the notifier is down today')).status).toBe(200);
    const shown = await security(user);
    const callsOf = spyTasks((id) =>
      id === NOTIFY ? Object.assign(new Error('mail down'), { name: 'MailDown' }) : undefined,
    );

    clockOffsetMs = 72 * HOUR + 60_000;
    const outcome = await release(0);
    expect(outcome.status).toBe('SUCCEEDED');
    // Four retries after the first attempt (the ASL's MaxAttempts), then NotifyChange's Catch.
    expect(callsOf(NOTIFY)).toBe(5);
    expect(callsOf(CLEAR)).toBe(1);
    const output = (outcome as { output: { noticeError?: { Error: string }; clear?: unknown } }).output;
    expect(output.noticeError?.Error).toBe('MailDown');
    expect(output.clear).toMatchObject({ cleared: true });
    const state = await cloud.ports.securityState.get(user.userId);
    expect(state?.holdActive).toBe(false);
    expect(state?.holdEndsAt).toBe(shown.hold.endsAt);
    const mails = await outbox('hilde@example.com');
    expect(mails.some((m) => /withdrawals are available again/i.test(m.subject))).toBe(true);
    clockOffsetMs = 0;
  });

  it('B2 a clock behind the hold end when the wait ends: ClearHold waits again (HoldNotOver retry), then clears', async () => {
    clockOffsetMs = 0;
    const user = await createDevUser(cloud, 'horst', PASSWORD);
    expect((await setDuress(user, 'my clock runs a bit slow')).status).toBe(200);
    const shown = await security(user);
    const end = Date.parse(shown.hold.endsAt as string);
    // The first ClearHold runs a minute before the end; the retry's interval brings the clock past it.
    const callsOf = spyTasks((id, n) => {
      if (id === CLEAR && n === 2) clockOffsetMs += 2 * 60_000;
      return undefined;
    });
    clockOffsetMs = end - 60_000 - Date.now();
    const outcome = await release(0);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(callsOf(CLEAR)).toBe(2);
    const output = (outcome as { output: { clear?: unknown; error?: unknown } }).output;
    expect(output.clear).toMatchObject({ cleared: true, decision: 'clear' });
    expect(output.error).toBeUndefined();
    expect((await cloud.ports.securityState.get(user.userId))?.holdActive).toBe(false);
    expect(
      (await outbox('horst@example.com')).some((m) => /withdrawals are available again/i.test(m.subject)),
    ).toBe(true);
    clockOffsetMs = 0;
  });

  it('B2 a clock behind the hold end through every retry: HoldNotOver is caught (LeftToTheEndTime), the end time still decides', async () => {
    clockOffsetMs = 0;
    const user = await createDevUser(cloud, 'hanna', PASSWORD);
    expect((await setDuress(user, 'my clock is far too slow')).status).toBe(200);
    const shown = await security(user);
    const end = Date.parse(shown.hold.endsAt as string);
    const callsOf = spyTasks(() => undefined);
    clockOffsetMs = end - HOUR - Date.now();
    const outcome = await release(0);
    expect(outcome.status).toBe('SUCCEEDED');
    // The first attempt and five retries (the ASL's MaxAttempts for HoldNotOver), then the Catch.
    expect(callsOf(CLEAR)).toBe(6);
    expect(callsOf(HOLD_ENDED)).toBe(0);
    const output = (outcome as { output: { clear?: unknown; error?: { Error: string } } }).output;
    expect(output.error?.Error).toBe('HoldNotOver');
    expect(output.clear).toBeUndefined();
    // Nothing cleared early: the hold applies until its end, and not after it, by the end time alone.
    const state = await cloud.ports.securityState.get(user.userId);
    expect(state?.holdEndsAt).toBe(shown.hold.endsAt);
    expect(holdStatus(state, clock.now())).toEqual({ active: true, endsAt: shown.hold.endsAt });
    clockOffsetMs = end + 60_000 - Date.now();
    expect(holdStatus(state, clock.now())).toEqual({ active: false });
    expect(
      (await outbox('hanna@example.com')).some((m) => /withdrawals are available again/i.test(m.subject)),
    ).toBe(false);
    clockOffsetMs = 0;
  });
});
