// F1: a business customer's declaration (POST /v1/me/kyc/business): the company (registration number,
// jurisdiction, the incorporation document's upload slot) and its ownership graph. The graph is checked and the
// effective ownership computed by ownership.ts (cycles and totals over 100 % refused, nothing written); each
// natural person at or above the threshold is a beneficial owner, or, when nobody reaches it, the senior managing
// official is recorded. Each is screened (F2) under a subject id of their own (`bo_<24 hex>`, a digest of the
// customer and the declared person: the same person declared again keeps their id).
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { maskName } from '../kernel/privacy/mask.js';
import { beneficialOwnership, type OwnershipResult, ownershipDeclaration } from './ownership.js';

const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'));

/** The body of POST /v1/me/kyc/business. */
export const businessBody = z.strictObject({
  registrationNumber: z
    .string()
    .check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,63}$/, 'a company registration number')),
  jurisdiction: countryCode,
  /** The upload slot id of the incorporation document (POST /v1/me/kyc/documents, kind `incorporation`). */
  incorporationDocument: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'an upload slot id')),
  ownership: ownershipDeclaration,
});
export type BusinessBody = z.infer<typeof businessBody>;

export const OWNER_ROLES = ['beneficial-owner', 'senior-managing-official'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** One person the business stands behind: what is screened (F2) and sealed (E2). */
export interface DeclaredOwner {
  /** The screening subject id of this person (`bo_<24 hex>`). */
  ownerId: string;
  role: OwnerRole;
  /** Effective ownership in percent (4 decimals); absent for a senior managing official without shares. */
  percent?: string | undefined;
  name: string;
  /** The name masked, as the record keeps it for GET /v1/me/kyc (E2: the name itself is sealed). */
  nameMasked: string;
  dateOfBirth?: string | undefined;
  nationality?: string | undefined;
  residenceCountry?: string | undefined;
}

/** The subject id of a declared person of a customer: stable for the same customer and person id. */
export const ownerSubjectId = (userId: string, personId: string): string =>
  `bo_${createHash('sha256').update(`${userId}\n${personId}`).digest('hex').slice(0, 24)}`;

export interface BusinessDeclaration {
  registrationNumber: string;
  jurisdiction: string;
  incorporationDocument: string;
  companyName: string;
  owners: DeclaredOwner[];
  /** The countries that rate the business's risk: its jurisdiction, its companies' and its owners'. */
  countries: string[];
  ownership: OwnershipResult;
}

/** Checks the declaration (OwnershipRefused, 400, on a bad graph) and lists the persons to record and screen. */
export function declareBusiness(
  userId: string,
  body: BusinessBody,
  thresholdPercent: number,
): BusinessDeclaration {
  const ownership = beneficialOwnership(body.ownership, thresholdPercent);
  const parties = new Map(body.ownership.parties.map((p) => [p.id, p] as const));
  const personFacts = (personId: string) => {
    const party = parties.get(personId);
    return party?.kind === 'person'
      ? {
          ...(party.dateOfBirth ? { dateOfBirth: party.dateOfBirth } : {}),
          ...(party.nationality ? { nationality: party.nationality } : {}),
          ...(party.residenceCountry ? { residenceCountry: party.residenceCountry } : {}),
        }
      : {};
  };
  const owners: DeclaredOwner[] = ownership.seniorManagingOfficial
    ? [
        {
          ownerId: ownerSubjectId(userId, ownership.seniorManagingOfficial.personId),
          role: 'senior-managing-official',
          name: ownership.seniorManagingOfficial.name,
          nameMasked: maskName(ownership.seniorManagingOfficial.name),
          ...personFacts(ownership.seniorManagingOfficial.personId),
        },
      ]
    : ownership.beneficialOwners.map((owner) => ({
        ownerId: ownerSubjectId(userId, owner.personId),
        role: 'beneficial-owner',
        percent: owner.percent,
        name: owner.name,
        nameMasked: maskName(owner.name),
        ...personFacts(owner.personId),
      }));
  const company = parties.get(body.ownership.company);
  const countries = [
    body.jurisdiction,
    ...body.ownership.parties.flatMap((p) =>
      p.kind === 'company' && p.jurisdiction ? [p.jurisdiction] : [],
    ),
    ...owners.flatMap((o) => [o.nationality, o.residenceCountry].filter((c): c is string => !!c)),
  ];
  return {
    registrationNumber: body.registrationNumber,
    jurisdiction: body.jurisdiction,
    incorporationDocument: body.incorporationDocument,
    companyName: company?.name ?? body.ownership.company,
    owners,
    countries: [...new Set(countries)],
    ownership,
  };
}
