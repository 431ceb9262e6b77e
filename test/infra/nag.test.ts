// Infra tests of cdk-nag (v3): no unacknowledged AwsSolutions finding in either stack, every
// acknowledgement matches a real finding and says why, and a new finding fails synthesis.
import { App, NestedStack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApp } from '../../lib/app.js';
import { STUB_CODE_CONTEXT_KEY } from '../../lib/config.js';
import { cdkJsonContext, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

const describeFindings = (
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[],
) => violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

describe('cdk-nag', () => {
  it('I2 AwsSolutions finds nothing unacknowledged in the primary and replica stacks', () => {
    // validateScope is cdk-nag v3's direct entry point; synthesis runs the same pack as a validation plugin.
    const report = new AwsSolutionsChecks().validateScope(s.app);
    expect(describeFindings(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('I2 every acknowledgement gives a reason and matches a finding on its own construct', () => {
    const acks = acknowledgements(s.app);
    expect(acks.length).toBeGreaterThan(0);
    // Findings as they would be without any acknowledgement.
    const spy = vi
      .spyOn(NagPack.prototype as unknown as { isAcknowledged(): boolean }, 'isAcknowledged')
      .mockReturnValue(false);
    let raw: ReturnType<AwsSolutionsChecks['validateScope']>;
    try {
      raw = new AwsSolutionsChecks().validateScope(s.app);
    } finally {
      spy.mockRestore();
    }
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
      const matching = raw.violations
        .filter((v) => v.ruleName === ack.id)
        .flatMap((v) => v.violatingResources)
        .filter((r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`));
      expect(matching.length, `stale acknowledgement ${ack.id} on ${ack.path}`).toBeGreaterThan(0);
    }
  });

  it('I2 AwsSolutions checks every nested stack (the API and the functions): each has acknowledged findings', () => {
    const nested = s.primary.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack);
    expect(nested.map((n) => n.node.id).sort()).toEqual(
      ['AdminRoutes', 'Http', 'Internal', 'PublicRoutes', 'UserRoutes'].sort(),
    );
    const spy = vi
      .spyOn(NagPack.prototype as unknown as { isAcknowledged(): boolean }, 'isAcknowledged')
      .mockReturnValue(false);
    let raw: ReturnType<AwsSolutionsChecks['validateScope']>;
    try {
      raw = new AwsSolutionsChecks().validateScope(s.app);
    } finally {
      spy.mockRestore();
    }
    const checked = raw.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
    for (const stack of nested) {
      // The findings the pack reports there without acknowledgements (IAM5 on X-Ray, APIG4 …): it looked.
      expect(
        checked.some((path) => path.startsWith(`${stack.node.path}/`)),
        stack.node.path,
      ).toBe(true);
    }
  });

  it('I2 the replica Region stack needs no acknowledgement at all', () => {
    expect(acknowledgements(s.replica)).toEqual([]);
  });

  it('I2 an unacknowledged finding fails synthesis', () => {
    const app = new App({ context: { ...cdkJsonContext(), [STUB_CODE_CONTEXT_KEY]: true } });
    const { primary } = composeApp(app);
    new s3.Bucket(primary, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
