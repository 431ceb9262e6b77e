// End to end, data protection: the local cloud over HTTP, with the attacker's view of the table (the
// emulator's own client) to tamper with rows behind the repositories, as someone with table access would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { storedBlindIndexer } from '../../lambdas/account/blind-index-key.js';
import { ROUTES } from '../../lambdas/catalogue.js';
import { GetCommand, PutCommand, UpdateCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { integrityTarget, signedRows } from '../../lambdas/kernel/integrity/signed-rows.js';
import { metrics, SecurityMetric } from '../../lambdas/kernel/observability.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { type DevAccount, signInDevAccount } from '../../local/dev-accounts.js';
import { localFetch } from '../support/local-client.js';

let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-data-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function newUser(username: string): Promise<DevAccount> {
  const response = await localFetch(cloud, `/_local/dev-users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: 'correct horse battery' }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as DevAccount;
}

const me = (user: DevAccount) =>
  fetch(`${cloud.url}/v1/me`, { headers: { authorization: `Bearer ${user.accessToken}` } });

const ACCOUNTS = TABLES.accounts.logicalName;
const accountKey = (user: DevAccount) => ({ pk: `USER#${user.userId}`, sk: 'ACCOUNT' });
const sessionKey = (user: DevAccount) => ({ pk: `USER#${user.userId}`, sk: `SESSION#${user.sessionId}` });

/** A second signed-rows layer on the same table and keys: writes that the repositories would accept. */
const rows = () =>
  signedRows(
    cloud.runtime.dynamo.documents,
    cloud.ports.keys,
    { accounts: ACCOUNTS, audit: TABLES.audit.logicalName },
    { now: () => new Date() },
  );

async function integrityRecords(table: string, key: Record<string, string>) {
  const target = integrityTarget({ table, key, reason: 'bad-signature' });
  const page = await cloud.ports.audit.byTarget(target);
  return page.items.filter((r) => r.action === 'integrity.failure');
}

describe('signed rows, end to end', () => {
  it('E1 an account row edited behind the repository fails closed: the authorizer refuses, the metric, an audit record', async () => {
    const eve = await newUser('eve');
    expect((await me(eve)).status).toBe(200);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    await cloud.runtime.dynamo.documents.send(
      new UpdateCommand({
        TableName: ACCOUNTS,
        Key: accountKey(eve),
        UpdateExpression: 'SET username = :u',
        ExpressionAttributeValues: { ':u': 'mallory' },
      }),
    );
    // The authorizer reads the row: a row it cannot trust refuses the token like any other refusal.
    const response = await me(eve);
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).not.toContain('mallory');
    expect(text).not.toContain(eve.userId);
    expect(addMetric).toHaveBeenCalledWith(SecurityMetric.IntegrityFailure, 'Count', 1);

    const records = await integrityRecords(ACCOUNTS, accountKey(eve));
    expect(records.length).toBeGreaterThan(0);
    expect(records[0]).toMatchObject({
      actor: { kind: 'system', id: 'integrity-check' },
      outcome: 'failed',
      details: { table: ACCOUNTS, reason: 'bad-signature' },
    });
    // The record names the row, never what was in it.
    expect(JSON.stringify(records)).not.toContain('mallory');
  });

  it('E1 a row edited behind the repository and read by a handler fails closed: a generic 500', async () => {
    const ida = await newUser('ida');
    const other = await signInDevAccount(cloud.ports, 'ida', 'correct horse battery');
    const otherKey = { pk: `USER#${ida.userId}`, sk: `SESSION#${other.sessionId}` };
    await cloud.runtime.dynamo.documents.send(
      new UpdateCommand({
        TableName: ACCOUNTS,
        Key: otherKey,
        UpdateExpression: 'SET userAgent = :u',
        ExpressionAttributeValues: { ':u': 'mallory' },
      }),
    );
    // The caller's own session is intact; listing the sessions reads the edited one.
    const response = await fetch(`${cloud.url}/v1/me/sessions`, {
      headers: { authorization: `Bearer ${ida.accessToken}` },
    });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Internal error', requestId: expect.any(String) },
    });
    expect(text).not.toContain('mallory');
    expect(text).not.toContain(ida.userId);
    expect(await integrityRecords(ACCOUNTS, otherKey)).toEqual([
      expect.objectContaining({ details: { table: ACCOUNTS, reason: 'bad-signature' } }),
    ]);
  });

  it('E1 a revoked session put back in its old signed form (a replay) is refused, not honoured', async () => {
    const rob = await newUser('rob');
    const before = await cloud.runtime.dynamo.documents.send(
      new GetCommand({ TableName: ACCOUNTS, Key: sessionKey(rob) }),
    );
    expect(before.Item).toMatchObject({ version: 1 });
    await cloud.ports.accounts.revokeSession(rob.userId, rob.sessionId, new Date());
    expect((await me(rob)).status).toBe(401);

    // The old row carries a valid signature: only its version tells it is stale.
    await cloud.runtime.dynamo.documents.send(new PutCommand({ TableName: ACCOUNTS, Item: before.Item }));
    const response = await me(rob);
    expect(response.status).toBe(401);
    expect(await integrityRecords(ACCOUNTS, sessionKey(rob))).toEqual([
      expect.objectContaining({ details: { table: ACCOUNTS, reason: 'replayed' } }),
    ]);
  });

  it('E1 a valid row copied under another user key does not verify', async () => {
    const [amy, bob] = [await newUser('amy'), await newUser('bob')];
    const { Item } = await cloud.runtime.dynamo.documents.send(
      new GetCommand({ TableName: ACCOUNTS, Key: accountKey(amy) }),
    );
    await cloud.runtime.dynamo.documents.send(
      new PutCommand({ TableName: ACCOUNTS, Item: { ...Item, ...accountKey(bob) } }),
    );
    expect((await me(bob)).status).toBe(401);
    expect((await me(amy)).status).toBe(200);
  });
});

