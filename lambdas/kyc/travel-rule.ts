// The Travel Rule (withdrawals): a withdrawal worth the threshold or more (EUR/USD 1,000 by default, in
// configuration; converted with the price port) carries its originator and beneficiary in the IVMS101 data
// model. The schemas below are the IVMS101 subset a VASP-to-VASP message needs (natural and legal persons,
// names, geographic addresses, national identification, date and place of birth); the payload is built from
// the KYC person data and the beneficiary named in the request.
import * as z from 'zod/mini';
import type { PersonData } from './person.js';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const country = z.string().check(z.regex(/^[A-Z]{2}$/));

// IVMS101 code lists (the values this model uses).
export const NATURAL_NAME_TYPES = ['ALIA', 'BIRT', 'MAID', 'LEGL', 'MISC'] as const;
export const LEGAL_NAME_TYPES = ['LEGL', 'SHRT', 'TRAD'] as const;
export const ADDRESS_TYPES = ['HOME', 'BIZZ', 'GEOG'] as const;
export const NATIONAL_ID_TYPES = [
  'ARNU',
  'CCPT',
  'RAID',
  'DRLC',
  'FIIN',
  'TXID',
  'SOCS',
  'IDCD',
  'LEIX',
  'MISC',
] as const;

export const naturalPersonNameId = z.strictObject({
  primaryIdentifier: text(100),
  secondaryIdentifier: z.optional(text(100)),
  nameIdentifierType: z.enum(NATURAL_NAME_TYPES),
});

export const geographicAddress = z.strictObject({
  addressType: z.enum(ADDRESS_TYPES),
  streetName: z.optional(text(70)),
  buildingNumber: z.optional(text(16)),
  postCode: z.optional(text(16)),
  townName: text(35),
  countrySubDivision: z.optional(text(35)),
  /** Free lines (at most 7 of 70): used when street and number are not separate. */
  addressLine: z.optional(z.array(text(70)).check(z.maxLength(7))),
  country,
});

export const nationalIdentification = z.strictObject({
  nationalIdentifier: text(35),
  nationalIdentifierType: z.enum(NATIONAL_ID_TYPES),
  countryOfIssue: z.optional(country),
  registrationAuthority: z.optional(z.string().check(z.regex(/^RA[0-9]{6}$/))),
});

export const naturalPerson = z.strictObject({
  name: z.strictObject({ nameIdentifier: z.array(naturalPersonNameId).check(z.minLength(1)) }),
  geographicAddress: z.optional(z.array(geographicAddress)),
  nationalIdentification: z.optional(nationalIdentification),
  customerIdentification: z.optional(text(50)),
  dateAndPlaceOfBirth: z.optional(z.strictObject({ dateOfBirth: z.iso.date(), placeOfBirth: text(70) })),
  countryOfResidence: z.optional(country),
});

export const legalPerson = z.strictObject({
  name: z.strictObject({
    nameIdentifier: z
      .array(
        z.strictObject({
          legalPersonName: text(100),
          legalPersonNameIdentifierType: z.enum(LEGAL_NAME_TYPES),
        }),
      )
      .check(z.minLength(1)),
  }),
  geographicAddress: z.optional(z.array(geographicAddress)),
  customerNumber: z.optional(text(50)),
  nationalIdentification: z.optional(nationalIdentification),
  countryOfRegistration: z.optional(country),
});

export const ivmsPerson = z.union([z.strictObject({ naturalPerson }), z.strictObject({ legalPerson })]);
export type IvmsPerson = z.infer<typeof ivmsPerson>;

export const ivms101Payload = z.strictObject({
  originator: z.strictObject({
    originatorPersons: z.array(ivmsPerson).check(z.minLength(1)),
    accountNumber: z.array(text(100)).check(z.minLength(1)),
  }),
  beneficiary: z.strictObject({
    beneficiaryPersons: z.array(ivmsPerson).check(z.minLength(1)),
    accountNumber: z.array(text(100)).check(z.minLength(1)),
  }),
  originatingVASP: z.strictObject({ originatingVASP: ivmsPerson }),
  beneficiaryVASP: z.optional(z.strictObject({ beneficiaryVASP: ivmsPerson })),
});
export type Ivms101Payload = z.infer<typeof ivms101Payload>;

