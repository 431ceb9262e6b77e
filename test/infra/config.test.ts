// Infra tests of the deploy configuration (I2): CDK context is parsed by the one settings schema, `-c` strings
// are coerced, and a bad value stops synthesis with a message naming the key, in the library and in bin/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../lambdas/kernel/settings.js';
import { composeApp } from '../../lib/app.js';
import { readDeployConfig, STUB_CODE_CONTEXT_KEY } from '../../lib/config.js';
import { PROJECT_ROOT } from '../../lib/functions.js';
import { cdkJsonContext, synthPalisade } from './palisade-app.js';

const contextOf = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

describe('deploy configuration', () => {
  it('I2 no context gives the shared defaults and the infra defaults', () => {
    const { settings, infra } = readDeployConfig(contextOf({}));
    expect(settings.holdHours).toBe(72);
    expect(settings.primaryRegion).not.toBe(settings.replicaRegion);
    expect(infra).toEqual({ mailFrom: 'no-reply@palisade.example', cloudTrail: true, corsOrigins: [] });
  });

  it('I2 individual keys override the palisade object, and -c strings are coerced to their types', () => {
    const { settings, infra } = readDeployConfig(
      contextOf({
        palisade: { holdHours: 24, primaryRegion: 'us-east-1', replicaRegion: 'us-west-2' },
        holdHours: '48',
        restrictedCountries: 'KP, IR',
        approvalPolicies: '{"lift-hold":{"approvals":3,"approverTiers":["superadmin"],"expiryHours":12}}',
        mailFrom: 'security@exchange.example',
        alarmEmail: 'oncall@exchange.example',
        cloudTrail: 'false',
        addressCoolingHours: '12',
        withdrawalReviewHours: '24',
        withdrawalLimits: '{"BTC":{"daily":"1","monthly":"5"},"ETH":{"daily":"10","monthly":"100"}}',
        corsOrigins: 'https://app.exchange.example, http://localhost:5173',
      }),
    );
    expect(settings).toMatchObject({
      addressCoolingHours: 12,
      withdrawalReviewHours: 24,
      withdrawalLimits: { BTC: { daily: '1', monthly: '5' }, ETH: { daily: '10', monthly: '100' } },
      holdHours: 48,
      primaryRegion: 'us-east-1',
      replicaRegion: 'us-west-2',
      restrictedCountries: ['KP', 'IR'],
    });
    expect(settings.approvalPolicies['lift-hold'].approvals).toBe(3);
    expect(infra).toEqual({
      mailFrom: 'security@exchange.example',
      alarmEmail: 'oncall@exchange.example',
      cloudTrail: false,
      corsOrigins: ['https://app.exchange.example', 'http://localhost:5173'],
    });
  });

  it.each([
    [{ holdHours: 'abc' }, /holdHours: expected a whole number of hours, got "abc"/],
    [{ palisade: { holdHours: 0 } }, /holdHours/],
    [{ palisade: { primaryRegion: 'eu-west-1', replicaRegion: 'eu-west-1' } }, /replicaRegion/],
    [{ primaryRegion: 'mars' }, /primaryRegion/],
    [{ restrictedCountries: 'north korea' }, /restrictedCountries/],
    [{ approvalPolicies: '{not json' }, /approvalPolicies/],
    [{ mailFrom: 'not-an-address' }, /mailFrom: an email address/],
    [{ cloudTrail: 'maybe' }, /cloudTrail: expected true or false/],
    [{ palisade: { holdHour: 48 } }, /unknown key holdHour/],
    [{ palisade: '[1,2]' }, /palisade/],
  ])('I2 bad context %j fails with a message naming the key', (context, key) => {
    const app = new App({ context: { ...cdkJsonContext(), [STUB_CODE_CONTEXT_KEY]: true, ...context } });
    expect(() => composeApp(app)).toThrow(SettingsError);
    expect(() => composeApp(new App({ context }))).toThrow(key);
  });

  it('I2 the CDK app entry exits 1 with the key named and synthesises nothing', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'palisade-bad-'));
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'bin/palisade.ts')],
        {
          cwd: PROJECT_ROOT,
          env: {
            ...process.env,
            CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), holdHours: 'abc' }),
            CDK_OUTDIR: outdir,
          },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Invalid Palisade settings: holdHours');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('I1 cloudTrail false leaves the trail to the organisation', () => {
    const off = synthPalisade({ cloudTrail: 'false' });
    try {
      off.template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      expect(off.primary.auditTrail).toBeUndefined();
    } finally {
      off.cleanup();
    }
  }, 120_000);
});
