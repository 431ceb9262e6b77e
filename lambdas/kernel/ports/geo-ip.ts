// GeoIp port: the country of an IP address, for the login history (A9) and the login email (A4).
export interface GeoIp {
  /** ISO 3166-1 alpha-2 code, or undefined when unknown (private, reserved or unlisted addresses). */
  countryOf(ip: string): string | undefined;
  /** G1: the autonomous system announcing the address (digits), or undefined when unknown. */
  asnOf?(ip: string): string | undefined;
}

/** The adapter where no trustworthy source of the country exists: every country is unknown. */
export const unknownCountry: GeoIp = { countryOf: () => undefined };
