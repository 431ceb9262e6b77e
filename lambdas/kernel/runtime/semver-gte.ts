// Bundled in place of `semver` (an esbuild alias in lib/functions.ts), ~28 KB minified in every bundle. Its
// only importer is aws-xray-sdk-core's patcher for AWS SDK v2 clients (`captureAWS`), which calls
// `semver.gte(AWS.VERSION, '2.7.15')`; Palisade uses SDK v3 and `captureAWSv3Client` only. This keeps that
// one function, correct for plain `x.y.z` versions, so the patcher still works if it is ever used.
export function gte(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/, 3).map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export default { gte };
