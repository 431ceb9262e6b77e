// F3/F7: the case seam and the work on cases against DynamoDB semantics (dynalite, signed rows) with an
// injected clock: idempotent per source, attach to the subject's open case, the steps and their audit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStepNotAllowed, type OpenCaseInput } from '../../lambdas/cases/case-record.js';
import { CaseStore } from '../../lambdas/cases/case-store.js';
import { CaseWork } from '../../lambdas/cases/case-work.js';
import { fileReport, listReports } from '../../lambdas/cases/user-reports.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { TooManyRequests } from '../../lambdas/kernel/errors.js';
import { Outbox } from '../../lambdas/kernel/outbox.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let store: CaseStore;
let work: CaseWork;
const clock = new ManualClock(new Date('2026-03-01T12:00:00.000Z'));
const audit: AuditEvent[] = [];
let seq = 0;
const newUser = () => `case-user-${++seq}`;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-cases-'));
  const keys = await LocalKeyService.open(stateDir);
  const table = signedAccountsTable(dynamo.documents, keys);
  store = new CaseStore(table);
  const outbox = new Outbox({
    table,
    clock,
    audit: {
      append: async (e) => {
        audit.push(e);
        return {} as never;
      },
    },
  });
  work = new CaseWork({ cases: store, outbox, clock });
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const hit = (userId: string, id: string, attachToOpen = false): OpenCaseInput => ({
  subject: { userId },
  kind: 'screening-hit',
  signals: [{ code: 'SCREENING_HIT', score: 0.93, facts: { list: 'ofac-sdn@2026-03-01', entry: '36216' } }],
  source: { kind: 'screening', id },
  attachToOpen,
});

describe('F3 the case seam', () => {
  it('F3 opening twice from one source finds the first case (idempotent per source id)', async () => {
    const userId = newUser();
    const first = await work.openCase(hit(userId, 'scr-1'));
    const again = await work.openCase(hit(userId, 'scr-1'));
    expect(first.created).toBe(true);
    expect(again).toEqual({ caseId: first.caseId, created: false, attached: false });
    const c = await work.get(first.caseId);
    expect(c.status).toBe('open');
    expect(c.signals[0]?.code).toBe('SCREENING_HIT');
    expect(audit.filter((e) => e.action === 'case.open' && e.target.id === first.caseId)).toHaveLength(1);
  });

  it('F3 a withdrawal review joins the subject case being worked; a closed case gets a new one', async () => {
    const userId = newUser();
    const first = await work.openCase(hit(userId, 'scr-2'));
    const review = await work.openCase({
      subject: { userId },
      kind: 'withdrawal-review',
      signals: [{ code: 'RISK_NEW_DEVICE', score: 30 }],
      evidence: [{ kind: 'withdrawal', id: 'w-1' }],
      source: { kind: 'withdrawal-review', id: 'w-1' },
      attachToOpen: true,
    });
    expect(review).toEqual({ caseId: first.caseId, created: false, attached: true });
    const c = await work.get(first.caseId);
    expect(c.evidence).toEqual([{ kind: 'withdrawal', id: 'w-1' }]);
    expect(c.signals.map((s) => s.code)).toEqual(['SCREENING_HIT', 'RISK_NEW_DEVICE']);
    await work.close(first.caseId, 'dismiss', {
      requestId: 'r1',
      requesterId: 'a1',
      approvers: ['a2'],
      reason: 'false positive',
    });
    const later = await work.openCase({ ...hit(userId, 'scr-3'), attachToOpen: true });
    expect(later.created).toBe(true);
  });

  it('F3 steps follow the state machine, each audited; a closing step is idempotent per request', async () => {
    const userId = newUser();
    const { caseId } = await work.openCase(hit(userId, 'scr-4'));
    const admin = { kind: 'admin' as const, id: 'admin-1', tier: 'compliance' };
    await expect(work.step(caseId, 'escalate', admin)).rejects.toBeInstanceOf(CaseStepNotAllowed);
    await work.step(caseId, 'investigate', admin);
    await work.note(caseId, admin, 'Called the user', [{ kind: 'login', id: 'l-1' }]);
    await work.step(caseId, 'escalate', admin);
    const decision = {
      requestId: 'r-9',
      requesterId: 'admin-1',
      approvers: ['admin-2'],
      reason: 'Mule account',
    };
    const reported = await work.close(caseId, 'report', decision);
    expect(reported.status).toBe('reported');
    expect(reported.report?.requestId).toBe('r-9');
    const again = await work.close(caseId, 'report', decision);
    expect(again.history.filter((h) => h.step === 'report')).toHaveLength(1);
    await work.step(caseId, 'reopen', admin, 'new withdrawal');
    expect((await work.get(caseId)).status).toBe('investigating');
    const actions = audit.filter((e) => e.target.id === caseId).map((e) => e.action);
    expect(actions).toEqual([
      'case.open',
      'case.investigate',
      'case.note',
      'case.escalate',
      'case.report',
      'case.reopen',
    ]);
  });

  it('F3 the list filters by status and kind and pages with a cursor', async () => {
    const userId = newUser();
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1000);
      await work.openCase(hit(userId, `scr-list-${i}`));
    }
    const page1 = await store.list({ userId }, 2);
    expect(page1.cases).toHaveLength(2);
    expect(page1.next).toBeDefined();
    const page2 = await store.list({ userId }, 2, page1.next);
    expect(page2.cases).toHaveLength(1);
    expect(page2.next).toBeUndefined();
    const open = await store.list({ status: 'open', kind: 'screening-hit' }, 50);
    expect(open.cases.every((c) => c.status === 'open' && c.kind === 'screening-hit')).toBe(true);
  });
});

describe('F7 user reports', () => {
  it('F7 a report opens a case; the user sees a coarse status only; five a day at most', async () => {
    const userId = newUser();
    const ports = { cases: store, caseWork: work, clock };
    const view = await fileReport(ports, userId, {
      category: 'withdrawal-not-mine',
      description: 'I did not withdraw 0.5 BTC this morning',
      withdrawalId: 'w-77',
    });
    expect(view.status).toBe('received');
    const [c] = await store.ofSubject(userId);
    expect(c?.kind).toBe('user-report');
    expect(c?.evidence.map((e) => e.kind)).toEqual(['report', 'withdrawal']);
    const admin = { kind: 'admin' as const, id: 'admin-1' };
    await work.step(c?.caseId ?? '', 'investigate', admin);
    await work.step(c?.caseId ?? '', 'escalate', admin);
    expect((await listReports(ports, userId))[0]?.status).toBe('under-review');
    await work.close(c?.caseId ?? '', 'report', {
      requestId: 'r',
      requesterId: 'a',
      approvers: ['b'],
      reason: 'x',
    });
    expect((await listReports(ports, userId))[0]).toEqual({ ...view, status: 'closed' });
    for (let i = 0; i < 4; i += 1)
      await fileReport(ports, userId, { category: 'phishing', description: 'a phishing mail again' });
    await expect(
      fileReport(ports, userId, { category: 'other', description: 'one too many' }),
    ).rejects.toBeInstanceOf(TooManyRequests);
  });
});
