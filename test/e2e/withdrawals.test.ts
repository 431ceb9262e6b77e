// End to end, C2/G2 withdrawal requests over HTTP: bad input and a missing or malformed Idempotency-Key
// write nothing; the same request 20 times at once is one withdrawal; a key reused with other terms is
// refused; pending, removed, foreign and unknown addresses are refused; the B2 hold refuses at t+71h59m and
// accepts at t+72h01m after a security change, for standard and instant speed; daily and monthly limits;
// a new device → security change → withdrawal lands in manual investigation. Time is the injected clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import {
  callFrom,
  createDevUser,
  eventually,
  firstLogin,
  type JsonAnswer,
  mailText,
} from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let keys = 0;
const newKey = () => `key-${Date.now().toString(36)}-${++keys}`;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-withdrawals-'));
  cloud = await startLocalCloud({
    stateDir,
    clock,
    port: 0,
    waitTimeMs: 0,
    retryIntervalMs: 0,
    settings: parseSettings({
      withdrawalLimits: { BTC: { daily: '2', monthly: '3' }, ETH: { daily: '50', monthly: '500' } },
    }),
  });
  // The limits here are tested with amounts up to 1.5 BTC: priced low, they stay under the Travel Rule's
  // threshold, which test/e2e/travel-rule.test.ts proves.
  cloud.ports.prices.set('BTC', 'EUR', '100');
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  clockOffsetMs = 0;
});

interface Client {
  userId: string;
  username: string;
  token: string;
}

const newUser = async (username: string): Promise<Client> => {
  const account = await createDevUser(cloud, username, PASSWORD);
  return { userId: account.userId, username, token: account.accessToken };
};
/** A fresh session at the clock's time (sessions last 12 hours; these tests move days). */
const signIn = async (client: Client) => {
  client.token = (await signInDevAccount(cloud.ports, client.username, PASSWORD)).accessToken;
};
const call = (
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${client.token}`, ...headers });
/** `key` null sends no Idempotency-Key header. */
const withdraw = (client: Client, body: Record<string, unknown>, key: string | null = newKey()) =>
  call(
    client,
    'POST',
    '/v1/me/withdrawals',
    { password: PASSWORD, ...body },
    key === null ? {} : { 'idempotency-key': key },
  );

/** Adds an address, clicks its emailed link, and moves the clock past its cooling period. */
const activeAddress = async (client: Client, asset = 'BTC', address = SEGWIT): Promise<string> => {
  await signIn(client);
  const added = await call(client, 'POST', '/v1/me/addresses', { asset, address, label: 'cold wallet' });
  expect(added.status).toBe(201);
  const addressId = (added.body.address as { addressId: string }).addressId;
  await followLink(
    linkIn(
      await mailText(cloud, `${client.username}@example.com`, /withdrawal address/i),
      '/v1/addresses/confirm/',
    ),
  );
  clockOffsetMs += cloud.ports.settings.addressCoolingHours * HOUR + 60_000;
  await signIn(client);
  return addressId;
};

/** Withdrawal rows and the ledger in the user's partition, read behind the repository. */
const rowsOf = async (client: Client) => {
  const { Items = [] } = await cloud.runtime.dynamo.documents.send(
    new QueryCommand({
      TableName: TABLES.accounts.logicalName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `USER#${client.userId}` },
    }),
  );
  return {
    withdrawals: Items.filter((i) => String(i.sk).startsWith('WITHDRAWAL#')),
    ledger: Items.find((i) => i.sk === 'WITHDRAWAL-LEDGER') as { entries: unknown[] } | undefined,
  };
};
const idempotencyRecords = async () => {
  const { Items = [] } = await cloud.runtime.dynamo.documents.send(
    new QueryCommand({
      TableName: TABLES.idempotency.logicalName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#withdrawal-request' },
    }),
  );
  return Items.length;
};
const codeOf = (answer: JsonAnswer) => answer.body.error?.code;

