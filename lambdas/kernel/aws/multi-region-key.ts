// Multi-Region KMS keys (`mrk-` ids): a primary and its replicas share the key id, the account and the key
// material, each in its own Region, and KMS only answers for keys of the Region it is called in. So a row
// signed (or a data key wrapped) under the primary's ARN is checked (or unwrapped) in another Region through
// that Region's replica: same ARN, other Region. Dependency-free, for every bundle that holds KeyService.

const MRK_ARN = /^arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key\/(mrk-[0-9a-f]{32})$/;

/** The ARN of the related multi-Region key in `region`; any other key id is returned as it is. */
export function inRegion(keyId: string, region: string | undefined): string {
  const m = MRK_ARN.exec(keyId);
  if (!m || region === undefined || m[2] === region) return keyId;
  return `arn:${m[1]}:kms:${region}:${m[3]}:key/${m[4]}`;
}
