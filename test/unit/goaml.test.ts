import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { goamlReport } from '../../lambdas/cases/goaml.js';

describe('F3 goAML export', () => {
  it('F3 a reported case is a well-formed goAML report that parses back with its parts', () => {
    const xml = goamlReport(
      { rentityId: '4711', currencyLocal: 'EUR' },
      { firstName: 'Compliance', lastName: 'Officer', email: 'mlro@palisade.example' },
      {
        caseId: 'case_1',
        kind: 'user-report',
        openedAt: '2026-03-01T10:00:00.000Z',
        reportedAt: '2026-03-02T10:00:00.000Z',
        reason: 'Withdrawals the user did not make <after> a phishing mail & an unknown login',
        action: 'Account suspended',
        subject: {
          userId: 'u1',
          username: 'alice',
          person: { firstName: 'Alice', lastName: 'Example', email: 'alice@example.com' },
        },
        transactions: [
          {
            id: 'w1',
            at: '2026-03-01T09:00:00.000Z',
            asset: 'BTC',
            amount: '0.5',
            to: 'bc1q…',
            status: 'sent',
          },
        ],
        indicators: ['USER_REPORT_WITHDRAWAL_NOT_MINE', 'USER_REPORT_WITHDRAWAL_NOT_MINE'],
      },
      '2026-03-02T10:00:00.000Z',
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ isArray: (name) => ['transaction', 'indicator'].includes(name) }).parse(
      xml,
    );
    const report = parsed.report;
    expect(report.report_code).toBe('SAR');
    expect(report.rentity_id).toBe(4711);
    expect(report.entity_reference).toBe('case_1');
    expect(report.reporting_person.last_name).toBe('Officer');
    expect(report.reason).toContain('<after> a phishing mail & an unknown login');
    expect(report.transaction).toHaveLength(1);
    expect(report.transaction[0].t_from_my_client.from_foreign_currency.foreign_amount).toBe(0.5);
    expect(report.activity.report_parties.report_party.person.email).toBe('alice@example.com');
    expect(report.report_indicators.indicator).toEqual(['USER_REPORT_WITHDRAWAL_NOT_MINE']);
  });
});