describe('C2 withdrawal requests', () => {
  it('C2 an accepted request answers 202 with the withdrawal, never its risk, and shows in the history', async () => {
    const client = await newUser('wanda');
    const addressId = await activeAddress(client);
    const answer = await withdraw(client, { asset: 'BTC', amount: '0.0150', addressId });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      withdrawalId: expect.stringMatching(/^wd_[0-9a-f]{28}$/),
      status: 'screening',
      asset: 'BTC',
      amount: '0.015',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/),
    });
    expect(answer.comparable).not.toMatch(/risk|score|signal|sourceIp|deviceId/);

    const { withdrawals, ledger } = await rowsOf(client);
    expect(withdrawals).toHaveLength(1);
    expect(withdrawals[0]).toMatchObject({
      status: expect.any(String),
      amountMinor: '1500000',
      addressMasked: 'bc1qar…5mdq',
      sourceIp: '127.0.0.1',
      risk: { band: expect.stringMatching(/^(low|unusual)$/) },
    });
    expect(ledger?.entries).toHaveLength(1);

    const history = await call(client, 'GET', '/v1/me/withdrawals');
    expect(history.status).toBe(200);
    expect(history.body.withdrawals).toEqual([
      expect.objectContaining({
        withdrawalId: answer.body.withdrawalId,
        asset: 'BTC',
        amount: '0.015',
        addressMasked: 'bc1qar…5mdq',
        speed: 'standard',
      }),
    ]);
    expect(history.comparable).not.toMatch(/risk|score|signal|sourceIp|deviceId|bc1qar0srrr7/);
  });

  it('C2 bad amounts, bodies and a missing or malformed Idempotency-Key are 4xx and write nothing', async () => {
    const client = await newUser('walter');
    const addressId = await activeAddress(client);
    const bad: [Record<string, unknown>, string | null, number, string][] = [
      [{ asset: 'BTC', amount: '-1', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: '0', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: '0.000000001', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: '99999999999', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: 'ten', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: '1e-3', addressId }, newKey(), 400, 'AMOUNT_INVALID'],
      [{ asset: 'BTC', amount: 0.5, addressId }, newKey(), 400, 'VALIDATION_FAILED'],
      [{ asset: 'DOGE', amount: '1', addressId }, newKey(), 400, 'VALIDATION_FAILED'],
      [{ asset: 'ETH', amount: '1', addressId }, newKey(), 400, 'ASSET_MISMATCH'],
      [{ asset: 'BTC', amount: '0.01', addressId }, null, 400, 'IDEMPOTENCY_KEY_REQUIRED'],
      [{ asset: 'BTC', amount: '0.01', addressId }, 'short', 400, 'IDEMPOTENCY_KEY_INVALID'],
      [{ asset: 'BTC', amount: '0.01', addressId }, 'has spaces in it', 400, 'IDEMPOTENCY_KEY_INVALID'],
      [{ asset: 'BTC', amount: '0.01', addressId }, 'k'.repeat(65), 400, 'IDEMPOTENCY_KEY_INVALID'],
      [
        { asset: 'BTC', amount: '0.01', addressId, password: 'wrong password' },
        newKey(),
        400,
        'REAUTH_FAILED',
      ],
    ];
    const before = await idempotencyRecords();
    for (const [body, key, status, code] of bad) {
      const answer = await withdraw(client, body, key);
      expect([answer.status, codeOf(answer)], JSON.stringify(body)).toEqual([status, code]);
    }
    const amountAnswer = await withdraw(client, { asset: 'BTC', amount: '0.000000001', addressId });
    expect(amountAnswer.body.error).toMatchObject({
      details: [{ path: 'amount', message: expect.stringMatching(/8 decimals/) }],
    });
    expect(await rowsOf(client)).toEqual({ withdrawals: [], ledger: undefined });
    // A refused request frees its key: no idempotency record stays behind.
    expect(await idempotencyRecords()).toBe(before);
  });

  it('C2 the same request 20 times at once is exactly one withdrawal', async () => {
    const client = await newUser('wendy');
    const addressId = await activeAddress(client);
    const key = newKey();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => withdraw(client, { asset: 'BTC', amount: '0.1', addressId }, key)),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status !== 202)) {
      expect([a.status, codeOf(a)]).toEqual([409, 'IDEMPOTENCY_IN_PROGRESS']);
    }
    expect(new Set(accepted.map((a) => a.body.withdrawalId)).size).toBe(1);
    // A later retry replays the first answer.
    const retry = await withdraw(client, { asset: 'BTC', amount: '0.1', addressId }, key);
    expect(retry.status).toBe(202);
    expect(retry.body.withdrawalId).toBe(accepted[0]?.body.withdrawalId);
    const { withdrawals, ledger } = await rowsOf(client);
    expect(withdrawals).toHaveLength(1);
    expect(ledger?.entries).toHaveLength(1);
  });

  it('C2 the same key with other terms is refused; keys are per user', async () => {
    const client = await newUser('wilma');
    const other = await newUser('winston');
    const addressId = await activeAddress(client);
    const otherAddress = await activeAddress(other);
    await signIn(client);
    const key = newKey();
    expect((await withdraw(client, { asset: 'BTC', amount: '0.1', addressId }, key)).status).toBe(202);
    const reused = await withdraw(client, { asset: 'BTC', amount: '0.2', addressId }, key);
    expect([reused.status, codeOf(reused)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // Another user's request under the same key is its own request.
    const theirs = await withdraw(other, { asset: 'BTC', amount: '0.2', addressId: otherAddress }, key);
    expect(theirs.status).toBe(202);
    expect((await rowsOf(client)).withdrawals).toHaveLength(1);
    expect((await rowsOf(other)).withdrawals).toHaveLength(1);
  });

  it("C2 pending, cooling, removed, another user's and unknown addresses are refused; nothing is written", async () => {
    const client = await newUser('wyatt');
    const stranger = await newUser('xena');
    const removed = await activeAddress(client, 'ETH', ETH);
    const foreign = await activeAddress(stranger);
    await signIn(client);
    const added = await call(client, 'POST', '/v1/me/addresses', {
      asset: 'BTC',
      address: SEGWIT,
      label: 'new',
    });
    const pending = (added.body.address as { addressId: string }).addressId;
    expect((await call(client, 'DELETE', `/v1/me/addresses/${removed}`)).status).toBe(200);
    // Confirmed a moment ago: cooling until addressCoolingHours after the click.
    const fresh = await call(client, 'POST', '/v1/me/addresses', {
      asset: 'BTC',
      address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
      label: 'fresh',
    });
    const cooling = (fresh.body.address as { addressId: string }).addressId;
    await followLink(
      linkIn(await mailText(cloud, 'wyatt@example.com', /withdrawal address/i), '/v1/addresses/confirm/'),
    );
    const before = await idempotencyRecords();

    const cases: [string, string, number, string][] = [
      ['BTC', pending, 403, 'ADDRESS_PENDING'],
      ['BTC', cooling, 403, 'ADDRESS_COOLING'],
      ['ETH', removed, 403, 'ADDRESS_REMOVED'],
      ['BTC', foreign, 404, 'ADDRESS_UNKNOWN'],
      ['BTC', 'no-such-address', 404, 'ADDRESS_UNKNOWN'],
    ];
    for (const [asset, addressId, status, code] of cases) {
      const answer = await withdraw(client, { asset, amount: '0.01', addressId });
      expect([answer.status, codeOf(answer)], addressId).toEqual([status, code]);
    }
    expect(await rowsOf(client)).toEqual({ withdrawals: [], ledger: undefined });
    expect(await idempotencyRecords()).toBe(before);
  });

  it('C2 daily and monthly limits (rolling 24 hours and 30 days)', async () => {
    const client = await newUser('yves');
    const addressId = await activeAddress(client);
    expect((await withdraw(client, { asset: 'BTC', amount: '1.5', addressId })).status).toBe(202);
    const daily = await withdraw(client, { asset: 'BTC', amount: '0.6', addressId });
    expect([daily.status, codeOf(daily)]).toEqual([403, 'DAILY_LIMIT']);
    expect(daily.body.error?.message).toMatch(/0\.5 BTC remain/);
    expect((await withdraw(client, { asset: 'BTC', amount: '0.5', addressId })).status).toBe(202);
    clockOffsetMs += 24 * HOUR + 60_000;
    await signIn(client);
    const monthly = await withdraw(client, { asset: 'BTC', amount: '1.5', addressId });
    expect([monthly.status, codeOf(monthly)]).toEqual([403, 'MONTHLY_LIMIT']);
    expect((await withdraw(client, { asset: 'BTC', amount: '1', addressId })).status).toBe(202);
    expect((await rowsOf(client)).withdrawals).toHaveLength(3);
  });
});

