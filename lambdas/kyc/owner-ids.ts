// F5: the beneficial owners a stored KYC record names (`business.owners[].ownerId`, subject ids `bo_` + 24 hex,
// business.ts ownerSubjectId). The retention sweep erases their screening partitions and pointers with the
// customer's own rows: an owner's personal data is the customer's record.
const OWNER_ID = /^bo_[0-9a-f]{24}$/;

export function ownerIdsOf(row: unknown): string[] {
  const owners = (row as { business?: { owners?: unknown } } | null | undefined)?.business?.owners;
  if (!Array.isArray(owners)) return [];
  return owners
    .map((owner) => (owner as { ownerId?: unknown } | null)?.ownerId)
    .filter((id): id is string => typeof id === 'string' && OWNER_ID.test(id));
}
