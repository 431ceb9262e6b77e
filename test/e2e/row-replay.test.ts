// End to end, E1 replays across a restart: the attack issue 12 found. Someone with write access to the state
// (the table) keeps the validly signed rows of a session or an account from before a security decision, puts
// them back while the server is stopped, and starts a fresh server, whose containers have seen nothing: no
// in-memory watermark can tell. The head ledger (lambdas/kernel/integrity/row-ledger.ts) must.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { integrityTarget } from '../../lambdas/kernel/integrity/signed-rows.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { openLocalState } from '../../local/state-tables.js';
import { createDevUser } from '../support/local-client.js';

const ACCOUNTS = TABLES.accounts.logicalName;
const PASSWORD = 'correct horse battery staple';
let stateDir: string;
let cloud: LocalCloud | undefined;

const boot = async () => {
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  return cloud;
};
const stop = async () => {
  await cloud?.stop();
  cloud = undefined;
};

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-replay-'));
});
afterEach(stop);
afterAll(async () => {
  await stop();
  await rm(stateDir, { recursive: true, force: true });
});

type Key = { pk: string; sk: string };
const accountKey = (user: DevAccount): Key => ({ pk: `USER#${user.userId}`, sk: 'ACCOUNT' });
const sessionKey = (user: DevAccount): Key => ({
  pk: `USER#${user.userId}`,
  sk: `SESSION#${user.sessionId}`,
});

const me = (running: LocalCloud, user: DevAccount) =>
  fetch(`${running.url}/v1/me`, { headers: { authorization: `Bearer ${user.accessToken}` } });

/** The stored item as the attacker copies it: every attribute, the valid signature included. */
async function snapshot(running: LocalCloud, key: Key): Promise<Record<string, unknown>> {
  const { Item } = await running.runtime.dynamo.documents.send(
    new GetCommand({ TableName: ACCOUNTS, Key: key, ConsistentRead: true }),
  );
  if (!Item) throw new Error(`no row ${key.pk}/${key.sk}`);
  return Item;
}

/** With the server stopped: the old items written straight into the state folder's table. */
async function putBack(items: Record<string, unknown>[]): Promise<void> {
  const state = await openLocalState(stateDir);
  try {
    for (const Item of items) await state.documents.send(new PutCommand({ TableName: ACCOUNTS, Item }));
  } finally {
    await state.close();
  }
}

async function integrityReasons(running: LocalCloud, key: Key): Promise<unknown[]> {
  const target = integrityTarget({ table: ACCOUNTS, key, reason: 'replayed' });
  const page = await running.ports.audit.byTarget(target);
  return page.items.filter((r) => r.action === 'integrity.failure').map((r) => r.details?.reason);
}

describe('E1 replay of an older signed row, in a fresh process', () => {
  it('E1 a revoked session put back while the server is stopped stays refused after a restart', async () => {
    const running = await boot();
    const rob = await createDevUser(running, 'rob', PASSWORD);
    expect((await me(running, rob)).status).toBe(200);
    const live = await snapshot(running, sessionKey(rob));

    const logout = await fetch(`${running.url}/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rob.accessToken}` },
    });
    expect(logout.status).toBe(200);
    expect((await me(running, rob)).status).toBe(401);
    expect((await snapshot(running, sessionKey(rob))).revokedAt).toBeDefined();
    await stop();

    await putBack([live]);
    const fresh = await boot();
    expect((await snapshot(fresh, sessionKey(rob))).revokedAt).toBeUndefined();
    const response = await me(fresh, rob);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(rob.userId);
    expect(await integrityReasons(fresh, sessionKey(rob))).toContain('replayed');
    await stop();
  }, 60_000);

  it("E1 a suspended account's rows put back while the server is stopped leave its old token refused", async () => {
    const running = await boot();
    const sam = await createDevUser(running, 'sam', PASSWORD);
    expect((await me(running, sam)).status).toBe(200);
    const before = [await snapshot(running, accountKey(sam)), await snapshot(running, sessionKey(sam))];

    const input = { userId: sam.userId, reason: 'admin', requestedAt: new Date().toISOString() };
    const { executionId } = await running.workflows.start(
      'account-suspension',
      input,
      `replay-${sam.userId}`,
    );
    expect(await running.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await me(running, sam)).status).toBe(401);
    expect((await snapshot(running, accountKey(sam))).status).toBe('suspended');
    await stop();

    await putBack(before);
    const fresh = await boot();
    expect((await snapshot(fresh, accountKey(sam))).status).toBe('active');
    expect((await me(fresh, sam)).status).toBe(401);
    expect(await integrityReasons(fresh, accountKey(sam))).toContain('replayed');
    // The same rows read by the domain, not only by the authorizer, fail closed.
    await expect(fresh.ports.accounts.getAccount(sam.userId)).rejects.toThrow(/Integrity check failed/);
    await stop();
  }, 60_000);
});
