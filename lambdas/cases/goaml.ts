// F3: a reported case as a suspicious-activity report in the structure of the goAML schema (UNODC goAML
// Web, the XML most EU FIUs take): <report> with the reporting entity and person, the reason and action,
// one <transaction> per withdrawal of the evidence, the subject as a <report_party> of an <activity>, and
// the <report_indicators>. Built with fast-xml-parser's XMLBuilder (escaping included); docs/cases.md maps
// every field to where it comes from. Pure: the caller reads the case, the withdrawals and the subject's
// personal data (through the vault, E2) and hands them in.
import { XMLBuilder } from 'fast-xml-parser';

export interface GoamlReportingEntity {
  /** The FIU's id of the reporting institution (rentity_id), from the deploy's configuration. */
  rentityId: string;
  /** The local currency the FIU reports in. */
  currencyLocal: string;
}

export interface GoamlPerson {
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  birthdate?: string;
  nationality?: string;
}

export interface GoamlTransaction {
  id: string;
  at: string;
  asset: string;
  amount: string;
  /** The destination, as the institution knows it (the whitelisted address). */
  to: string;
  status: string;
}

export interface GoamlCase {
  caseId: string;
  kind: string;
  openedAt: string;
  reportedAt: string;
  /** The closing request's reason: why the case is reported. */
  reason: string;
  /** What the institution did (suspended, withdrawal rejected…). */
  action: string;
  subject: { userId: string; username: string; person: GoamlPerson };
  transactions: readonly GoamlTransaction[];
  /** Indicator codes (the case's signals), e.g. SCREENING_HIT, USER_REPORT_UNKNOWN_LOGIN. */
  indicators: readonly string[];
}

const personXml = (p: GoamlPerson) => ({
  first_name: p.firstName,
  last_name: p.lastName,
  ...(p.birthdate ? { birthdate: `${p.birthdate}T00:00:00` } : {}),
  ...(p.nationality ? { nationality1: p.nationality } : {}),
  ...(p.phone
    ? {
        phones: {
          phone: { tph_contact_type: 'PRIVATE', tph_communication_type: 'MOBILE', tph_number: p.phone },
        },
      }
    : {}),
  ...(p.email ? { email: p.email } : {}),
});

/** goAML dates: local date-time without zone, to the second. */
const goamlDate = (iso: string) => iso.slice(0, 19);

export function goamlReport(
  entity: GoamlReportingEntity,
  reporter: GoamlPerson,
  c: GoamlCase,
  generatedAt: string,
): string {
  const report = {
    rentity_id: entity.rentityId,
    submission_code: 'E',
    report_code: 'SAR',
    entity_reference: c.caseId,
    submission_date: goamlDate(generatedAt),
    currency_code_local: entity.currencyLocal,
    reporting_person: personXml(reporter),
    reason: c.reason,
    action: c.action,
    ...(c.transactions.length > 0
      ? {
          transaction: c.transactions.map((t) => ({
            transactionnumber: t.id,
            internal_ref_number: t.id,
            transaction_description: `Withdrawal of ${t.amount} ${t.asset} to ${t.to} (${t.status})`,
            date_transaction: goamlDate(t.at),
            transmode_code: 'CRYPTO',
            amount_local: '0',
            t_from_my_client: {
              from_funds_code: 'CRYPTO',
              from_foreign_currency: {
                foreign_currency_code: t.asset,
                foreign_amount: t.amount,
                foreign_exchange_rate: '0',
              },
              from_person: personXml(c.subject.person),
              from_country: c.subject.person.nationality ?? 'ZZ',
            },
            t_to: { to_funds_code: 'CRYPTO', to_entity: { name: t.to }, to_country: 'ZZ' },
          })),
        }
      : {}),
    activity: {
      report_parties: {
        report_party: {
          person: personXml(c.subject.person),
          significance: '10',
          reason: `Subject of case ${c.caseId} (${c.kind}); platform user ${c.subject.userId} (${c.subject.username})`,
          comments: `Case opened ${c.openedAt}, reported ${c.reportedAt}`,
        },
      },
    },
    report_indicators: { indicator: [...new Set(c.indicators)] },
  };
  const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ report })}`;
}
