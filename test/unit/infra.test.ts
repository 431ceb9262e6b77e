// The Lambda runtime's Infra module supplies every member of the Infra interface (checked by the compiler).
import { describe, expect, it } from 'vitest';
import * as aws from '../../lambdas/kernel/aws/infra.js';
import type { Infra } from '../../lambdas/kernel/infra.js';

describe('I2 the Lambda runtime infra', () => {
  it('I2 kernel/aws/infra.ts exports every member of Infra, with its type', () => {
    const infra: Infra = aws;
    expect(Object.keys(infra).sort()).toEqual(Object.keys(aws).sort());
  });
});
