// F2/C1/C2 screening in the product, over HTTP against the local backend with the real OFAC SDN list loaded
// into the state folder's ListStore: a customer who signs up under a listed name is screened by the
// screening workflow, frozen for withdrawals and lands in the compliance case list, while every answer the
// customer gets is the same as anyone's; a new list version that adds a name re-screens the roster (the
// same ASL file, its Distributed Map run inline) and opens a case; a bad list file is refused whole and the
// version in force stays.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminTier } from '../../lambdas/kernel/settings.js';
import { loadListAndRescreen } from '../../lambdas/screening/list-loading.js';
import { ListFormatError } from '../../lambdas/screening/model.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { LOCAL_ACCOUNT } from '../../local/lambda-context.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { type Slot, sha256, uploadToSlot } from '../support/list-uploads.js';
import { callFrom, localFetch, mailText } from '../support/local-client.js';
import { sdnFiles, sdnFilesWithRow } from '../support/sanctioned-addresses.js';

const PASSWORD = 'correct horse battery staple';
const clock = { now: () => new Date() };
let stateDir: string;
let cloud: LocalCloud;
let compliance: TestAdmin;
/** Second compliance officers, each approving once (a TOTP code is single-use per 30-second step). */
let checkers: TestAdmin[];
let sources = 10;
let phones = 500;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-screening-'));
  // the version in force before the backend starts, as `npm run screening:load` leaves it
  await loadListVersion(new LocalListStore(stateDir), {
    format: 'ofac-sdn-csv',
    list: 'ofac-sdn',
    files: sdnFiles(),
    loadedBy: 'test',
    now: new Date('2026-12-01T00:00:00Z'),
  });
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  compliance = await createAdmin(cloud, {
    username: `screen${Date.now().toString(36)}`,
    tiers: ['compliance'] as AdminTier[],
  });
  checkers = [];
  for (const n of [1, 2]) {
    checkers.push(
      await createAdmin(cloud, {
        username: `check${n}${Date.now().toString(36)}`,
        tiers: ['compliance'] as AdminTier[],
      }),
    );
  }
}, 180_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const asCompliance = (path: string) =>
  callFrom(cloud, '127.0.0.1', 'GET', path, undefined, { authorization: `Bearer ${compliance.token}` });

/** A compliance admin's call (the maker or a checker of load-screening-list). */
const asAdmin = (admin: TestAdmin, method: string, path: string, body?: unknown) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${admin.token}` });
const approvalExecution = (requestId: string) =>
  `arn:aws:states:${cloud.ports.settings.primaryRegion}:${LOCAL_ACCOUNT}:execution:admin-approval:admin-request-${requestId}`;

/** Signs a customer up over HTTP (both codes) and answers their user id and the verification's answer. */
async function signUp(username: string) {
  const user = {
    username,
    email: `mail.${username}@example.com`,
    phone: `+4477009${String(phones++).padStart(5, '0')}`,
    password: PASSWORD,
  };
  const started = await callFrom(cloud, `127.0.0.${sources++}`, 'POST', '/v1/auth/signup', user);
  expect(started.status).toBe(201);
  const emailCode = /\b(\d{6})\b/.exec(await mailText(cloud, user.email, /verify your email/i))?.[1];
  const outbox = (await (await localFetch(cloud, '/_local/outbox')).json()) as {
    sms: { to: string; text: string }[];
  };
  const phoneCode = /\b(\d{6})\b/.exec(outbox.sms.filter((m) => m.to === user.phone).at(-1)?.text ?? '')?.[1];
  const verified = await callFrom(cloud, `127.0.0.${sources++}`, 'POST', '/v1/auth/signup/verify', {
    signupId: started.body.signupId,
    emailCode,
    phoneCode,
  });
  const userId = (await cloud.ports.identity.getUser(username))?.userId as string;
  return { userId, started, verified };
}

/** Polls until `probe` answers something (the screening workflow runs after the answer). */
async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const casesOf = async (userId: string) => {
  const listed = await asCompliance(`/v1/admin/cases?userId=${userId}`);
  expect(listed.status).toBe(200);
  return listed.body.cases as {
    kind: string;
    signals: { code: string; facts?: Record<string, unknown> }[];
  }[];
};

/** The SDN files with one more row listing `name` (`first.last`), added before the end-of-file byte. */
function sdnWith(name: string, entityId: number) {
  const listedName = name.replace('.', ' ').toUpperCase().split(' ').reverse().join(', ');
  return sdnFilesWithRow(
    `${entityId},"${listedName}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n`,
  );
}

