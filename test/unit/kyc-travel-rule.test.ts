// F1 (the Travel Rule of withdrawals): the threshold in configuration, amounts converted with the price port
// (a missing or stale price requires the data: fail safe), and the IVMS101 payload built from KYC data.

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import type { PersonData } from '../../lambdas/kyc/person.js';
import type { PriceSource } from '../../lambdas/kyc/ports.js';
import { buildTravelRulePayload, ivms101Payload, travelRuleApplies } from '../../lambdas/kyc/travel-rule.js';

const config = parseKycConfig({});
const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
const pricesAt = (btc: string, at: Date = clock.now()): PriceSource => ({
  price: async (asset, fiat) =>
    asset === 'BTC' && fiat === 'EUR' ? { price: btc, at } : { price: '2000', at },
});

const alice: PersonData = {
  legalName: { given: 'Alice Marie', family: 'Dupont' },
  dateOfBirth: '1990-04-15',
  nationality: 'FR',
  residence: {
    line1: '12 rue de la Paix',
    line2: 'Bâtiment B',
    city: 'Paris',
    postalCode: '75002',
    country: 'FR',
  },
  taxResidence: [{ country: 'FR' }],
};

describe('F1 the Travel Rule threshold', () => {
  it('F1 EUR 1,000 or more, converted with the price port, exactly (1,000.00 is at the threshold)', async () => {
    expect(config.travelRule).toMatchObject({ currency: 'EUR', thresholds: { EUR: '1000', USD: '1000' } });
    expect(await travelRuleApplies('BTC', '0.02', pricesAt('50000'), config, clock.now())).toEqual({
      required: true,
      value: '1000',
      currency: 'EUR',
      threshold: '1000',
    });
    expect(
      (await travelRuleApplies('BTC', '0.01999999', pricesAt('50000'), config, clock.now())).required,
    ).toBe(false);
    expect(await travelRuleApplies('ETH', '0.5', pricesAt('1'), config, clock.now())).toMatchObject({
      required: true,
      value: '1000',
    });
    expect(
      (await travelRuleApplies('ETH', '0.000000000000000001', pricesAt('1'), config, clock.now())).required,
    ).toBe(false);
  });

  it('F1 the currency and threshold come from configuration (USD 3,000, say)', async () => {
    const usd = parseKycConfig({
      travelRule: { currency: 'USD', thresholds: { EUR: '1000', USD: '3000' }, maxPriceAgeSeconds: 900 },
    });
    const seen: string[] = [];
    const prices: PriceSource = {
      price: async (asset, fiat) => {
        seen.push(`${asset}/${fiat}`);
        return { price: '60000', at: clock.now() };
      },
    };
    expect(await travelRuleApplies('BTC', '0.04', prices, usd, clock.now())).toMatchObject({
      required: false,
      value: '2400',
      currency: 'USD',
    });
    expect(seen).toEqual(['BTC/USD']);
  });

  it('F1 without a fresh price the data is required (fail safe): none, a failing source, a stale one', async () => {
    const none: PriceSource = { price: async () => undefined };
    const failing: PriceSource = {
      price: async () => {
        throw new Error('price feed down');
      },
    };
    const stale = pricesAt(
      '1',
      new Date(clock.now().getTime() - (config.travelRule.maxPriceAgeSeconds + 1) * 1000),
    );
    for (const prices of [none, failing, stale]) {
      expect(await travelRuleApplies('BTC', '0.00001', prices, config, clock.now())).toEqual({
        required: true,
        currency: 'EUR',
        threshold: '1000',
        priceMissing: true,
      });
    }
  });
});

describe('F1 the IVMS101 payload', () => {
  it('F1 the originator comes from KYC, the beneficiary from the request, and the payload fits the IVMS101 schema', () => {
    const payload = buildTravelRulePayload({
      customerId: 'user-1',
      person: alice,
      beneficiary: { kind: 'person', given: 'Bob', family: 'Martin' },
      destinationAddress: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      vasp: { legalName: 'Palisade SA', country: 'LU', lei: '5299000J2N45DDNE4Y28' },
      placeOfBirth: 'Lyon',
    });
    expect(payload.originator).toEqual({
      originatorPersons: [
        {
          naturalPerson: {
            name: {
              nameIdentifier: [
                {
                  primaryIdentifier: 'Dupont',
                  secondaryIdentifier: 'Alice Marie',
                  nameIdentifierType: 'LEGL',
                },
              ],
            },
            geographicAddress: [
              {
                addressType: 'HOME',
                addressLine: ['12 rue de la Paix', 'Bâtiment B'],
                townName: 'Paris',
                postCode: '75002',
                country: 'FR',
              },
            ],
            customerIdentification: 'user-1',
            dateAndPlaceOfBirth: { dateOfBirth: '1990-04-15', placeOfBirth: 'Lyon' },
            countryOfResidence: 'FR',
          },
        },
      ],
      accountNumber: ['user-1'],
    });
    expect(payload.beneficiary).toEqual({
      beneficiaryPersons: [
        {
          naturalPerson: {
            name: {
              nameIdentifier: [
                { primaryIdentifier: 'Martin', secondaryIdentifier: 'Bob', nameIdentifierType: 'LEGL' },
              ],
            },
          },
        },
      ],
      accountNumber: ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    });
    expect(payload.originatingVASP.originatingVASP).toEqual({
      legalPerson: {
        name: { nameIdentifier: [{ legalPersonName: 'Palisade SA', legalPersonNameIdentifierType: 'LEGL' }] },
        countryOfRegistration: 'LU',
        nationalIdentification: {
          nationalIdentifier: '5299000J2N45DDNE4Y28',
          nationalIdentifierType: 'LEIX',
        },
      },
    });
    expect(z.safeParse(ivms101Payload, payload).success).toBe(true);
  });

  it('F1 a company beneficiary is a legal person; without a place of birth the date is left out', () => {
    const payload = buildTravelRulePayload({
      customerId: 'user-1',
      person: alice,
      beneficiary: { kind: 'company', legalName: 'Acme Ltd' },
      destinationAddress: '0x8589427373D6D84E98730D7795D8f6f8731FDA16',
      vasp: { legalName: 'Palisade SA', country: 'LU' },
    });
    expect(payload.beneficiary.beneficiaryPersons[0]).toEqual({
      legalPerson: {
        name: { nameIdentifier: [{ legalPersonName: 'Acme Ltd', legalPersonNameIdentifierType: 'LEGL' }] },
      },
    });
    const originator = payload.originator.originatorPersons[0];
    expect(
      originator && 'naturalPerson' in originator ? originator.naturalPerson.dateAndPlaceOfBirth : 'x',
    ).toBeUndefined();
    // The schema refuses what IVMS101 does not allow: a person with no name.
    expect(
      z.safeParse(ivms101Payload, {
        ...payload,
        beneficiary: {
          beneficiaryPersons: [{ naturalPerson: { name: { nameIdentifier: [] } } }],
          accountNumber: ['x'],
        },
      }).success,
    ).toBe(false);
  });
});
