// F1/F4: the person data of an individual: the zod contract, adulthood with an injected clock, and the
// residence checked against the one list of restricted countries (settings.restrictedCountries).

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { Forbidden, ValidationError } from '../../lambdas/kernel/errors.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import {
  ageOn,
  checkPerson,
  isRestrictedResidence,
  type PersonData,
  personBody,
} from '../../lambdas/kyc/person.js';

const settings = parseSettings({});
const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
const alice: PersonData = {
  legalName: { given: 'Alice Marie', family: 'Dupont' },
  dateOfBirth: '1990-04-15',
  nationality: 'FR',
  residence: { line1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  taxResidence: [{ country: 'FR', tin: '1234567890123' }],
};

describe('F1 the person data of an individual', () => {
  it('F1 the contract takes legal name, date of birth, nationality, residence and tax residence, and nothing else', () => {
    expect(z.parse(personBody, alice)).toEqual(alice);
    expect(z.safeParse(personBody, { ...alice, ssn: '1' }).success).toBe(false);
    expect(z.safeParse(personBody, { ...alice, dateOfBirth: '15/04/1990' }).success).toBe(false);
    expect(z.safeParse(personBody, { ...alice, nationality: 'France' }).success).toBe(false);
    expect(z.safeParse(personBody, { ...alice, taxResidence: [] }).success).toBe(false);
    expect(z.safeParse(personBody, { ...alice, legalName: { given: '<script>', family: 'x' } }).success).toBe(
      false,
    );
    expect(z.safeParse(personBody, { ...alice, legalName: { given: 'A\u202eB', family: 'x' } }).success).toBe(
      false,
    );
    expect(z.safeParse(personBody, { ...alice, legalName: { given: 'A\u200bB', family: 'x' } }).success).toBe(
      false,
    );
    // Names of every script are welcome, with the zero-width non-joiner Persian names use.
    expect(
      z.safeParse(personBody, { ...alice, legalName: { given: 'مهر\u200cناز', family: 'رضایی' } }).success,
    ).toBe(true);
    expect(
      z.safeParse(personBody, { ...alice, legalName: { given: 'Zoë Ångström-Łukasz', family: '山田' } })
        .success,
    ).toBe(true);
  });

  it('F1 a customer is an adult on the day (injected clock), born in the past', () => {
    expect(checkPerson(alice, settings, clock.now())).toEqual(alice);
    clock.set(new Date('2027-04-14T23:59:59Z'));
    expect(ageOn('2009-04-15', clock.now())).toBe(17);
    expect(() => checkPerson({ ...alice, dateOfBirth: '2009-04-15' }, settings, clock.now())).toThrow(
      ValidationError,
    );
    clock.set(new Date('2027-04-15T00:00:00Z'));
    expect(ageOn('2009-04-15', clock.now())).toBe(18);
    expect(checkPerson({ ...alice, dateOfBirth: '2009-04-15' }, settings, clock.now()).dateOfBirth).toBe(
      '2009-04-15',
    );
    expect(() => checkPerson({ ...alice, dateOfBirth: '2030-01-01' }, settings, clock.now())).toThrow(
      /past date/,
    );
  });

  it('F1 F4 a residence in a restricted country is refused 403 JURISDICTION, from the one restrictedCountries list', () => {
    const inKp = { ...alice, residence: { ...alice.residence, country: 'KP' } };
    expect(isRestrictedResidence('KP', settings)).toBe(true);
    let err: unknown;
    try {
      checkPerson(inKp, settings, clock.now());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Forbidden);
    expect((err as Forbidden).code).toBe('JURISDICTION');
    // A deploy's own list is the list.
    const custom = parseSettings({ restrictedCountries: ['FR'] });
    expect(() => checkPerson(alice, custom, clock.now())).toThrow(Forbidden);
    expect(checkPerson(inKp, custom, clock.now()).residence.country).toBe('KP');
    // Nationality or tax residence alone is not refused here (it rates the risk: risk.ts).
    expect(
      checkPerson({ ...alice, nationality: 'KP', taxResidence: [{ country: 'IR' }] }, settings, clock.now()),
    ).toBeTruthy();
  });
});
