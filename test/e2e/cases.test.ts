// F3/F6/F7 end to end through the local gateway: a user's report opens a case the user sees with a coarse
// status only; compliance works the case (list, get, note, steps); closing it is an approval-plane request
// (the maker cannot approve it, nor can a non-compliance tier); a reported case exports as goAML XML that
// parses back with the subject's data from the vault; a breach incident runs its clocks on the injected
// clock (the workflow's tasks invoked as the Wait would wake them, then the ASL run to its end).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import type { AdminTier } from '../../lambdas/kernel/settings.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { callFrom, createDevUser, eventually, type JsonAnswer, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let stateDir: string;
let cloud: LocalCloud;
const admins: Record<string, TestAdmin> = {};
const spent = new Map<string, number>();
let seq = 0;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-cases-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  for (const [name, tiers] of [
    ['comp1', ['compliance']],
    ['comp2', ['compliance']],
    ['sec1', ['security']],
    ['sup1', ['support']],
  ] as [string, AdminTier[]][]) {
    await addAdmin(name, tiers);
  }
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function addAdmin(name: string, tiers: AdminTier[]): Promise<TestAdmin> {
  const admin = await createAdmin(cloud, { username: `${name}${Date.now().toString(36)}`, tiers });
  spent.set(admin.adminId, Math.floor(clock.now().getTime() / 30_000) - 1);
  admins[name] = admin;
  return admin;
}

function codeOf(admin: TestAdmin): string {
  const step = Math.floor(clock.now().getTime() / 30_000);
  const last = spent.get(admin.adminId) ?? -1;
  if (step <= last) offsetMs += (last + 1 - step) * 30_000;
  const now = clock.now();
  spent.set(admin.adminId, Math.floor(now.getTime() / 30_000));
  return adminCode(admin.totpSecret, now);
}

