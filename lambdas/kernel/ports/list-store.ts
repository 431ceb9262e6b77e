// ListStore port (F2): where the versions of the screening lists are kept. Each version is the list's
// source files exactly as loaded, under an id, with a manifest (sha-256 digest of the files, entity counts,
// when) and the entities the loader parsed them into (a derived file named, with its own digest, by the
// manifest: what the screening functions read, so none of them carries a parser); one version per list is current. In AWS an S3 bucket (KMS-encrypted, versioned: lib/screening-lists.ts,
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
  /**
   * The version's entities as the loader parsed them (lambdas/screening/list-entities.ts), stored beside the
   * files before the version is made current. Absent from a version stored before the loader derived it:
   * loading the same files again adds it (docs/screening.md).
   */
  readonly entitiesFile?: ListDerivedFile;
  /**
   * The version's screening index as the loader built it from the entities file (lambdas/screening/
   * list-index.ts), stored with it. Absent from a version stored before the loader built it: the screening
   * indexes the entities itself, and loading the same files again adds it.
   */
  readonly indexFile?: ListDerivedFile;
}

/** A file derived from a version's files at load, with the format it is written in and its own digest. */
export interface ListDerivedFile {
  readonly name: string;
  readonly format: number;
  readonly bytes: number;
  /** sha-256 of the file's bytes, hex. */
  readonly sha256: string;
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
  /** Stores a file derived from a version's files (the parsed entities) beside them. */
  putDerived(list: string, version: string, name: string, bytes: Uint8Array): Promise<void>;
  /** A derived file of a stored version; undefined when none was written under that name. */
  readDerived(list: string, version: string, name: string): Promise<Uint8Array | undefined>;
  /** Rewrites the manifest of a stored version (naming a derived file added after it was stored). */
  putManifest(manifest: ListVersionManifest): Promise<void>;
}
