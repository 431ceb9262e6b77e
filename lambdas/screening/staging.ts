// F2: the files of a `load-screening-list` request, staged before its approval. The request names each file
// with its sha-256 (the approved payload); the requester gets one upload slot per file (a presigned POST to
// `incoming/<requestId>/<name>` of the list bucket in AWS, the local upload endpoint locally) and sends the
// bytes there, outside the API (the firewall's body limit is 8 KiB). On approval the loader reads the staged
// bytes, checks each digest against the approved one and loads. Staged files expire after
// STAGED_FILE_DAYS (a lifecycle rule in AWS), so a retried load reads them again.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';

/** Where a request's staged files are, under the list bucket (never under `lists/`, which holds versions). */
export const INCOMING_PREFIX = 'incoming/';
/** A staged file's size limit (the SDN's largest file is about 2 MB). */
export const MAX_STAGED_FILE_BYTES = 64 * 1024 * 1024;
/** How long an upload slot stays usable after the request. */
export const STAGING_SLOT_SECONDS = 3600;
/** How long staged files are kept (the bucket's lifecycle rule on `incoming/`). */
export const STAGED_FILE_DAYS = 7;

/** A list file's name as a request names it (the names each format takes, versions.ts FORMAT_FILES). */
export const stagedFileName = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}(\.[a-z0-9]{1,8}){1,2}$/, 'a file name such as sdn.csv'));

export const stagedKey = (requestId: string, name: string) => `${INCOMING_PREFIX}${requestId}/${name}`;

/** One slot: a multipart POST of `fields` then the file (field `file`) to `url`. */
export const uploadSlot = z.object({
  name: z.string(),
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.string(),
  maxBytes: z.number(),
});
export type UploadSlot = z.infer<typeof uploadSlot>;

export interface ListStaging {
  /** One slot per file, for the request's files only. `baseUrl`: the API's (the local endpoint's host). */
  createSlots(input: { requestId: string; names: readonly string[]; baseUrl: string }): Promise<UploadSlot[]>;
  /** The staged bytes, or undefined when nothing was uploaded (or more than MAX_STAGED_FILE_BYTES). */
  read(requestId: string, name: string): Promise<Uint8Array | undefined>;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
