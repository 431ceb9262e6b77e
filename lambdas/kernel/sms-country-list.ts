// The countries an SMS may be sent to, by code: the list settings validate `smsCountries` against. The calling
// codes of each are in sms-countries.ts (SendSms only), so no other bundle carries that table.

export const SMS_COUNTRIES = [
  'AT',
  'AU',
  'BE',
  'BG',
  'CA',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'JP',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'RO',
  'SE',
  'SG',
  'SI',
  'SK',
  'US',
] as const;

export type SmsCountry = (typeof SMS_COUNTRIES)[number];

/** The default: Western Europe, where the exchange operates; a deploy widens it with `smsCountries`. */
export const DEFAULT_SMS_COUNTRIES: readonly SmsCountry[] = [
  'AT',
  'BE',
  'CH',
  'DE',
  'ES',
  'FR',
  'GB',
  'IE',
  'IT',
  'NL',
];
