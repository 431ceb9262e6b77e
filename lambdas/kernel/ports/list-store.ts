// ListStore port (F2): where the versions of the screening lists are kept. Each version is the list's
// source files exactly as loaded, under an id, with a manifest (sha-256 digest of the files, entity counts,
// when); one version per list is current. In AWS an S3 bucket (KMS-encrypted, versioned: lib/screening-lists.ts,
// kernel/aws/list-store.ts); locally the state folder (local/adapters/list-store.ts). A version is written
// whole before it becomes current, so a reader sees the previous version or the new one, never half of one.

export interface ListVersionManifest {
  readonly list: string;
  /** `<loaded at, compact ISO>-<first 12 hex of the digest>`: sorts by time, names the content. */
  readonly version: string;
  /** sha-256 over the files, each as `name\0length\0bytes`, in name order. */
  readonly sha256: string;
  readonly loadedAt: string;
  readonly files: readonly { readonly name: string; readonly bytes: number; readonly sha256: string }[];
  readonly entities: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Who or what loaded it (an admin's id, `schedule`, `cli:<user>`). */
  readonly loadedBy: string;
}

export interface ListStore {
  /** Stores a version's files and manifest; it is not current until `setCurrent`. */
  putVersion(manifest: ListVersionManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void>;
  /** Makes a stored version the one in force. */
  setCurrent(list: string, version: string): Promise<void>;
  /** The manifest of the version in force, if any. */
  current(list: string): Promise<ListVersionManifest | undefined>;
  /** The files of a stored version. */
  readFiles(list: string, version: string): Promise<Map<string, Uint8Array>>;
}