/** The beneficiary as the withdrawal request names it (screened by the caller, F2). */
export const beneficiaryInput = z.union([
  z.strictObject({ kind: z.literal('person'), given: text(100), family: text(100) }),
  z.strictObject({ kind: z.literal('company'), legalName: text(100) }),
]);
export type BeneficiaryInput = z.infer<typeof beneficiaryInput>;

export { type TravelRuleDecision, travelRuleApplies } from './travel-rule-threshold.js';

/** The VASP itself (this deploy), as IVMS101 names it. */
export interface VaspIdentity {
  legalName: string;
  country: string;
  /** Its LEI, when it has one. */
  lei?: string | undefined;
}

/** The residence address as IVMS101 free address lines. */
const addressOf = (person: PersonData): z.infer<typeof geographicAddress> => ({
  addressType: 'HOME',
  addressLine: [person.residence.line1, ...(person.residence.line2 ? [person.residence.line2] : [])],
  townName: person.residence.city.slice(0, 35),
  ...(person.residence.postalCode ? { postCode: person.residence.postalCode } : {}),
  ...(person.residence.region ? { countrySubDivision: person.residence.region.slice(0, 35) } : {}),
  country: person.residence.country,
});

/**
 * The IVMS101 payload of one withdrawal: the originator from the KYC person data (legal name, residence
 * address, date of birth, customer id, country of residence), the beneficiary as named in the request, the
 * account numbers (the customer id on our side; the destination address on theirs). Parsed with the schema
 * before it is returned, so a payload that does not fit IVMS101 is never stored.
 */
export function buildTravelRulePayload(input: {
  customerId: string;
  person: PersonData;
  beneficiary: BeneficiaryInput;
  destinationAddress: string;
  vasp: VaspIdentity;
  /** The place of birth is not part of the person data; absent, the date of birth is left out too. */
  placeOfBirth?: string | undefined;
}): Ivms101Payload {
  const { person, beneficiary } = input;
  const originator: IvmsPerson = {
    naturalPerson: {
      name: {
        nameIdentifier: [
          {
            primaryIdentifier: person.legalName.family,
            secondaryIdentifier: person.legalName.given,
            nameIdentifierType: 'LEGL',
          },
        ],
      },
      geographicAddress: [addressOf(person)],
      customerIdentification: input.customerId,
      ...(input.placeOfBirth
        ? { dateAndPlaceOfBirth: { dateOfBirth: person.dateOfBirth, placeOfBirth: input.placeOfBirth } }
        : {}),
      countryOfResidence: person.residence.country,
    },
  };
  const beneficiaryPerson: IvmsPerson =
    beneficiary.kind === 'person'
      ? {
          naturalPerson: {
            name: {
              nameIdentifier: [
                {
                  primaryIdentifier: beneficiary.family,
                  secondaryIdentifier: beneficiary.given,
                  nameIdentifierType: 'LEGL',
                },
              ],
            },
          },
        }
      : {
          legalPerson: {
            name: {
              nameIdentifier: [
                { legalPersonName: beneficiary.legalName, legalPersonNameIdentifierType: 'LEGL' },
              ],
            },
          },
        };
  const vasp: IvmsPerson = {
    legalPerson: {
      name: {
        nameIdentifier: [{ legalPersonName: input.vasp.legalName, legalPersonNameIdentifierType: 'LEGL' }],
      },
      countryOfRegistration: input.vasp.country,
      ...(input.vasp.lei
        ? {
            nationalIdentification: {
              nationalIdentifier: input.vasp.lei,
              nationalIdentifierType: 'LEIX' as const,
            },
          }
        : {}),
    },
  };
  return z.parse(ivms101Payload, {
    originator: { originatorPersons: [originator], accountNumber: [input.customerId] },
    beneficiary: { beneficiaryPersons: [beneficiaryPerson], accountNumber: [input.destinationAddress] },
    originatingVASP: { originatingVASP: vasp },
  });
}