describe('C2 the security hold on withdrawals (B2)', () => {
  it.each(['standard', 'instant'])(
    'C2 %s withdrawals are refused at t+71h59m after a security change and accepted at t+72h01m',
    async (speed) => {
      const client = await newUser(`hold-${speed}`);
      const addressId = await activeAddress(client);
      const changedAt = clock.now().getTime();
      const change = await call(client, 'PUT', '/v1/me/duress-password', {
        duressPassword: 'blue whale swims at dawn',
        password: PASSWORD,
      });
      expect(change.status).toBe(200);

      clockOffsetMs += changedAt + 71 * HOUR + 59 * 60_000 - clock.now().getTime();
      await signIn(client);
      const held = await withdraw(client, { asset: 'BTC', amount: '0.01', addressId, speed });
      expect([held.status, codeOf(held)]).toEqual([403, 'SECURITY_HOLD']);
      const end = held.body.error?.message.match(/until (\S+)$/)?.[1] as string;
      expect(Date.parse(end)).toBeGreaterThanOrEqual(changedAt + 72 * HOUR);
      expect(Date.parse(end)).toBeLessThan(changedAt + 72 * HOUR + 60_000);
      expect((await rowsOf(client)).withdrawals).toHaveLength(0);

      clockOffsetMs += 2 * 60_000;
      await signIn(client);
      const accepted = await withdraw(client, { asset: 'BTC', amount: '0.01', addressId, speed });
      expect(accepted.status).toBe(202);
      expect((await rowsOf(client)).withdrawals).toEqual([expect.objectContaining({ speed })]);
    },
  );
});

