// D3: admin refusals are audit records, at most REFUSAL_EVIDENCE.perWindow per key in one window, counted on
// the Shield table's atomic reserve (real DynamoDB semantics through dynalite); the clock is injected.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REFUSAL_EVIDENCE,
  type RefusalEvent,
  RefusalEvidence,
} from '../../lambdas/admin/refusal-evidence.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { ShieldStore } from '../../lambdas/kernel/shield/shield-store.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let clock: ManualClock;
let appended: AuditEvent[];
let evidence: RefusalEvidence;

const refusal = (adminId: string): RefusalEvent => ({
  actor: { kind: 'admin', id: adminId, tier: 'support' },
  action: 'admin.refused',
  target: { kind: 'admin', id: adminId },
  details: { permission: 'approve', route: 'POST /v1/admin/requests/{requestId}/approve' },
});

beforeEach(async () => {
  dynamo = await startTestDynamo();
  clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
  appended = [];
  evidence = new RefusalEvidence({
    audit: {
      append: async (event) => {
        appended.push(event);
        return event as never;
      },
    },
    counters: new ShieldStore(dynamo.documents, TABLES.shield.logicalName),
    clock,
  });
});

afterEach(async () => {
  await dynamo.stop();
});

describe('D3 admin refusals as bounded evidence', () => {
  it('D3 a refusal is one refused record, stamped with the injected clock', async () => {
    expect(await evidence.record({ kind: 'admin', id: 'adm-1' }, refusal('adm-1'))).toBe(true);
    expect(appended).toEqual([
      expect.objectContaining({
        action: 'admin.refused',
        outcome: 'refused',
        at: '2026-06-01T12:00:00.000Z',
      }),
    ]);
  });

  it('D3 a flood records at most the bound per window, the last one saying so; the next window records again', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () => evidence.record({ kind: 'admin', id: 'adm-1' }, refusal('adm-1'))),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(REFUSAL_EVIDENCE.perWindow);
    expect(appended).toHaveLength(REFUSAL_EVIDENCE.perWindow);
    expect(appended.filter((e) => e.details?.limitReached === true)).toHaveLength(1);
    // Another admin's refusals have their own bound.
    expect(await evidence.record({ kind: 'admin', id: 'adm-2' }, refusal('adm-2'))).toBe(true);
    // Still within the window: suppressed.
    clock.advance(REFUSAL_EVIDENCE.windowMs - 1);
    expect(await evidence.record({ kind: 'admin', id: 'adm-1' }, refusal('adm-1'))).toBe(false);
    // The window rolled: recorded again.
    clock.advance(1);
    expect(await evidence.record({ kind: 'admin', id: 'adm-1' }, refusal('adm-1'))).toBe(true);
    expect(appended).toHaveLength(REFUSAL_EVIDENCE.perWindow + 2);
  });

  it('D3 failed logins are bounded per source address, not per username', async () => {
    for (let i = 0; i < REFUSAL_EVIDENCE.perWindow + 5; i++) {
      await evidence.record(
        { kind: 'source', ip: '203.0.113.7' },
        { ...refusal('x'), action: 'admin.login-failed', details: { reason: 'bad-credentials', n: i } },
      );
    }
    expect(appended).toHaveLength(REFUSAL_EVIDENCE.perWindow);
    expect(await evidence.record({ kind: 'source', ip: '203.0.113.8' }, refusal('x'))).toBe(true);
  });

  it('D3 a record that cannot be written does not change the refusal (no throw)', async () => {
    const failing = new RefusalEvidence({
      audit: {
        append: async () => {
          throw new Error('audit down');
        },
      },
      counters: new ShieldStore(dynamo.documents, TABLES.shield.logicalName),
      clock,
    });
    await expect(failing.record({ kind: 'admin', id: 'adm-9' }, refusal('adm-9'))).resolves.toBe(false);
  });
});