const as = (name: string, method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  callFrom(cloud, '127.0.0.1', method, path, body, {
    authorization: `Bearer ${(admins[name] as TestAdmin).token}`,
  });
const asUser = (token: string, method: string, path: string, body?: unknown) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${token}` });

async function newUser() {
  seq += 1;
  const username = `reporter${seq}${Date.now().toString(36)}`;
  const user = await createDevUser(cloud, username, PASSWORD);
  return { ...user, username, email: `${username}@example.com` };
}

const approve = (name: string, requestId: string, payloadHash: string) => {
  const admin = admins[name] as TestAdmin;
  return as(name, 'POST', `/v1/admin/requests/${requestId}/approve`, {
    payloadHash,
    password: admin.password,
    code: codeOf(admin),
  });
};
const executionOf = (requestId: string) =>
  `arn:aws:states:${cloud.ports.settings.primaryRegion}:000000000000:execution:admin-approval:admin-request-${requestId}`;

/** Files a report over HTTP and finds its case through the seam's list of the subject. */
async function reportedCase(user: Awaited<ReturnType<typeof newUser>>) {
  const filed = await asUser(user.accessToken, 'POST', '/v1/me/reports', {
    category: 'withdrawal-not-mine',
    description: 'A withdrawal of 0.5 BTC I did not make, right after a login from abroad.',
    withdrawalId: 'w-not-mine-1',
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const listed = await as('comp1', 'GET', `/v1/admin/cases?userId=${user.userId}`);
  expect(listed.status).toBe(200);
  const [c] = listed.body.cases as { caseId: string; kind: string; status: string }[];
  return { reportId: filed.body.reportId as string, caseId: (c as { caseId: string }).caseId };
}

async function closeBy(action: 'dismiss-case' | 'report-case', caseId: string) {
  const made = await as('comp1', 'POST', '/v1/admin/requests', {
    action,
    target: { kind: 'case', id: caseId },
    parameters: {},
    reason: `Compliance decision on ${caseId}: ${action}`,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return { requestId: made.body.requestId as string, payloadHash: made.body.payloadHash as string };
}

describe('F7 user reports', () => {
  it('F7 a report opens a case; the user lists it with a coarse status only, never the case', async () => {
    const user = await newUser();
    const { reportId, caseId } = await reportedCase(user);
    const mine = await asUser(user.accessToken, 'GET', '/v1/me/reports');
    expect(mine.status).toBe(200);
    expect(mine.body.reports).toEqual([
      { reportId, category: 'withdrawal-not-mine', createdAt: expect.any(String), status: 'received' },
    ]);
    expect(JSON.stringify(mine.body)).not.toContain(caseId);
    // Bounded free text: too long is a 400, never a case.
    const long = await asUser(user.accessToken, 'POST', '/v1/me/reports', {
      category: 'phishing',
      description: 'x'.repeat(2001),
    });
    expect(long.status).toBe(400);
    // An escalated case still reads "under-review"; a reported one "closed" (tipping-off).
    await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'investigate' });
    await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'escalate' });
    const reviewing = await asUser(user.accessToken, 'GET', '/v1/me/reports');
    expect((reviewing.body.reports as { status: string }[])[0]?.status).toBe('under-review');
  });
});

describe('F3 cases', () => {
  it('F3 compliance works a case: get, note with evidence, steps by the state machine; other tiers are refused', async () => {
    const user = await newUser();
    const { caseId } = await reportedCase(user);
    const got = await as('comp1', 'GET', `/v1/admin/cases/${caseId}`);
    expect(got.body).toMatchObject({
      caseId,
      kind: 'user-report',
      status: 'open',
      subject: { userId: user.userId },
      steps: ['investigate', 'dismiss'],
      signals: [{ code: 'USER_REPORT_WITHDRAWAL_NOT_MINE' }],
    });
    expect(await as('sup1', 'GET', `/v1/admin/cases/${caseId}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'TIER_NOT_ALLOWED' } },
    });
    expect(
      (await as('sec1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'investigate' })).status,
    ).toBe(403);
    const early = await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'escalate' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'CASE_STEP_NOT_ALLOWED' } } });
    const noted = await as('comp1', 'POST', `/v1/admin/cases/${caseId}/notes`, {
      text: 'Called the customer; confirms the withdrawal was not theirs.',
      evidence: [{ kind: 'login', id: 'login-77' }],
    });
    expect(noted.status).toBe(201);
    expect(noted.body.evidence).toContainEqual({ kind: 'login', id: 'login-77' });
    const working = await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'investigate' });
    expect(working.body).toMatchObject({ status: 'investigating', steps: ['escalate', 'dismiss', 'report'] });
    const open = await as('comp1', 'GET', '/v1/admin/cases?status=investigating&limit=1');
    expect(open.status).toBe(200);
    expect((open.body.cases as unknown[]).length).toBe(1);
    const audit = await cloud.ports.audit.byTarget({ kind: 'case', id: caseId }, 50);
    expect(audit.items.map((r) => r.action).reverse()).toEqual([
      'case.open',
      'case.read',
      'case.note',
      'case.investigate',
    ]);
  });

  it('F3 four eyes: the maker cannot approve their dismissal, nor can security; a second compliance officer can', async () => {
    const user = await newUser();
    const { caseId } = await reportedCase(user);
    // Closing by route does not exist: only a request closes a case.
    const step = await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'dismiss' });
    expect(step.status).toBe(400);
    const { requestId, payloadHash } = await closeBy('dismiss-case', caseId);
    expect(await approve('comp1', requestId, payloadHash)).toMatchObject({
      status: 403,
      body: { error: { code: 'SELF_APPROVAL' } },
    });
    expect(await approve('sec1', requestId, payloadHash)).toMatchObject({
      status: 403,
      body: { error: { code: 'TIER_NOT_ALLOWED' } },
    });
    expect((await approve('comp2', requestId, payloadHash)).status).toBe(200);
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({ status: 'SUCCEEDED' });
    const closed = await as('comp1', 'GET', `/v1/admin/cases/${caseId}`);
    expect(closed.body).toMatchObject({ status: 'dismissed', steps: ['reopen'] });
    const history = closed.body.history as { step: string; requestId?: string }[];
    expect(history.at(-1)).toMatchObject({ step: 'dismiss', requestId });
    // A case that cannot be reported (dismissed) refuses the request at once.
    const refused = await as('comp1', 'POST', '/v1/admin/requests', {
      action: 'report-case',
      target: { kind: 'case', id: caseId },
      parameters: {},
      reason: 'report a dismissed case',
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'CASE_STEP_NOT_ALLOWED' } } });
    // Reopened with a reason, it is worked again.
    const reopened = await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, {
      step: 'reopen',
      reason: 'A second report came in',
    });
    expect(reopened.body).toMatchObject({ status: 'investigating' });
  });

  it('F3 a reported case exports as a goAML report that parses back, the subject from the vault', async () => {
    const user = await newUser();
    const { caseId } = await reportedCase(user);
    const before = await as('comp1', 'GET', `/v1/admin/cases/${caseId}/goaml`);
    expect(before).toMatchObject({ status: 409, body: { error: { code: 'CASE_NOT_REPORTED' } } });
    await as('comp1', 'POST', `/v1/admin/cases/${caseId}/steps`, { step: 'investigate' });
    const { requestId, payloadHash } = await closeBy('report-case', caseId);
    expect((await approve('comp2', requestId, payloadHash)).status).toBe(200);
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({ status: 'SUCCEEDED' });
    const exported = await as('comp2', 'GET', `/v1/admin/cases/${caseId}/goaml`);
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    const xml = exported.body.xml as string;
    expect(XMLValidator.validate(xml)).toBe(true);
    const { report } = new XMLParser({ isArray: (n) => n === 'indicator' }).parse(xml);
    expect(report).toMatchObject({
      submission_code: 'E',
      report_code: 'SAR',
      entity_reference: caseId,
      currency_code_local: 'EUR',
      reason: `Compliance decision on ${caseId}: report-case`,
    });
    expect(report.reporting_person.last_name).toBe('Reporting Officer');
    expect(report.activity.report_parties.report_party.person).toMatchObject({
      last_name: user.username,
      email: user.email,
    });
    expect(report.report_indicators.indicator).toEqual(['USER_REPORT_WITHDRAWAL_NOT_MINE']);
    // The user sees "closed", nothing about a report to the FIU.
    const mine = await asUser(user.accessToken, 'GET', '/v1/me/reports');
    expect((mine.body.reports as { status: string }[])[0]?.status).toBe('closed');
    expect(JSON.stringify(mine.body)).not.toMatch(/report(ed)?"/);
    const audit = await cloud.ports.audit.byTarget({ kind: 'case', id: caseId }, 50);
    expect(audit.items.map((r) => r.action)).toContain('case.export-goaml');
  });
});

