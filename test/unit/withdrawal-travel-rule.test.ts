// F1 (Travel Rule) in the withdrawal workflow's own screening: a withdrawal that carries Travel Rule data to an
// address whose beneficiary is under screening review (a medium or PEP hit) goes to review, whatever its risk.
import { describe, expect, it } from 'vitest';
import { screen } from '../../lambdas/withdrawals/screening.js';

const record = {
  withdrawalId: 'wd_1',
  status: 'screening' as const,
  risk: { score: 0, band: 'low' as const, signals: [] },
};
const active = { status: 'active' as const };

describe('F1 the Travel Rule beneficiary in the withdrawal screening', () => {
  it('F1 F2 a beneficiary under review sends a low-risk withdrawal to review; a clear one leaves it low', () => {
    expect(
      screen({ record, account: active, destination: active, sanctioned: false, beneficiaryInReview: true }),
    ).toMatchObject({ cancelled: false, band: 'unusual', reason: expect.stringMatching(/beneficiary/) });
    expect(screen({ record, account: active, destination: active, sanctioned: false })).toMatchObject({
      band: 'low',
    });
  });

  it('F1 a sanctioned destination or a suspended account still blocks first', () => {
    expect(
      screen({ record, account: active, destination: active, sanctioned: true, beneficiaryInReview: true }),
    ).toMatchObject({ band: 'blocked' });
    expect(
      screen({
        record,
        account: { status: 'suspended' },
        destination: active,
        sanctioned: false,
        beneficiaryInReview: true,
      }),
    ).toMatchObject({ band: 'blocked' });
  });
});