/** A load-screening-list request for these files, as the maker makes it; answers the request and its slots. */
async function requestLoad(files: Map<string, Uint8Array>) {
  const made = await asAdmin(compliance, 'POST', '/v1/admin/requests', {
    action: 'load-screening-list',
    target: { kind: 'list', id: 'ofac-sdn' },
    parameters: {
      format: 'ofac-sdn-csv',
      files: [...files].map(([name, bytes]) => ({ name, sha256: sha256(bytes) })),
    },
    reason: 'OFAC SDN update of the day',
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return {
    requestId: made.body.requestId as string,
    payloadHash: made.body.payloadHash as string,
    slots: made.body.uploads as Slot[],
  };
}

async function approveAs(checker: TestAdmin, requestId: string, payloadHash: string) {
  const answer = await asAdmin(checker, 'POST', `/v1/admin/requests/${requestId}/approve`, {
    payloadHash,
    password: checker.password,
    code: adminCode(checker.totpSecret),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return cloud.workflows.waitFor(approvalExecution(requestId));
}

describe('F2 screening in the product', () => {
  it('F2 a customer who signs up under a listed name is frozen for withdrawals and a case appears for compliance; the customer is told nothing', async () => {
    const listed = await signUp('ramzan.kadyrov');
    const clear = await signUp(`quiet.reader${Date.now().toString(36)}`);
    // the same answers, field for field, as anyone's sign-up
    expect(listed.started.body.status).toBe(clear.started.body.status);
    expect(listed.verified.status).toBe(200);
    expect(Object.keys(listed.verified.body).sort()).toEqual(Object.keys(clear.verified.body).sort());
    expect(listed.verified.body.message).toBe(clear.verified.body.message);
    expect(JSON.stringify(listed.verified.body)).not.toMatch(/screen|sanction|list|hit|case/i);

    const cases = await until(async () => {
      const found = await casesOf(listed.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases[0]).toMatchObject({
      kind: 'screening-hit',
      signals: [
        expect.objectContaining({
          code: 'SCREENING_HIT',
          facts: expect.objectContaining({
            band: 'strong',
            list: expect.stringMatching(/^ofac-sdn@20261201T000000Z-/),
          }),
        }),
      ],
    });
    // frozen before the case was opened; the case's id is noted on the freeze one write after the case
    expect(await cloud.ports.screeningStore.state(listed.userId)).toMatchObject({ frozen: true });
    const state = await until(async () => {
      const s = await cloud.ports.screeningStore.state(listed.userId);
      return s?.caseId ? s : undefined;
    });
    expect(state).toMatchObject({ frozen: true, caseId: expect.stringMatching(/^case_/) });
    const decisions = await cloud.ports.screeningStore.decisions(listed.userId);
    expect(decisions[0]).toMatchObject({
      trigger: 'signup',
      band: 'strong',
      listVersions: [
        expect.objectContaining({ list: 'ofac-sdn', version: expect.stringMatching(/^20261201T000000Z-/) }),
      ],
    });
    // the clear customer was screened and recorded, with nothing else
    await until(async () =>
      (await cloud.ports.screeningStore.decisions(clear.userId)).length > 0 ? true : undefined,
    );
    expect(await casesOf(clear.userId)).toEqual([]);
    expect(await cloud.ports.screeningStore.state(clear.userId)).toBeUndefined();
  }, 240_000);

  it('F2 a new list version that adds a name re-screens the roster and opens a case', async () => {
    const name = `nadia.velkova${Date.now().toString(36).replace(/\d/g, '')}`;
    const customer = await signUp(name);
    await until(async () =>
      (await cloud.ports.screeningStore.decisions(customer.userId)).length > 0 ? true : undefined,
    );
    expect(await casesOf(customer.userId)).toEqual([]);

    // the next SDN version lists the customer's name (a row added before the end-of-file byte)
    const files = sdnWith(name, 99999999);
    const loaded = await loadListAndRescreen(
      { lists: cloud.ports.lists, workflows: cloud.workflows, addressIndex: cloud.ports.addressIndex },
      {
        format: 'ofac-sdn-csv',
        list: 'ofac-sdn',
        files,
        loadedBy: 'test',
        now: new Date('2026-12-02T00:00:00Z'),
      },
    );
    expect(loaded).toMatchObject({
      outcome: 'loaded',
      rescreen: expect.stringContaining(':rescreen-ofac-sdn-'),
    });
    expect(await cloud.workflows.waitFor(loaded.rescreen as string)).toMatchObject({ status: 'SUCCEEDED' });
    const cases = await casesOf(customer.userId);
    expect(cases[0]).toMatchObject({
      kind: 'screening-hit',
      signals: [expect.objectContaining({ facts: expect.objectContaining({ entry: 'ofac-sdn:99999999' }) })],
    });
    const decisions = await cloud.ports.screeningStore.decisions(customer.userId);
    expect(decisions.map((d) => d.trigger).sort()).toEqual(['rescreen', 'signup']);
  }, 300_000);

  it('F2 npm run screening:load against the running backend loads into its state folder and starts the re-screen there', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'scripts/screening-load.ts', '--format', 'un-xml', 'data/lists/un/consolidated.xml'],
      {
        env: { ...process.env, PALISADE_STATE_DIR: stateDir, PORT: new URL(cloud.url).port },
        timeout: 120_000,
      },
    );
    const summary = JSON.parse(stdout) as {
      outcome: string;
      version: string;
      rescreen?: { rescreen: string };
    };
    expect(summary).toMatchObject({
      outcome: 'loaded',
      list: 'un-sc',
      rescreen: {
        list: 'un-sc',
        version: summary.version,
        rescreen: expect.stringContaining(':rescreen-un-sc-'),
      },
    });
    expect(await cloud.workflows.waitFor(summary.rescreen?.rescreen as string)).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect((await cloud.ports.lists.current('un-sc'))?.version).toBe(summary.version);
  }, 240_000);

  it('F2 a bad list file is refused whole and the version in force stays', async () => {
    const before = await cloud.ports.lists.current('ofac-sdn');
    const files = sdnFiles();
    const sdn = files.get('sdn.csv') as Uint8Array;
    files.set('sdn.csv', sdn.slice(0, Math.floor(sdn.length / 2))); // truncated: no end-of-file byte
    await expect(
      loadListAndRescreen(
        { lists: cloud.ports.lists, workflows: cloud.workflows, addressIndex: cloud.ports.addressIndex },
        {
          format: 'ofac-sdn-csv',
          list: 'ofac-sdn',
          files,
          loadedBy: 'test',
          now: new Date('2026-12-03T00:00:00Z'),
        },
      ),
    ).rejects.toBeInstanceOf(ListFormatError);
    expect(await cloud.ports.lists.current('ofac-sdn')).toEqual(before);
  }, 120_000);

  it('F2 load-screening-list: a compliance officer requests a version and uploads its files to the slots, a second approves, the version is current and the re-screen opens a case', async () => {
    const name = `ilse.marrow${Date.now().toString(36).replace(/\d/g, '')}`;
    const customer = await signUp(name);
    await until(async () =>
      (await cloud.ports.screeningStore.decisions(customer.userId)).length > 0 ? true : undefined,
    );
    const before = await cloud.ports.lists.current('ofac-sdn');
    const files = sdnWith(name, 99999998);
    const { requestId, payloadHash, slots } = await requestLoad(files);
    expect(slots.map((s) => s.name).sort()).toEqual([...files.keys()].sort());
    for (const slot of slots) expect(await uploadToSlot(slot, files.get(slot.name) as Uint8Array)).toBe(204);
    // maker ≠ checker: the requester may not approve
    const self = await asAdmin(compliance, 'POST', `/v1/admin/requests/${requestId}/approve`, {
      payloadHash,
      password: compliance.password,
      code: adminCode(compliance.totpSecret),
    });
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'SELF_APPROVAL' } } });

    expect(await approveAs(checkers[0] as TestAdmin, requestId, payloadHash)).toMatchObject({
      status: 'SUCCEEDED',
    });
    const current = await cloud.ports.lists.current('ofac-sdn');
    expect(current?.version).not.toBe(before?.version);
    expect(current).toMatchObject({ loadedBy: `admin-request:${requestId}` });
    const cases = await until(async () => {
      const found = await casesOf(customer.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases[0]).toMatchObject({
      kind: 'screening-hit',
      signals: [expect.objectContaining({ facts: expect.objectContaining({ entry: 'ofac-sdn:99999998' }) })],
    });
    // the request, its approval and the load, in the audit chain of the request
    const audit = (await cloud.ports.audit.byTarget({ kind: 'request', id: requestId }, 50)).items;
    const executed = audit.find((r) => r.action === 'admin.execute' && r.outcome === 'success');
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['admin.request', 'admin.execute']));
    expect(audit.filter((r) => r.actor.id === (checkers[0] as TestAdmin).adminId).length).toBeGreaterThan(0);
    expect(executed?.details).toMatchObject({
      outcome: 'loaded',
      list: 'ofac-sdn',
      version: current?.version,
    });
  }, 300_000);

  it('F2 load-screening-list: an upload that is not the approved bytes is refused at execution and the version in force stays', async () => {
    const before = await cloud.ports.lists.current('ofac-sdn');
    const files = sdnWith('tobias.quell', 99999997);
    const { requestId, payloadHash, slots } = await requestLoad(files);
    const tampered = sdnWith('tobias.quelle', 99999997).get('sdn.csv') as Uint8Array;
    for (const slot of slots) {
      const bytes = slot.name === 'sdn.csv' ? tampered : (files.get(slot.name) as Uint8Array);
      expect(await uploadToSlot(slot, bytes)).toBe(204);
    }
    expect(await approveAs(checkers[1] as TestAdmin, requestId, payloadHash)).toMatchObject({
      status: 'FAILED',
    });
    expect(await cloud.ports.adminRequests.get(requestId)).toMatchObject({
      status: 'failed',
      failureCode: 'STAGED_FILE_MISMATCH',
    });
    expect(await cloud.ports.lists.current('ofac-sdn')).toEqual(before);
  }, 300_000);

  it('F2 npm run screening:backfill enrols the accounts missing from the roster and re-screens them: the listed name opens a case; a second run enrols nothing', async () => {
    // customers created before screening existed: account rows, no roster row, never screened
    const stamp = Date.now().toString(36);
    const listed = { userId: `bf-listed-${stamp}`, username: 'ramzan.kadyrov' };
    const clear = { userId: `bf-clear-${stamp}`, username: `quiet.backfill${stamp}` };
    for (const [i, user] of [listed, clear].entries()) {
      await cloud.ports.accounts.createAccount({
        ...user,
        email: `backfill${i}.${stamp}@example.com`,
        createdAt: new Date().toISOString(),
      });
      expect(await cloud.ports.screeningStore.enrolled(user.userId)).toBe(false);
    }
    const run = async () => {
      const { stdout, stderr } = await promisify(execFile)(
        'npx',
        ['tsx', 'scripts/screening-backfill.ts', '--page', '5'],
        {
          env: { ...process.env, PALISADE_STATE_DIR: stateDir, PORT: new URL(cloud.url).port },
          timeout: 120_000,
        },
      );
      return { summary: JSON.parse(stdout) as Record<string, unknown>, stderr };
    };
    const first = await run();
    expect(first.stderr).toMatch(/^page 1: /m);
    expect(first.summary).toMatchObject({
      enrolledNow: 2,
      rescreen: expect.stringContaining(':rescreen-backfill-'),
    });
    expect(first.summary.accountsSeen).toBe(
      (first.summary.alreadyEnrolled as number) + (first.summary.enrolledNow as number),
    );
    expect(await cloud.workflows.waitFor(first.summary.rescreen as string)).toMatchObject({
      status: 'SUCCEEDED',
    });
    for (const user of [listed, clear]) {
      expect(await cloud.ports.screeningStore.enrolled(user.userId)).toBe(true);
      const decisions = await cloud.ports.screeningStore.decisions(user.userId);
      expect(decisions.map((d) => d.trigger)).toEqual(['rescreen']);
    }
    const cases = await until(async () => {
      const found = await casesOf(listed.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases[0]).toMatchObject({ kind: 'screening-hit' });
    expect(await casesOf(clear.userId)).toEqual([]);

    const second = await run();
    expect(second.summary).toMatchObject({ enrolledNow: 0, rescreen: null });
    expect(second.summary.alreadyEnrolled).toBe(second.summary.accountsSeen);
  }, 300_000);
});