describe('personal data, end to end', () => {
  it('E2 contact data is sealed in the table, indexed blind, and answered masked', async () => {
    const response = await localFetch(cloud, `/_local/dev-users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zoe', email: 'Zoe.Quinn@example.com', phone: '+447700900123' }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const zoe = (await response.json()) as DevAccount;
    const { Item } = await cloud.runtime.dynamo.documents.send(
      new GetCommand({ TableName: ACCOUNTS, Key: accountKey(zoe) }),
    );
    const stored = JSON.stringify(Item);
    for (const plain of ['Zoe.Quinn', 'zoe.quinn', '7700 900123', '7700900123']) {
      expect(stored).not.toContain(plain);
    }
    expect(Buffer.from(String(Item?.contact), 'base64').toString('latin1')).not.toMatch(/quinn|900123/i);
    expect(Item).toMatchObject({ emailMasked: 'Z***@example.com', phoneMasked: '*** *** 0123' });

    // The row's blind index is that of any spelling of the address; the vault opens the contact for features.
    const index = await storedBlindIndexer(rows().tables.accounts, cloud.ports.keys)();
    expect(Item?.emailIndex).toBe(await index.index('email', ' zoe.quinn@EXAMPLE.com'));
    expect(await cloud.ports.accounts.getContact(zoe.userId)).toEqual({
      email: 'Zoe.Quinn@example.com',
      phone: '+447700900123',
    });

    const me = await fetch(`${cloud.url}/v1/me`, { headers: { authorization: `Bearer ${zoe.accessToken}` } });
    const body = await me.text();
    expect(JSON.parse(body)).toMatchObject({ email: 'Z***@example.com', phone: '*** *** 0123' });
    expect(body).not.toMatch(/quinn|900123/i);
  });

  it('E2 a sealed contact moved to another account row does not open', async () => {
    const [kim, lee] = [await newUser('kim'), await newUser('lee')];
    const read = (user: DevAccount) =>
      cloud.runtime.dynamo.documents.send(new GetCommand({ TableName: ACCOUNTS, Key: accountKey(user) }));
    const kimRow = (await read(kim)).Item;
    // Re-signed as the repository would, so only the field-group binding stands in the way.
    await rows().tables.accounts.update(accountKey(lee), (row) => ({ ...row, contact: kimRow?.contact }));
    await expect(cloud.ports.accounts.getContact(lee.userId)).rejects.toMatchObject({
      name: 'IntegrityError',
    });
    await expect(cloud.ports.accounts.getContact(kim.userId)).resolves.toMatchObject({
      email: 'kim@example.com',
    });
  });
});

/** Every way a request could name another user: path parameters, query, headers, body. */
function requestNaming(route: (typeof ROUTES)[number], other: DevAccount) {
  const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(other.userId));
  const query = new URLSearchParams({ userId: other.userId, username: other.username, sub: other.userId });
  const headers: Record<string, string> = {
    'x-user-id': other.userId,
    'x-amzn-oidc-identity': other.userId,
  };
  const withBody = route.method === 'POST' || route.method === 'PUT';
  if (withBody) headers['content-type'] = 'application/json';
  return {
    url: `${cloud.url}${path}?${query}`,
    init: {
      method: route.method,
      headers,
      ...(withBody ? { body: JSON.stringify({ userId: other.userId, username: other.username }) } : {}),
    },
  };
}

describe('tenant isolation', () => {
  const userRoutes = ROUTES.filter((r) => r.auth === 'user').map(
    (r) => [`${r.method} ${r.path}`, r] as const,
  );

  it('E5 there are user routes to check (new routes join this test by being in the catalogue)', () => {
    expect(userRoutes.length).toBeGreaterThan(0);
  });

  it.each(userRoutes)(
    "E5 %s never answers with another user's data, whatever the request names",
    async (_n, route) => {
      const [caller, other] = [
        await newUser(`c${route.id.toLowerCase()}`),
        await newUser(`o${route.id.toLowerCase()}`),
      ];
      const { url, init } = requestNaming(route, other);
      const response = await fetch(url, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${caller.accessToken}` },
      });
      const text = await response.text();
      expect(response.status).toBeLessThan(500);
      for (const secret of [other.userId, other.username, `${other.username}@example.com`]) {
        expect(text).not.toContain(secret);
      }
    },
  );
});
