// The Lambda runtime's Infra module supplies every member of the Infra interface (checked by the compiler).
import { describe, expect, it, vi } from 'vitest';
import * as aws from '../../lambdas/kernel/aws/infra.js';
import type { Infra } from '../../lambdas/kernel/infra.js';

describe('I2 the Lambda runtime infra', () => {
  it('I2 kernel/aws/infra.ts exports every member of Infra, with its type', () => {
    const infra: Infra = aws;
    expect(Object.keys(infra).sort()).toEqual(Object.keys(aws).sort());
  });
});

describe('I2 the deploy settings from the Lambda environment', () => {
  it('I2 envSettings parses PALISADE_SETTINGS once per container: every request gets the same settings without parsing again', async () => {
    const saved = { ...process.env };
    process.env.AWS_REGION = 'eu-west-1';
    process.env.PALISADE_SETTINGS = JSON.stringify({ holdHours: 36 });
    try {
      vi.resetModules();
      const { envSettings } = await import('../../lambdas/kernel/runtime/aws-env.js');
      const first = envSettings();
      expect(first.holdHours).toBe(36);
      // The very object parsed first: nothing was parsed again.
      expect(envSettings()).toBe(first);
    } finally {
      process.env = saved;
      vi.resetModules();
    }
  });
});
