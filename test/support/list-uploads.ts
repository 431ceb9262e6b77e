// F2: sends a list file to an upload slot of a load-screening-list request as a client does to S3: a
// multipart POST of the slot's fields, then the file (field `file`, last, as S3 requires).
import { createHash } from 'node:crypto';

export interface Slot {
  name: string;
  url: string;
  fields: Record<string, string>;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function uploadToSlot(slot: Slot, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), slot.name);
  const answer = await fetch(slot.url, { method: 'POST', body: form });
  await answer.arrayBuffer();
  return answer.status;
}
