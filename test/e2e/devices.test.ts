// End to end over HTTP, as a mobile client: the device whitelist (A7). A first login whitelists its device
// under a readable name; the user lists and removes devices; a removed device's next login waits for the
// emailed link again; another user's devices can be neither seen nor removed (E5).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { followLink, linkIn } from '../support/email-links.js';
import { callFrom, createDevUser, firstLogin, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const ANN = { username: 'ann-devices', email: 'ann-devices@example.com', password: PASSWORD };
const BOB = { username: 'bob-devices', email: 'bob-devices@example.com', password: PASSWORD };
const ANN_SOURCE = '127.0.7.1';
const BOB_SOURCE = '127.0.8.1';
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-devices-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  await createDevUser(cloud, ANN.username, PASSWORD, ANN.email);
  await createDevUser(cloud, BOB.username, PASSWORD, BOB.email);
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface DeviceView {
  deviceId: string;
  name: string;
  addedAt: string;
  lastSeenAt: string;
  current: boolean;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function devicesOf(token: string): Promise<DeviceView[]> {
  const answer = await callFrom(cloud, '127.0.0.1', 'GET', '/v1/me/devices', undefined, bearer(token));
  expect(answer.status).toBe(200);
  return (answer.body as unknown as { devices: DeviceView[] }).devices;
}

const removeDevice = (token: string, deviceId: string) =>
  callFrom(cloud, '127.0.0.1', 'DELETE', `/v1/me/devices/${deviceId}`, undefined, bearer(token));

/** A login from a known network: tokens at once, or the device-confirmation step. */
const loginFrom = (
  user: typeof ANN,
  deviceId: string,
  source: string,
  headers: Record<string, string> = {},
) =>
  callFrom(
    cloud,
    source,
    'POST',
    '/v1/auth/login',
    { username: user.username, password: user.password, deviceId },
    headers,
  );

/** Opens the newest device link in the user's mail and polls the waiting login to its tokens. */
async function confirmDevice(user: typeof ANN, loginId: string, source: string): Promise<string> {
  await followLink(linkIn(await mailText(cloud, user.email, /new device/i), '/v1/auth/device-links/'));
  const done = await callFrom(cloud, source, 'POST', '/v1/auth/challenge', {
    loginId,
    challenge: 'device-confirmation',
  });
  expect(done.body.status).toBe('authenticated');
  return (done.body.tokens as { accessToken: string }).accessToken;
}

describe('A7 device whitelist', () => {
  let annToken: string;
  let bobToken: string;

  it('A7 after a first login the device is listed with a readable name; newest last-seen first', async () => {
    annToken = (await firstLogin(cloud, ANN, 'ann-app-000001', ANN_SOURCE)).accessToken;
    expect(await devicesOf(annToken)).toEqual([
      {
        deviceId: 'ann-app-000001',
        name: 'PalisadeTest 1.0',
        addedAt: expect.any(String),
        lastSeenAt: expect.any(String),
        current: true,
      },
    ]);

    // A second device, a browser this time: the device link, then it heads the list.
    const start = await loginFrom(ANN, 'ann-safari-0001', ANN_SOURCE, { 'user-agent': IPHONE_SAFARI });
    expect(start.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    annToken = await confirmDevice(ANN, start.body.loginId as string, ANN_SOURCE);
    const devices = await devicesOf(annToken);
    expect(devices.map((d) => d.deviceId)).toEqual(['ann-safari-0001', 'ann-app-000001']);
    expect(devices[0]?.name).toMatch(/^Safari 17 on iOS 17/);
    // The device of the caller's own session is the current one.
    expect(devices.map((d) => d.current)).toEqual([true, false]);
  });

  it("A7 E5 a user sees only their own devices and cannot remove another user's (404, nothing changes)", async () => {
    bobToken = (await firstLogin(cloud, BOB, 'bob-app-000001', BOB_SOURCE)).accessToken;
    expect((await devicesOf(bobToken)).map((d) => d.deviceId)).toEqual(['bob-app-000001']);
    const annBefore = await devicesOf(annToken);
    expect(annBefore.map((d) => d.deviceId)).not.toContain('bob-app-000001');

    const refused = await removeDevice(bobToken, 'ann-app-000001');
    expect(refused.status).toBe(404);
    expect(refused.body.error?.code).toBe('NOT_FOUND');
    // Exactly the answer to a device id nobody has: nothing tells that the id exists.
    const unknown = await removeDevice(bobToken, 'nobody-has-this-1');
    expect(unknown.comparable).toBe(refused.comparable);

    expect(await devicesOf(annToken)).toEqual(annBefore);
    const still = await loginFrom(ANN, 'ann-app-000001', ANN_SOURCE);
    expect(still.body.status).toBe('authenticated');
  });

  it('A7 a removed device is no longer listed, its sessions end; its next login asks for the device link again', async () => {
    const fromApp = await loginFrom(ANN, 'ann-app-000001', ANN_SOURCE);
    const appToken = (fromApp.body.tokens as { accessToken: string }).accessToken;
    expect((await devicesOf(appToken)).length).toBe(2);
    const removed = await removeDevice(annToken, 'ann-app-000001');
    expect(removed.status).toBe(200);
    // Three logins from the app so far (the first, the one of the test before, this one), all ended.
    expect(removed.body).toMatchObject({
      removed: 'device',
      removedAt: expect.any(String),
      sessionsEnded: 3,
    });
    const refused = await callFrom(cloud, '127.0.0.1', 'GET', '/v1/me/devices', undefined, bearer(appToken));
    expect(refused.status).toBe(401);
    // The session of the other device (Safari) goes on: annToken still works below.
    expect((await devicesOf(annToken)).map((d) => d.deviceId)).toEqual(['ann-safari-0001']);
    expect((await removeDevice(annToken, 'ann-app-000001')).status).toBe(404);

    // The bot shield no longer counts it as a known device of the account (A3).
    const verdict = await cloud.ports.shield.check({
      username: ANN.username,
      ip: ANN_SOURCE,
      deviceId: 'ann-app-000001',
      now: new Date(),
    });
    expect(verdict).toMatchObject({ allow: true, knownDevice: false });

    const again = await loginFrom(ANN, 'ann-app-000001', ANN_SOURCE);
    expect(again.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    await confirmDevice(ANN, again.body.loginId as string, ANN_SOURCE);
    // Whitelisted again, and from then on it logs in at once (the row read back verified).
    expect((await loginFrom(ANN, 'ann-app-000001', ANN_SOURCE)).body.status).toBe('authenticated');
    expect((await devicesOf(annToken)).map((d) => d.deviceId).sort()).toEqual([
      'ann-app-000001',
      'ann-safari-0001',
    ]);
  });

  it('A7 the routes need a token and a well-formed device id', async () => {
    expect((await callFrom(cloud, '127.0.0.1', 'GET', '/v1/me/devices')).status).toBe(401);
    expect((await callFrom(cloud, '127.0.0.1', 'DELETE', '/v1/me/devices/ann-app-000001')).status).toBe(401);
    expect((await removeDevice(annToken, 'x')).status).toBe(400);
  });
});
