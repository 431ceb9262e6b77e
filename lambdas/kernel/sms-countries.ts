// SMS destinations by country (SMS pumping): the countries Palisade may text, as E.164 calling-code prefixes.
// Settings (`smsCountries`) choose among the countries listed here; the SendSms function refuses any other
// number (lambdas/notify/handlers/send-sms.ts). Dependency-free but for the error type.
import { SMS_COUNTRIES, type SmsCountry } from './sms-country-list.js';

export { DEFAULT_SMS_COUNTRIES, SMS_COUNTRIES, type SmsCountry } from './sms-country-list.js';

interface CallingCodes {
  /** E.164 prefixes without the `+`: the country code, or a longer prefix where a code is shared. */
  prefixes: readonly string[];
  /** Prefixes under those that belong to other countries. */
  except?: readonly string[];
}

/**
 * NANP (+1) area codes of other countries (the Caribbean and Bermuda): SMS pumping's favourite +1
 * destinations. What remains of +1 is the United States (with its territories) and Canada.
 */
const NANP_ELSEWHERE: readonly string[] =
  '242 246 264 268 284 345 441 473 649 658 664 721 758 767 784 809 829 849 868 869 876'
    .split(' ')
    .map((area) => `1${area}`);

/**
 * The countries an SMS may go to when settings allow them. US and CA share +1 and are told apart from the
 * Caribbean members of the plan, not from each other: allowing either allows both. Countries sharing a code
 * with a high-risk one (+7: RU and KZ) are not listed.
 */
export const SMS_CALLING_CODES = {
  AT: { prefixes: ['43'] },
  AU: { prefixes: ['61'] },
  BE: { prefixes: ['32'] },
  BG: { prefixes: ['359'] },
  CA: { prefixes: ['1'], except: NANP_ELSEWHERE },
  CH: { prefixes: ['41'] },
  CY: { prefixes: ['357'] },
  CZ: { prefixes: ['420'] },
  DE: { prefixes: ['49'] },
  DK: { prefixes: ['45'] },
  EE: { prefixes: ['372'] },
  ES: { prefixes: ['34'] },
  FI: { prefixes: ['358'] },
  FR: { prefixes: ['33'] },
  GB: { prefixes: ['44'] },
  GR: { prefixes: ['30'] },
  HR: { prefixes: ['385'] },
  HU: { prefixes: ['36'] },
  IE: { prefixes: ['353'] },
  IS: { prefixes: ['354'] },
  IT: { prefixes: ['39'] },
  JP: { prefixes: ['81'] },
  LI: { prefixes: ['423'] },
  LT: { prefixes: ['370'] },
  LU: { prefixes: ['352'] },
  LV: { prefixes: ['371'] },
  MT: { prefixes: ['356'] },
  NL: { prefixes: ['31'] },
  NO: { prefixes: ['47'] },
  NZ: { prefixes: ['64'] },
  PL: { prefixes: ['48'] },
  PT: { prefixes: ['351'] },
  RO: { prefixes: ['40'] },
  SE: { prefixes: ['46'] },
  SG: { prefixes: ['65'] },
  SI: { prefixes: ['386'] },
  SK: { prefixes: ['421'] },
  US: { prefixes: ['1'], except: NANP_ELSEWHERE },
} as const satisfies Record<SmsCountry, CallingCodes>;

/** The listed countries an E.164 number (`+4477…`) belongs to: none, one, or US and CA together. */
export function smsCountriesOf(e164: string): SmsCountry[] {
  if (!/^\+[1-9]\d{7,14}$/.test(e164)) return [];
  const digits = e164.slice(1);
  return SMS_COUNTRIES.filter((country) => {
    const codes: CallingCodes = SMS_CALLING_CODES[country];
    return (
      codes.prefixes.some((p) => digits.startsWith(p)) &&
      !(codes.except ?? []).some((p) => digits.startsWith(p))
    );
  });
}

export function smsDestinationAllowed(e164: string, allowed: readonly string[]): boolean {
  return smsCountriesOf(e164).some((country) => allowed.includes(country));
}

/** 400 SMS_COUNTRY_NOT_ALLOWED; its name survives a Lambda invocation (kernel/aws/sms-messages.ts). */
export { SmsCountryNotAllowed } from './errors.js';
