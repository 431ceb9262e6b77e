// End to end over HTTP, withdrawals under attack (C2, B2, G2): the takeover chain as the issue words it (a
// login from a new device, an email change through the B1 routes, a withdrawal from that device once the
// hold is over → manual investigation); a second security change during the hold extends it for
// withdrawals; TOTP step-up; the order of refusals (suspended before anything, held before the address).
// Time is the injected clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
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
const DAY = 24 * HOUR;
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const P2PKH = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2';
const ATTACKER_IP = '127.0.66.9';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let keys = 0;
const newKey = () => `attack-${Date.now().toString(36)}-${++keys}`;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-withdrawal-attacks-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
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
  email: string;
  token: string;
  source: string;
}

const newUser = async (username: string): Promise<Client> => {
  const account = await createDevUser(cloud, username, PASSWORD);
  return {
    userId: account.userId,
    username,
    email: `${username}@example.com`,
    token: account.accessToken,
    source: '127.0.0.1',
  };
};
/** A fresh dev session at the clock's time (sessions last 12 hours; these tests move days). */
const signIn = async (client: Client) => {
  client.token = (await signInDevAccount(cloud.ports, client.username, PASSWORD)).accessToken;
};
const call = (client: Client, method: string, path: string, body?: unknown, headers = {}) =>
  callFrom(cloud, client.source, method, path, body, { authorization: `Bearer ${client.token}`, ...headers });
const withdraw = (client: Client, body: Record<string, unknown>) =>
  call(
    client,
    'POST',
    '/v1/me/withdrawals',
    { password: PASSWORD, ...body },
    { 'idempotency-key': newKey() },
  );
const codeOf = (answer: JsonAnswer) => [answer.status, answer.body.error?.code];

/** Adds an address, clicks its emailed link, and moves the clock past its cooling period. */
const activeAddress = async (client: Client, address = SEGWIT): Promise<string> => {
  const added = await call(client, 'POST', '/v1/me/addresses', {
    asset: 'BTC',
    address,
    label: 'cold wallet',
  });
  expect(added.status).toBe(201);
  const addressId = (added.body.address as { addressId: string }).addressId;
  await followLink(
    linkIn(await mailText(cloud, client.email, /withdrawal address/i), '/v1/addresses/confirm/'),
  );
  clockOffsetMs += cloud.ports.settings.addressCoolingHours * HOUR + 60_000;
  await signIn(client);
  return addressId;
};

/** A login from a device already whitelisted on a known network: tokens at once. */
async function knownDeviceLogin(client: Client, deviceId: string): Promise<void> {
  const login = await callFrom(cloud, client.source, 'POST', '/v1/auth/login', {
    username: client.username,
    password: PASSWORD,
    deviceId,
  });
  expect(login.body.status).toBe('authenticated');
  client.token = (login.body.tokens as { accessToken: string }).accessToken;
}

/** Everything a withdrawal request can leave behind: rows, the limits ledger, idempotency records. */
const traces = async (client: Client) => {
  const query = (table: string, pk: string) =>
    cloud.runtime.dynamo.documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
  const { Items = [] } = await query(TABLES.accounts.logicalName, `USER#${client.userId}`);
  const idempotency = await query(TABLES.idempotency.logicalName, 'IDEMPOTENCY#withdrawal-request');
  return {
    withdrawals: Items.filter((i) => String(i.sk).startsWith('WITHDRAWAL#')),
    ledger: Items.find((i) => i.sk === 'WITHDRAWAL-LEDGER'),
    idempotency: idempotency.Items?.length ?? 0,
  };
};

interface StoredRisk {
  deviceId?: string;
  risk: { band: string; signals: { id: string; detail: string }[] };
}

