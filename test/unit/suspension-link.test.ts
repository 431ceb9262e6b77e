// A4 "this wasn't me", the button of the link's page (account/suspension.ts): the suspension and the end of every
// session are recorded before the answer, the workflow is started under the link's own name, the link is spent
// last, so that a failure halfway leaves a link whose retry completes the work. Links in dynalite, signed rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSuspension, reportNotMe } from '../../lambdas/account/suspension.js';
import { SuspensionLinks, SuspensionLinkUses } from '../../lambdas/account/suspension-links.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { Gone } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { PendingEffects } from '../../lambdas/kernel/outbox.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';
import { memoryOutbox } from '../support/outbox.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const clock = new ManualClock(NOW);
let dynamo: TestDynamo;
let stateDir: string;
let links: SuspensionLinks;
let uses: SuspensionLinkUses;
let userSeq = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-suspension-links-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  const table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
  links = new SuspensionLinks(table, clock);
  uses = new SuspensionLinkUses(table, clock);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** The ports of the link's button, recording the order of the steps; `failStart` makes the workflow fail. */
function ports(options: { failStart?: number } = {}) {
  const steps: string[] = [];
  const suspended = new Set<string>();
  const audit: AuditEvent[] = [];
  const executions = new Set<string>();
  let failures = options.failStart ?? 0;
  return {
    steps,
    suspended,
    audit,
    executions,
    ports: {
      clock,
      accounts: {
        async suspend(userId: string, _at: Date, _reason: string, after?: PendingEffects<unknown>) {
          steps.push('suspend');
          const changed = !suspended.has(userId);
          suspended.add(userId);
          if (changed) after?.writes({});
          return { changed };
        },
      },
      outbox: memoryOutbox({
        audit: {
          async append(event: AuditEvent) {
            audit.push(event);
            return event as never;
          },
        },
      }),
      workflows: {
        async start(workflow: string, _input: unknown, name: string) {
          steps.push(`start ${workflow}`);
          if (failures-- > 0) throw new Error('Step Functions unavailable');
          executions.add(name);
          return { executionId: name };
        },
      },
      linkUses: {
        check: (token: string) => uses.check(token),
        async markUsed(token: string) {
          steps.push('spend');
          return uses.markUsed(token);
        },
      },
    },
  };
}

const issue = async () => {
  const userId = `user-${++userSeq}`;
  return { userId, token: await links.issue(userId) };
};

describe('A4 the "this wasn\'t me" button', () => {
  it('A4 records the suspension first, then starts the workflow, then spends the link; audited once', async () => {
    const { userId, token } = await issue();
    const run = ports();
    await reportNotMe(run.ports, token);
    expect(run.steps).toEqual(['suspend', 'start account-suspension', 'spend']);
    expect(run.suspended.has(userId)).toBe(true);
    expect(run.audit.map((e) => [e.action, e.target.id])).toEqual([['account.suspend', userId]]);
    expect([...run.executions]).toEqual([
      expect.stringMatching(new RegExp(`^user-reported-${userId}-[\\w-]{16}$`)),
    ]);
    // The workflow's own first task then changes nothing and records nothing again.
    expect(
      await recordSuspension(
        run.ports,
        { userId, reason: 'user-reported', requestedAt: NOW.toISOString() },
        NOW,
      ),
    ).toEqual({
      changed: false,
    });
    expect(run.audit).toHaveLength(1);
  });

  it('A4 a workflow that fails to start leaves the account suspended and the link usable; the retry completes', async () => {
    const { userId, token } = await issue();
    const run = ports({ failStart: 1 });
    await expect(reportNotMe(run.ports, token)).rejects.toThrow('Step Functions unavailable');
    expect(run.suspended.has(userId)).toBe(true);
    await expect(uses.check(token)).resolves.toMatchObject({ userId });
    await reportNotMe(run.ports, token);
    expect(run.executions.size).toBe(1);
    expect(run.audit).toHaveLength(1);
    await expect(uses.check(token)).rejects.toMatchObject({ code: 'LINK_USED' });
  });

  it('A4 a used, an expired and a forged link are refused and change nothing', async () => {
    const used = await issue();
    await reportNotMe(ports().ports, used.token);
    const late = await issue();
    const run = ports();
    await expect(reportNotMe(run.ports, used.token)).rejects.toMatchObject({ code: 'LINK_USED' });
    await expect(reportNotMe(run.ports, 'F'.repeat(43))).rejects.toMatchObject({ code: 'LINK_INVALID' });
    clock.set(new Date(NOW.getTime() + 7 * 86_400_000 + 1));
    try {
      await expect(reportNotMe(run.ports, late.token)).rejects.toBeInstanceOf(Gone);
      await expect(uses.check(late.token)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
    } finally {
      clock.set(NOW);
    }
    expect(run.steps).toEqual([]);
  });

  it('A4 two presses at once: the account suspended, one execution, one press spends the link and the other is refused', async () => {
    const { token } = await issue();
    const run = ports();
    const outcomes = await Promise.allSettled([reportNotMe(run.ports, token), reportNotMe(run.ports, token)]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'LINK_USED' });
    expect(run.executions.size).toBe(1);
    expect(run.audit).toHaveLength(1);
  });
});
