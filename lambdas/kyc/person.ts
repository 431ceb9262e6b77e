// F1/F4: the person data of an individual customer (POST /v1/me/kyc/person): legal name, date of birth,
// nationality, residence address, tax residence. The shape is checked with zod; the rules that need the clock
// or the settings (adult, residence outside the restricted jurisdictions) are checkPerson's.
import * as z from 'zod/mini';
import { Forbidden, ValidationError } from '../kernel/errors.js';
import type { Settings } from '../kernel/settings.js';

const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as FR'));
/**
 * Printable text without control or format characters (bidi overrides, zero-width spaces) or angle brackets:
 * names reach PDFs, emails and IVMS101. The zero-width (non-)joiners are format characters that Persian and
 * Indic names need, so they are allowed.
 */
const text = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^(?:[^\p{Cc}\p{Cf}<>]|[\u200c\u200d])+$/u, 'printable text without < or >'),
    );

export const legalNameSchema = z.strictObject({
  /** Given names, as on the identity document. */
  given: text(100),
  /** Family name(s), as on the identity document (IVMS101 primaryIdentifier). */
  family: text(100),
});

export const residenceAddressSchema = z.strictObject({
  line1: text(100),
  line2: z.optional(text(100)),
  city: text(60),
  postalCode: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 -]{2,12}$/, 'a postal code'))),
  region: z.optional(text(60)),
  country: countryCode,
});

export const taxResidenceSchema = z.strictObject({
  country: countryCode,
  /** The tax identification number, when the country issues one. */
  tin: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 ./-]{1,30}$/, 'a tax identification number'))),
});

/** The body of POST /v1/me/kyc/person. */
export const personBody = z.strictObject({
  legalName: legalNameSchema,
  dateOfBirth: z.iso.date(),
  nationality: countryCode,
  residence: residenceAddressSchema,
  taxResidence: z.array(taxResidenceSchema).check(z.minLength(1), z.maxLength(5)),
});
export type PersonData = z.infer<typeof personBody>;

/** The age from which a customer may be onboarded. */
export const MIN_AGE_YEARS = 18;

/** Whole years between a date of birth (YYYY-MM-DD) and `now`, in UTC. */
export function ageOn(dateOfBirth: string, now: Date): number {
  const [y = 0, m = 1, d = 1] = dateOfBirth.split('-').map(Number);
  let age = now.getUTCFullYear() - y;
  const month = now.getUTCMonth() + 1;
  if (month < m || (month === m && now.getUTCDate() < d)) age -= 1;
  return age;
}

/** F4: the residence country is refused when it is one of settings.restrictedCountries (one list for IP and residence). */
export function isRestrictedResidence(
  country: string,
  settings: Pick<Settings, 'restrictedCountries'>,
): boolean {
  return settings.restrictedCountries.includes(country);
}

/**
 * The rules beyond the shape: a date of birth in the past and at least MIN_AGE_YEARS ago (400), and a residence
 * outside the restricted jurisdictions (403 JURISDICTION, as at login). Tax residence or nationality in a
 * restricted or high-risk country is not refused here: it raises the risk rating (risk.ts), and the person is
 * screened (F2).
 */
export function checkPerson(
  person: PersonData,
  settings: Pick<Settings, 'restrictedCountries'>,
  now: Date,
): PersonData {
  const born = Date.parse(`${person.dateOfBirth}T00:00:00Z`);
  if (Number.isNaN(born) || born > now.getTime()) {
    throw new ValidationError('The date of birth is not a past date', [
      { path: 'dateOfBirth', message: 'a past date' },
    ]);
  }
  if (ageOn(person.dateOfBirth, now) < MIN_AGE_YEARS) {
    throw new ValidationError(`A customer must be at least ${MIN_AGE_YEARS} years old`, [
      { path: 'dateOfBirth', message: `at least ${MIN_AGE_YEARS} years ago` },
    ]);
  }
  if (isRestrictedResidence(person.residence.country, settings)) {
    throw new Forbidden('Palisade is not available to residents of this country', 'JURISDICTION');
  }
  return person;
}
