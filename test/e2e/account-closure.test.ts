// End to end over HTTP, F5's five-year records: POST /v1/me/close after a step-up closes the account (the token
// refused at once, the login answered like a wrong password, the retention clock started in the closing
// transaction, audited), refused with 409 while a security hold is on; the RetentionSweep function, run as its
// daily timer runs it, erases nothing a day before five years and, five years on, replaces the customer's rows
// by tombstones, erases the KYC documents and audits the erasure with counts only. The clock is injected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_RETENTION, retentionDueAt } from '../../lambdas/privacy/retention.js';
import { RETENTION_SWEEP } from '../../lambdas/privacy/routes.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { localScheduledEvent } from '../../local/ports.js';
import { createDevUser } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-closure-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

type Body = Record<string, unknown> & { error?: { code: string; message: string } };
const send = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'user-agent': 'PalisadeTest/1.0 (iPhone)',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Body };
};
const sweep = () =>
  cloud.runtime.functions.invoke(RETENTION_SWEEP.id, localScheduledEvent(clock)) as Promise<{
    erased: number;
    cursor: string;
    more: boolean;
  }>;
const auditOf = async (userId: string) =>
  (await cloud.ports.audit.byTarget({ kind: 'user', id: userId }, 50)).items;

/** One KYC document uploaded for the user, as the local upload endpoint stores it. */
async function uploadDocument(userId: string) {
  const slot = await cloud.ports.kycDocuments.createUploadSlot({
    userId,
    slotId: 'slot-f5-000001',
    kind: 'government-id',
    contentType: 'image/png',
    maxBytes: 1024,
    expiresInSeconds: 600,
  });
  await cloud.ports.kycDocuments.receive(slot.fields, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  expect(await cloud.ports.kycDocuments.head(slot.key)).toBe(7);
  return slot.key;
}

describe('F5 account closure and the retention sweep', () => {
  it('F5 closing needs a fresh step-up and is refused with 409 while a security hold is on', async () => {
    const ana = await createDevUser(cloud, 'ana-closes', PASSWORD);
    const first = await send('POST', '/v1/me/close', undefined, ana.accessToken);
    expect([first.status, first.body.error?.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    // A security change (B2) starts a hold: closing right after one is what a takeover would do.
    const duress = await send(
      'PUT',
      '/v1/me/duress-password',
      { duressPassword: 'a different duress phrase', password: PASSWORD },
      ana.accessToken,
    );
    expect(duress.status).toBe(200);
    expect((await send('POST', '/v1/me/step-up', { password: PASSWORD }, ana.accessToken)).status).toBe(200);
    const held = await send('POST', '/v1/me/close', undefined, ana.accessToken);
    expect([held.status, held.body.error?.code]).toEqual([409, 'ACCOUNT_CLOSURE_REFUSED']);
    expect(held.body.error?.message).toMatch(/security hold/);
    // Nothing was written: the account is active, no clock started.
    expect((await send('GET', '/v1/me', undefined, ana.accessToken)).body.status).toBe('active');
    expect((await auditOf(ana.userId)).map((r) => r.action)).not.toContain('account.close');
  });

  it('F5 a closed account logs in no more, and five years on the sweep tombstones its rows, erases its documents and audits counts only', async () => {
    clockOffsetMs = 0;
    const bo = await createDevUser(cloud, 'bo-closes', PASSWORD);
    const documentKey = await uploadDocument(bo.userId);
    expect((await send('POST', '/v1/me/step-up', { password: PASSWORD }, bo.accessToken)).status).toBe(200);

    const closed = await send('POST', '/v1/me/close', undefined, bo.accessToken);
    expect(closed.status).toBe(200);
    const closedAt = new Date(closed.body.closedAt as string);
    expect(closed.body).toEqual({
      status: 'closed',
      closedAt: closedAt.toISOString(),
      recordsKeptUntil: retentionDueAt(closedAt).toISOString(),
    });
    // The token is refused at once; a login is answered like a wrong password.
    expect((await send('GET', '/v1/me', undefined, bo.accessToken)).status).toBe(401);
    const login = await send('POST', '/v1/auth/login', {
      username: 'bo-closes',
      password: PASSWORD,
      deviceId: 'dev-f5-0001',
    });
    const wrong = await send('POST', '/v1/auth/login', {
      username: 'bo-closes',
      password: 'not it at all',
      deviceId: 'dev-f5-0001',
    });
    expect(login.status).not.toBe(200);
    expect([login.status, login.body.error?.code]).toEqual([wrong.status, wrong.body.error?.code]);
    const started = await auditOf(bo.userId);
    expect(started.map((r) => r.action)).toEqual(
      expect.arrayContaining(['account.close', 'retention.started']),
    );

    // A day before the five years: nothing erased.
    const dueAt = retentionDueAt(closedAt, RECORD_RETENTION.years).getTime();
    clockOffsetMs = dueAt - DAY - Date.now();
    await sweep();
    expect(await cloud.ports.accounts.getAccount(bo.userId)).toMatchObject({ username: 'bo-closes' });
    expect(await cloud.ports.kycDocuments.head(documentKey)).toBe(7);

    // Five years on: the rows are tombstones, the document gone, the erasure audited without data.
    clockOffsetMs = dueAt + 1000 - Date.now();
    const run = await sweep();
    expect(run.erased).toBeGreaterThanOrEqual(1);
    const row = (await cloud.ports.accounts.getAccount(bo.userId)) as unknown as Record<string, unknown>;
    expect(row.erasedAt).toBeDefined();
    expect(row).not.toHaveProperty('username');
    expect(row).not.toHaveProperty('contact');
    expect(row).not.toHaveProperty('emailMasked');
    const sessions = await cloud.ports.accounts.listSessions(bo.userId);
    for (const session of sessions) expect(session).not.toHaveProperty('ip');
    expect(await cloud.ports.kycDocuments.head(documentKey)).toBeUndefined();
    const erased = (await auditOf(bo.userId)).filter((r) => r.action === 'retention.erased');
    expect(erased).toHaveLength(1);
    const details = erased[0]?.details as Record<string, string>;
    expect(Object.keys(details).sort()).toEqual(['documents', 'dueAt', 'rows']);
    expect(Number(details.rows)).toBeGreaterThanOrEqual(2);
    expect(details.documents).toBe('1');
    // A second run finds nothing more to erase.
    expect((await sweep()).erased).toBe(0);
    clockOffsetMs = 0;
  });
});