describe('F6 breach notification', () => {
  it('F6 an incident starts its clocks: subjects mailed at once, reminder and alarm on the injected clock, filing ends it', async () => {
    const user = await newUser();
    const held: [WorkflowName, unknown, string][] = [];
    const start = cloud.workflows.start.bind(cloud.workflows);
    vi.spyOn(cloud.workflows, 'start').mockImplementation(async (workflow, input, name) => {
      if (workflow !== 'breach-notification') return start(workflow, input, name);
      held.push([workflow, input, name]);
      return { executionId: name };
    });
    // Support may not open one; security may.
    const body = {
      what: 'An exported support ticket archive with contact data was publicly readable for two days.',
      detectedAt: clock.now().toISOString(),
      dataCategories: ['contact'],
      affectedUsers: [user.userId],
      severity: 'high',
    };
    expect((await as('sup1', 'POST', '/v1/admin/incidents', body)).status).toBe(403);
    const opened = await as('sec1', 'POST', '/v1/admin/incidents', body);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const incidentId = opened.body.incidentId as string;
    const aware = Date.parse(body.detectedAt);
    const due = Object.fromEntries(
      (opened.body.deadlines as { report: string; due: string }[]).map((d) => [d.report, d.due]),
    );
    expect(due).toEqual({
      'gdpr-subjects': new Date(aware + 24 * HOUR).toISOString(),
      'gdpr-authority': new Date(aware + 72 * HOUR).toISOString(),
    });
    expect(held.map(([w, input]) => [w, input])).toEqual([['breach-notification', { incidentId }]]);

    const invoke = (id: string) => cloud.runtime.functions.invoke(id, { incidentId });
    expect(await invoke('BreachNotifySubjects')).toEqual({ notified: 1 });
    expect(await mailText(cloud, user.email, /security incident/i)).toContain(incidentId);
    expect(await invoke('BreachNotifySubjects')).toEqual({ notified: 0 });
    // Now: nothing fired; the next wake is the authority's reminder at 36 h.
    expect(await invoke('BreachClock')).toEqual({
      done: false,
      nextAt: new Date(aware + 36 * HOUR).toISOString(),
      fired: 0,
    });
    offsetMs += 55 * HOUR;
    expect(await invoke('BreachClock')).toEqual({
      done: false,
      nextAt: new Date(aware + 72 * HOUR).toISOString(),
      fired: 2,
    });
    const trail = await cloud.ports.audit.byTarget({ kind: 'incident', id: incidentId }, 50);
    // One run recorded both (same instant): the order between them is not the index's to keep.
    expect(trail.items.map((r) => r.action).sort()).toEqual([
      'incident.alarm',
      'incident.notify-subjects',
      'incident.open',
      'incident.reminder',
    ]);
    expect(trail.items.find((r) => r.action === 'incident.alarm')).toMatchObject({
      outcome: 'flagged',
      details: { report: 'gdpr-authority', due: due['gdpr-authority'] },
    });
    // Admin tokens are short-lived: a fresh login on the moved clock records the filing.
    await addAdmin('sec2', ['security']);
    const filed = await as('sec2', 'POST', `/v1/admin/incidents/${incidentId}/filings`, {
      report: 'gdpr-authority',
      reference: 'DPA-2026-0042',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body.status).toBe('closed');
    const twice = await as('sec2', 'POST', `/v1/admin/incidents/${incidentId}/filings`, {
      report: 'gdpr-authority',
      reference: 'DPA-2026-0042',
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'INCIDENT_REPORT_FILED' } } });
    expect(await invoke('BreachClock')).toEqual({ done: true, fired: 0 });
    const bundle = await as('sec2', 'GET', `/v1/admin/incidents/${incidentId}/evidence?authority=dpa`);
    expect(bundle.status, JSON.stringify(bundle.body)).toBe(200);
    expect(bundle.body).toMatchObject({
      authority: 'dpa',
      deadlines: [{ report: 'gdpr-authority' }],
      filings: [{ report: 'gdpr-authority', reference: 'DPA-2026-0042' }],
      clockEvents: [
        { report: 'gdpr-authority', kind: 'reminder' },
        { report: 'gdpr-authority', kind: 'alarm' },
      ],
    });
    expect(JSON.stringify(bundle.body)).not.toContain(user.userId);
    // The ASL itself, released now that every report is filed: notifies nobody again and ends at once.
    const [, input, name] = held[0] as [WorkflowName, unknown, string];
    const { executionId } = await start('breach-notification', input, name);
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    await eventually(async () => expect(held).toHaveLength(1));
  });
});