describe('G2 account-takeover chains', () => {
  // The chain exactly as the issue words it (an email change through the B1 routes, the withdrawal from the
  // new device's own session) is in withdrawal-attacks.test.ts; this one takes a duress-password change.
  it('G2 a new device login, then a security change, then a withdrawal goes to manual investigation', async () => {
    const client = await newUser('zora');
    const addressId = await activeAddress(client);
    // The attacker's first login from a new device and network (emailed code, device link).
    client.token = (
      await firstLogin(
        cloud,
        { username: client.username, email: 'zora@example.com', password: PASSWORD },
        'attacker-laptop',
        '127.0.0.9',
      )
    ).accessToken;
    const change = await callFrom(
      cloud,
      '127.0.0.9',
      'PUT',
      '/v1/me/duress-password',
      {
        duressPassword: 'attacker sets a phrase',
        password: PASSWORD,
      },
      { authorization: `Bearer ${client.token}` },
    );
    expect(change.status).toBe(200);
    clockOffsetMs += 72 * HOUR + 60_000;
    client.token = (
      await signInDevAccount(cloud.ports, client.username, PASSWORD, { ip: '127.0.0.9' })
    ).accessToken;
    const answer = await callFrom(
      cloud,
      '127.0.0.9',
      'POST',
      '/v1/me/withdrawals',
      { asset: 'BTC', amount: '0.01', addressId, password: PASSWORD },
      { authorization: `Bearer ${client.token}`, 'idempotency-key': newKey() },
    );
    expect(answer.status).toBe(202);
    const [row] = (await rowsOf(client)).withdrawals as {
      risk: { band: string; signals: { id: string }[] };
    }[];
    expect(row?.risk.band).toBe('unusual');
    expect(row?.risk.signals.map((s) => s.id)).toContain('takeover-chain');
    // The workflow holds it for an admin decision.
    await eventually(async () => {
      const history = await call(client, 'GET', '/v1/me/withdrawals');
      expect((history.body.withdrawals as { status: string }[])[0]?.status).toBe('review');
    });
  });
});
