// F2 PEP screening in the product, over HTTP against the local backend: the OFAC SDN list is in force; a PEP
// list (FollowTheMoney lines) is loaded through the approval plane (`load-screening-list`, target `pep`,
// maker ≠ checker); its re-screen opens an enhanced-due-diligence case for the customer it names, who is NOT
// frozen; the admin user view shows the decisions (PEP flag, lists and versions, the case) to compliance only;
// a customer signing up under a PEP name is told nothing; a new PEP version re-screens the roster again.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminTier } from '../../lambdas/kernel/settings.js';
import { loadListAndRescreen } from '../../lambdas/screening/list-loading.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { LOCAL_ACCOUNT } from '../../local/lambda-context.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { type Slot, sha256, uploadToSlot } from '../support/list-uploads.js';
import { callFrom, localFetch, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const clock = { now: () => new Date() };
const SDN = 'data/lists/ofac-sdn';
const stamp = Date.now().toString(36).replace(/\d/g, '');
/** Customers' usernames: one named on the first PEP version, one added by the second. */
const PEP_ONE = `velmira.ostrakova${stamp}`;
const PEP_TWO = `teodor.brankovic${stamp}`;
let stateDir: string;
let cloud: LocalCloud;
let compliance: TestAdmin;
let checker: TestAdmin;
let support: TestAdmin;
let sources = 10;
let phones = 700;

const pepLine = (id: string, username: string, topics: string[]) =>
  JSON.stringify({
    id,
    schema: 'Person',
    properties: {
      name: [username.replace('.', ' ').replace(/\b\w/g, (c) => c.toUpperCase())],
      topics,
      country: ['xk'],
    },
    datasets: ['pep'],
  });
const pepFile = (...lines: string[]) =>
  new Map([['entities.ftm.json', new TextEncoder().encode(`${lines.join('\n')}\n`)]]);

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-pep-'));
  // the SDN version in force before the backend starts; no PEP list yet
  await loadListVersion(new LocalListStore(stateDir), {
    format: 'ofac-sdn-csv',
    list: 'ofac-sdn',
    files: new Map(
      ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map(
        (name) => [name, new Uint8Array(readFileSync(join(SDN, name)))] as const,
      ),
    ),
    loadedBy: 'test',
    now: new Date('2026-12-01T00:00:00Z'),
  });
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  const admin = (prefix: string, tiers: AdminTier[]) =>
    createAdmin(cloud, { username: `${prefix}${Date.now().toString(36)}`, tiers });
  compliance = await admin('pepmaker', ['compliance']);
  checker = await admin('pepcheck', ['compliance']);
  support = await admin('pepsupport', ['support']);
}, 180_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const asAdmin = (admin: TestAdmin, method: string, path: string, body?: unknown) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${admin.token}` });

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
  expect(verified.status).toBe(200);
  const userId = (await cloud.ports.identity.getUser(username))?.userId as string;
  return { userId, started, verified };
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const decisionsOf = (userId: string) => cloud.ports.screeningStore.decisions(userId);
const casesOf = async (userId: string) => {
  const listed = await asAdmin(compliance, 'GET', `/v1/admin/cases?userId=${userId}`);
  expect(listed.status).toBe(200);
  return listed.body.cases as {
    caseId: string;
    kind: string;
    signals: { code: string; facts?: Record<string, unknown> }[];
  }[];
};

interface ViewDecision {
  decisionId: string;
  trigger: string;
  band: string;
  action: string;
  lists: { list: string; version: string }[];
  caseId?: string;
  frozen: boolean;
  pep?: { flagged: boolean; roles: string[] };
  hits: { entityId: string; matchedName: string; category: string }[];
}

describe('F2 PEP screening in the product', () => {
  let first: { userId: string };

  it('F2 a PEP list loaded through the approval plane re-screens the roster: the customer it names gets an EDD case and is NOT frozen; compliance sees the decisions in the user view, support does not', async () => {
    first = await signUp(PEP_ONE);
    // no PEP list yet: screened against the SDN version alone (not `not-screened`), no PEP finding
    const atSignup = await until(async () => {
      const found = await decisionsOf(first.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(atSignup[0]).toMatchObject({ trigger: 'signup', band: 'clear' });
    expect(atSignup[0]?.listVersions.map((v) => v.list)).toEqual(['ofac-sdn']);
    expect(atSignup[0]?.pep).toBeUndefined();

    const files = pepFile(
      pepLine('pep-001', PEP_ONE, ['role.pep.natl']),
      pepLine('pep-002', 'Quiet Official', ['role.pep']),
    );
    const made = await asAdmin(compliance, 'POST', '/v1/admin/requests', {
      action: 'load-screening-list',
      target: { kind: 'list', id: 'pep' },
      parameters: {
        format: 'ftm-jsonl',
        files: [...files].map(([name, bytes]) => ({ name, sha256: sha256(bytes) })),
      },
      reason: 'PEP list of the month',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    for (const slot of made.body.uploads as Slot[])
      expect(await uploadToSlot(slot, files.get(slot.name) as Uint8Array)).toBe(204);
    const approved = await asAdmin(checker, 'POST', `/v1/admin/requests/${made.body.requestId}/approve`, {
      payloadHash: made.body.payloadHash,
      password: checker.password,
      code: adminCode(checker.totpSecret),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(
      await cloud.workflows.waitFor(
        `arn:aws:states:${cloud.ports.settings.primaryRegion}:${LOCAL_ACCOUNT}:execution:admin-approval:admin-request-${made.body.requestId}`,
      ),
    ).toMatchObject({ status: 'SUCCEEDED' });
    const pepVersion = await cloud.ports.lists.current('pep');
    expect(pepVersion).toMatchObject({ loadedBy: `admin-request:${made.body.requestId}` });

    const cases = await until(async () => {
      const found = await casesOf(first.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      kind: 'pep-edd',
      signals: [
        expect.objectContaining({
          code: 'PEP_HIT',
          facts: expect.objectContaining({
            band: 'pep',
            entry: 'pep:pep-001',
            pepRoles: 'role.pep.natl',
            list: `pep@${pepVersion?.version}`,
          }),
        }),
      ],
    });
    // never frozen for a PEP hit
    expect(await cloud.ports.screeningStore.state(first.userId)).toBeUndefined();
    const rescreened = (await decisionsOf(first.userId)).find((d) => d.trigger === 'rescreen');
    expect(rescreened).toMatchObject({
      band: 'pep',
      action: 'edd',
      pep: { flagged: true, roles: ['role.pep.natl'] },
    });

    // the admin user view: compliance sees the decisions, newest first
    const seen = await asAdmin(compliance, 'GET', `/v1/admin/users/${first.userId}`);
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body.email).toMatch(/\*/); // personal data still masked
    expect(seen.body.screening).toMatchObject({ state: { frozen: false }, pep: 'pep' });
    const shown = (seen.body.screening as { decisions: ViewDecision[] }).decisions;
    expect(shown.map((d) => d.trigger)).toEqual(['rescreen', 'signup']);
    expect(shown[0]).toMatchObject({
      decisionId: rescreened?.decisionId,
      band: 'pep',
      action: 'edd',
      caseId: cases[0]?.caseId,
      frozen: false,
      pep: { flagged: true, roles: ['role.pep.natl'] },
      hits: [expect.objectContaining({ entityId: 'pep:pep-001', category: 'pep' })],
    });
    expect(shown[0]?.lists.map((l) => l.list).sort()).toEqual(['ofac-sdn', 'pep']);
    expect(shown[0]?.lists.find((l) => l.list === 'pep')?.version).toBe(pepVersion?.version);
    expect(shown[1]).toMatchObject({ band: 'clear', frozen: false });
    expect(shown[1]).not.toHaveProperty('pep');
    expect(shown[1]).not.toHaveProperty('caseId');
    // support takes the customer's calls: no screening in their view (tipping-off)
    const bySupport = await asAdmin(support, 'GET', `/v1/admin/users/${first.userId}`);
    expect(bySupport.status).toBe(200);
    expect(bySupport.body).not.toHaveProperty('screening');
  }, 300_000);

  it('F2 a customer signing up under a PEP name gets the answers anyone gets and an EDD case, not a freeze', async () => {
    const listed = await signUp(`quiet.official`);
    const clear = await signUp(`calm.reader${stamp}`);
    expect(Object.keys(listed.verified.body).sort()).toEqual(Object.keys(clear.verified.body).sort());
    expect(listed.verified.body.message).toBe(clear.verified.body.message);
    expect(JSON.stringify(listed.verified.body)).not.toMatch(/screen|pep|politic|list|hit|case|edd/i);
    const cases = await until(async () => {
      const found = await casesOf(listed.userId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases[0]).toMatchObject({ kind: 'pep-edd' });
    expect(await cloud.ports.screeningStore.state(listed.userId)).toBeUndefined();
    const [decision] = await decisionsOf(listed.userId);
    expect(decision).toMatchObject({ trigger: 'signup', action: 'edd', pep: { flagged: true } });
  }, 240_000);

  it('F2 a new PEP version re-screens the roster: the customer it adds gets an EDD case; the others get a decision on the new version', async () => {
    const second = await signUp(PEP_TWO);
    await until(async () => ((await decisionsOf(second.userId)).length > 0 ? true : undefined));
    expect(await casesOf(second.userId)).toEqual([]);
    const loaded = await loadListAndRescreen(
      { lists: cloud.ports.lists, workflows: cloud.workflows, addressIndex: cloud.ports.addressIndex },
      {
        format: 'ftm-jsonl',
        list: 'pep',
        files: pepFile(
          pepLine('pep-001', PEP_ONE, ['role.pep.natl']),
          pepLine('pep-002', 'Quiet Official', ['role.pep']),
          pepLine('pep-003', PEP_TWO, ['role.rca']),
        ),
        loadedBy: 'test',
        now: new Date(),
      },
    );
    expect(loaded).toMatchObject({ outcome: 'loaded', rescreen: expect.stringContaining(':rescreen-pep-') });
    expect(await cloud.workflows.waitFor(loaded.rescreen as string)).toMatchObject({ status: 'SUCCEEDED' });
    const version = loaded.manifest.version;
    const cases = await casesOf(second.userId);
    expect(cases[0]).toMatchObject({
      kind: 'pep-edd',
      signals: [
        expect.objectContaining({
          facts: expect.objectContaining({ entry: 'pep:pep-003', pepRoles: 'role.rca' }),
        }),
      ],
    });
    expect(await cloud.ports.screeningStore.state(second.userId)).toBeUndefined();
    // the first PEP customer: a decision on the new version, joining the EDD case still open
    const firstDecisions = await decisionsOf(first.userId);
    const onNew = firstDecisions.find((d) =>
      d.listVersions.some((v) => v.list === 'pep' && v.version === version),
    );
    expect(onNew).toMatchObject({ trigger: 'rescreen', action: 'edd', pep: { flagged: true } });
    expect(await casesOf(first.userId)).toHaveLength(1);
    const view = await asAdmin(compliance, 'GET', `/v1/admin/users/${second.userId}`);
    expect(view.body.screening).toMatchObject({ pep: 'pep' });
    expect((view.body.screening as { decisions: ViewDecision[] }).decisions[0]).toMatchObject({
      trigger: 'rescreen',
      pep: { flagged: true, roles: ['role.rca'] },
      caseId: cases[0]?.caseId,
    });
  }, 300_000);
});
