// F2: the pair command's domain: a schema as a CSV names it, mapped onto the matcher's schemas.
import type { Schema } from './normalise.js';

const SCHEMAS: Readonly<Record<string, Schema>> = {
  person: 'Person',
  individual: 'Person',
  company: 'Company',
  organization: 'Organization',
  organisation: 'Organization',
  legalentity: 'LegalEntity',
  entity: 'LegalEntity',
  vessel: 'Vessel',
  aircraft: 'Aircraft',
};

/** The matcher schema of a CSV's schema cell; unknown kinds are compared as 'Other' (no legal forms, no particles). */
export const schemaOf = (raw: string): Schema =>
  SCHEMAS[
    raw
      .trim()
      .toLowerCase()
      .replace(/[^a-z]/g, '')
  ] ?? 'Other';