describe('G2 the account-takeover chain', () => {
  it('G2 a login from a new device, an email change, a withdrawal from that device after the hold → review with takeover-chain', async () => {
    const gina = await newUser('gina');
    // The owner's own phone, whitelisted long ago; her address confirmed and cooled.
    await firstLogin(cloud, { username: 'gina', email: gina.email, password: PASSWORD }, 'gina-phone-0001');
    const addressId = await activeAddress(gina);
    clockOffsetMs += 30 * DAY;

    // The attacker, with her password and her mailbox: a first login from a new device and network.
    const attacker: Client = { ...gina, source: ATTACKER_IP };
    attacker.token = (
      await firstLogin(
        cloud,
        { username: 'gina', email: gina.email, password: PASSWORD },
        'attacker-laptop-01',
        ATTACKER_IP,
      )
    ).accessToken;
    // The email change through the B1 routes: the code goes to the attacker's new address.
    const started = await call(attacker, 'PUT', '/v1/me/email', {
      newEmail: 'gina.attacker@example.net',
      password: PASSWORD,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const code = /\b(\d{6})\b/.exec(
      await mailText(cloud, 'gina.attacker@example.net', /confirm your new email/i),
    )?.[1];
    const confirmed = await call(attacker, 'POST', '/v1/me/email/confirm', { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(codeOf(await withdraw(attacker, { asset: 'BTC', amount: '0.01', addressId }))).toEqual([
      403,
      'SECURITY_HOLD',
    ]);

    // After the hold, the attacker's laptop logs in again (a known device now) and withdraws.
    clockOffsetMs += 72 * HOUR + 60_000;
    await knownDeviceLogin(attacker, 'attacker-laptop-01');
    const answer = await withdraw(attacker, { asset: 'BTC', amount: '0.01', addressId });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.comparable).not.toMatch(/risk|takeover|signal/);

    const [row] = (await traces(gina)).withdrawals as unknown as StoredRisk[];
    // The device is the one that opened this session (its row names it), not a guess.
    expect(row?.deviceId).toBe('attacker-laptop-01');
    expect(row?.risk.band).toBe('unusual');
    const chain = row?.risk.signals.find((s) => s.id === 'takeover-chain');
    expect(chain?.detail).toMatch(/then a security change \(email-changed\) .* then this withdrawal/);
    expect(row?.risk.signals.map((s) => s.id)).toEqual(
      expect.arrayContaining(['new-device', 'recent-security-change']),
    );
    // The workflow holds it for a manual investigation.
    await eventually(async () => {
      const history = await call(attacker, 'GET', '/v1/me/withdrawals');
      expect((history.body.withdrawals as { withdrawalId: string; status: string }[])[0]).toMatchObject({
        withdrawalId: answer.body.withdrawalId,
        status: 'review',
      });
    });

    // The owner's old phone, after the same change, is no takeover chain: the device is the session's own.
    await knownDeviceLogin(gina, 'gina-phone-0001');
    const own = await withdraw(gina, { asset: 'BTC', amount: '0.01', addressId });
    expect(own.status).toBe(202);
    const mine = (
      (await traces(gina)).withdrawals as unknown as (StoredRisk & { withdrawalId: string })[]
    ).find((w) => w.withdrawalId === own.body.withdrawalId);
    expect(mine?.deviceId).toBe('gina-phone-0001');
    expect(mine?.risk.signals.map((s) => s.id)).not.toContain('takeover-chain');
    expect(mine?.risk.signals.map((s) => s.id)).not.toContain('new-device');
    await eventually(async () => {
      const history = await call(gina, 'GET', '/v1/me/withdrawals');
      const ofOwner = (history.body.withdrawals as { withdrawalId: string; status: string }[]).find(
        (w) => w.withdrawalId === own.body.withdrawalId,
      );
      expect(ofOwner?.status).toBe('dispatched');
    });
  });
});

describe('B2 the hold on withdrawals', () => {
  it('B2 a second security change during the hold extends it: refused after the first end, accepted after the second', async () => {
    const hana = await newUser('hana');
    const addressId = await activeAddress(hana);
    const duress = (duressPassword: string) =>
      call(hana, 'PUT', '/v1/me/duress-password', { duressPassword, password: PASSWORD });
    const firstAt = clock.now().getTime();
    expect((await duress('first duress phrase here')).status).toBe(200);
    clockOffsetMs += 24 * HOUR;
    await signIn(hana);
    const secondAt = clock.now().getTime();
    expect((await duress('second duress phrase here')).status).toBe(200);

    const at = async (instant: number) => {
      clockOffsetMs += instant - clock.now().getTime();
      await signIn(hana);
      return withdraw(hana, { asset: 'BTC', amount: '0.01', addressId });
    };
    const afterFirst = await at(firstAt + 72 * HOUR + 60_000);
    expect(codeOf(afterFirst)).toEqual([403, 'SECURITY_HOLD']);
    const end = Date.parse(afterFirst.body.error?.message.match(/until (\S+)$/)?.[1] as string);
    expect(end).toBeGreaterThanOrEqual(secondAt + 72 * HOUR);
    expect(end).toBeLessThan(secondAt + 72 * HOUR + 60_000);
    expect(codeOf(await at(secondAt + 72 * HOUR - 60_000))).toEqual([403, 'SECURITY_HOLD']);
    expect((await traces(hana)).withdrawals).toHaveLength(0);

    expect((await at(secondAt + 72 * HOUR + 60_000)).status).toBe(202);
    expect((await traces(hana)).withdrawals).toHaveLength(1);
  });
});

describe('C2 step-up and the order of refusals', () => {
  it('C2 a user with TOTP: no code is TOTP_REQUIRED, a wrong one REAUTH_FAILED, nothing written; a current one passes', async () => {
    const tara = await newUser('tara');
    const addressId = await activeAddress(tara);
    // TOTP turned on behind the routes (its own route starts a hold; that is tested elsewhere).
    const { secret } = await cloud.ports.identity.beginTotpEnrolment(tara.token);
    const codeNow = () => {
      clockOffsetMs += 30_000;
      return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    };
    await cloud.ports.identity.confirmTotpEnrolment(tara.token, await codeNow());
    const before = await traces(tara);

    expect(codeOf(await withdraw(tara, { asset: 'BTC', amount: '0.01', addressId }))).toEqual([
      400,
      'TOTP_REQUIRED',
    ]);
    const current = await codeNow();
    const wrong = current === '123456' ? '654321' : '123456';
    const refused = await withdraw(tara, { asset: 'BTC', amount: '0.01', addressId, code: wrong });
    expect(codeOf(refused)).toEqual([400, 'REAUTH_FAILED']);
    const badPassword = await withdraw(tara, {
      asset: 'BTC',
      amount: '0.01',
      addressId,
      code: current,
      password: 'not her password',
    });
    expect(codeOf(badPassword)).toEqual([400, 'REAUTH_FAILED']);
    expect(await traces(tara)).toEqual(before);
    expect(before).toMatchObject({ withdrawals: [], ledger: undefined });

    const accepted = await withdraw(tara, { asset: 'BTC', amount: '0.01', addressId, code: await codeNow() });
    expect(accepted.status).toBe(202);
    expect((await traces(tara)).withdrawals).toHaveLength(1);
  });

  it('C2 a suspended account is refused ACCOUNT_SUSPENDED before any other check, even with a bad address', async () => {
    const sami = await newUser('sami');
    await activeAddress(sami);
    const before = await traces(sami);
    // The authorizer refuses a suspended account's token outright, so the handler's own check matters for a
    // suspension landing between the authorizer's answer and the handler: made to happen exactly there.
    const functions = cloud.runtime.functions;
    const invoke = functions.invoke.bind(functions);
    functions.invoke = async (id, event, requestId) => {
      if (id === 'RequestWithdrawal') await cloud.ports.accounts.suspend(sami.userId, clock.now(), 'test');
      return invoke(id, event, requestId);
    };
    try {
      const answer = await withdraw(sami, {
        asset: 'BTC',
        amount: '-1',
        addressId: 'no-such-address',
        password: 'not his password',
      });
      expect(codeOf(answer)).toEqual([403, 'ACCOUNT_SUSPENDED']);
    } finally {
      functions.invoke = invoke;
    }
    expect(await traces(sami)).toEqual(before);
    // From then on the authorizer itself refuses the token.
    expect((await withdraw(sami, { asset: 'BTC', amount: '0.01', addressId: 'x' })).status).toBe(401);
  });

  it('C2 an account on hold is refused SECURITY_HOLD before an address, amount or password error', async () => {
    const hugo = await newUser('hugo');
    await activeAddress(hugo);
    const added = await call(hugo, 'POST', '/v1/me/addresses', {
      asset: 'BTC',
      address: P2PKH,
      label: 'pending one',
    });
    const pending = (added.body.address as { addressId: string }).addressId;
    const change = await call(hugo, 'PUT', '/v1/me/duress-password', {
      duressPassword: 'a duress phrase of hugo',
      password: PASSWORD,
    });
    expect(change.status).toBe(200);
    const before = await traces(hugo);
    for (const body of [
      { asset: 'BTC', amount: '0.01', addressId: 'no-such-address' },
      { asset: 'BTC', amount: '0.01', addressId: pending },
      { asset: 'BTC', amount: '-1', addressId: pending, password: 'not his password' },
    ]) {
      const answer = await withdraw(hugo, body);
      expect(codeOf(answer), JSON.stringify(body)).toEqual([403, 'SECURITY_HOLD']);
    }
    expect(await traces(hugo)).toEqual(before);
  });
});
