// F1: uploaded KYC documents: the type by magic bytes, the size, the page count of a PDF, each refusal typed;
// the presigned POST's policy (S3 adapter) and the local store behind the same port. Fixtures are made here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { SignedS3 } from '../../lambdas/kernel/aws/s3-client.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { S3DocumentStore, slotPolicy } from '../../lambdas/kyc/aws/s3-document-store.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import { checkDocument, DocumentRefused, sniffType } from '../../lambdas/kyc/documents.js';
import { HttpVerificationProvider } from '../../lambdas/kyc/http-provider.js';
import { documentKey, PENDING_UPLOAD_TAGGING } from '../../lambdas/kyc/ports.js';
import { LocalDocumentStore, type LocalUploadRefused } from '../../local/adapters/kyc-documents.js';

const limits = parseKycConfig({}).documents;
const pad = (head: number[] | string, size = 400): Uint8Array => {
  const bytes = new Uint8Array(size);
  bytes.set(typeof head === 'string' ? Buffer.from(head, 'latin1') : head);
  return bytes;
};
const JPEG = pad([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG = pad([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WEBP = pad('RIFF\u0090\u0001\u0000\u0000WEBPVP8 ');
const HEIC = pad('\u0000\u0000\u0000\u0018ftypheic\u0000\u0000\u0000\u0000mif1heic');
const AVIF = pad('\u0000\u0000\u0000\u0018ftypavif\u0000\u0000\u0000\u0000mif1avif');
const GIF = pad('GIF89a');

async function pdfOf(pages: number, options: { encrypt?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([200, 200]).drawText(`page ${i + 1}`);
  if (options.encrypt) {
    // A trailer naming an Encrypt dictionary is what marks a PDF encrypted.
    doc.context.trailerInfo.Encrypt = doc.context.register(
      doc.context.obj({ Filter: PDFName.of('Standard'), V: 2, R: 3 }),
    );
  }
  return doc.save({ useObjectStreams: !options.encrypt });
}

async function refusal(promise: Promise<unknown>): Promise<DocumentRefused> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentRefused);
  return err as DocumentRefused;
}

describe('F1 the type of an uploaded file is read from its bytes', () => {
  it('F1 JPEG, PNG, PDF, WebP and HEIC are known by their signatures; GIF, AVIF and a PDF behind junk are not', async () => {
    expect(sniffType(JPEG)).toBe('image/jpeg');
    expect(sniffType(PNG)).toBe('image/png');
    expect(sniffType(await pdfOf(1))).toBe('application/pdf');
    expect(sniffType(WEBP)).toBe('image/webp');
    expect(sniffType(HEIC)).toBe('image/heic');
    expect(sniffType(AVIF)).toBeUndefined();
    expect(sniffType(GIF)).toBeUndefined();
    expect(sniffType(pad('<html>%PDF-1.7'))).toBeUndefined();
    expect(sniffType(new Uint8Array(0))).toBeUndefined();
  });
});

describe('F1 a bad file is refused with a clear, typed error', () => {
  it('F1 accepted files pass and say what they are (a PDF with its page count)', async () => {
    expect(await checkDocument('selfie', 'image/jpeg', JPEG, limits)).toEqual({
      contentType: 'image/jpeg',
      bytes: 400,
    });
    expect(await checkDocument('government-id', 'image/heic', HEIC, limits)).toMatchObject({
      contentType: 'image/heic',
    });
    const pdf = await pdfOf(3);
    expect(await checkDocument('proof-of-address', 'application/pdf', pdf, limits)).toEqual({
      contentType: 'application/pdf',
      bytes: pdf.length,
      pages: 3,
    });
  });

  it('F1 an empty, a too small and a too large file are refused (413 for the large one), before any parsing', async () => {
    expect((await refusal(checkDocument('selfie', 'image/jpeg', new Uint8Array(0), limits))).reason).toBe(
      'empty',
    );
    expect((await refusal(checkDocument('selfie', 'image/jpeg', JPEG.subarray(0, 50), limits))).reason).toBe(
      'too-small',
    );
    const large = await refusal(
      checkDocument('selfie', 'image/jpeg', pad([0xff, 0xd8, 0xff], limits.maxBytes + 1), limits),
    );
    expect({ reason: large.reason, status: large.status, code: large.code }).toEqual({
      reason: 'too-large',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('F1 a file of another type, or of a type the kind does not take, is refused 415; a declared type that lies, 400', async () => {
    const gif = await refusal(checkDocument('government-id', 'image/jpeg', GIF, limits));
    expect({ reason: gif.reason, status: gif.status, code: gif.code }).toEqual({
      reason: 'type',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    // A selfie is a photo, never a PDF.
    expect((await refusal(checkDocument('selfie', 'application/pdf', await pdfOf(1), limits))).reason).toBe(
      'type',
    );
    // A PNG uploaded into a slot that declared JPEG (the policy fixed the Content-Type, not the bytes).
    const lie = await refusal(checkDocument('proof-of-address', 'image/jpeg', PNG, limits));
    expect({ reason: lie.reason, status: lie.status }).toEqual({ reason: 'type-mismatch', status: 400 });
    expect(lie.message).toContain('image/png');
  });

  it('F1 a PDF with too many pages, an encrypted PDF and a broken PDF are refused', async () => {
    const many = await refusal(
      checkDocument('proof-of-address', 'application/pdf', await pdfOf(limits.maxPdfPages + 1), limits),
    );
    expect(many.reason).toBe('pages');
    expect(many.message).toContain(`${limits.maxPdfPages + 1} pages`);
    const encrypted = await refusal(
      checkDocument('proof-of-address', 'application/pdf', await pdfOf(1, { encrypt: true }), limits),
    );
    expect({ reason: encrypted.reason, message: encrypted.message }).toEqual({
      reason: 'unreadable',
      message: 'The PDF is encrypted; upload it without a password',
    });
    const broken = await refusal(
      checkDocument(
        'proof-of-address',
        'application/pdf',
        pad('%PDF-1.7\n1 0 obj\n<< /Type /Catalog'),
        limits,
      ),
    );
    expect(['unreadable', 'pages']).toContain(broken.reason);
    expect(broken.status).toBe(400);
  });
});

describe('F1 the document store: one presigned POST per slot, and a local store behind the same port', () => {
  const request = {
    userId: 'user-1',
    slotId: 'slot_0123456789',
    kind: 'government-id' as const,
    contentType: 'image/jpeg' as const,
    maxBytes: limits.maxBytes,
    expiresInSeconds: 900,
  };
  const options = {
    bucket: 'palisade-kyc-documents',
    kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  };

  it('F1 the presigned POST fixes the key, the content type, the size range and SSE-KMS with the data key, and expires', async () => {
    const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
    const s3 = new SignedS3({
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' }),
    });
    const slot = await new S3DocumentStore(s3, { ...options, clock }).createUploadSlot(request);
    expect(slot).toMatchObject({ key: 'kyc/user-1/slot_0123456789', expiresAt: '2027-03-01T12:15:00.000Z' });
    expect(slot.url).toContain('palisade-kyc-documents');
    expect(slot.fields).toMatchObject({
      key: 'kyc/user-1/slot_0123456789',
      'Content-Type': 'image/jpeg',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': options.kmsKeyArn,
    });
    expect(slot.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    const policy = JSON.parse(Buffer.from(slot.fields.Policy ?? '', 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'palisade-kyc-documents' },
        ['eq', '$key', 'kyc/user-1/slot_0123456789'],
        ['eq', '$Content-Type', 'image/jpeg'],
        ['content-length-range', 1, limits.maxBytes],
        ['eq', '$x-amz-server-side-encryption', 'aws:kms'],
        ['eq', '$x-amz-server-side-encryption-aws-kms-key-id', options.kmsKeyArn],
        // F5: tagged pending by the POST itself; the bucket expires it unless its check accepts it.
        ['eq', '$tagging', PENDING_UPLOAD_TAGGING],
      ]),
    );
    expect(slot.fields.tagging).toBe(PENDING_UPLOAD_TAGGING);
    // the policy expires with the slot
    expect(policy.expiration).toBe('2027-03-01T12:15:00Z');
    expect(policy.conditions).not.toContainEqual(expect.arrayContaining(['starts-with']));
    expect(slotPolicy(request, options).key).toBe(documentKey('user-1', 'slot_0123456789'));
    expect(() => documentKey('user/../x', 'slot_0123456789')).toThrow(RangeError);
  });

  const root = mkdtempSync(join(tmpdir(), 'palisade-kyc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("F1 locally, an upload outside the slot's policy is refused as S3 would, and a slot takes one file", async () => {
    const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
    const store = new LocalDocumentStore(root, 'http://127.0.0.1:3000', clock);
    const slot = await store.createUploadSlot({ ...request, maxBytes: 1000 });
    expect(slot.url).toBe('http://127.0.0.1:3000/local/kyc-uploads');
    const refusedWith = (fields: Record<string, string>, file: Uint8Array) =>
      store.receive(fields, file).then(
        () => undefined,
        (e: LocalUploadRefused) => [e.status, e.message],
      );
    expect(await refusedWith({ ...slot.fields, 'Content-Type': 'image/png' }, JPEG)).toEqual([
      403,
      "the content type is not the policy's",
    ]);
    expect(await refusedWith(slot.fields, pad([0xff, 0xd8, 0xff], 1001))).toEqual([
      400,
      "the size is outside the policy's range",
    ]);
    expect(await refusedWith({ ...slot.fields, key: 'kyc/user-2/slot_0123456789' }, JPEG)).toEqual([
      403,
      'no such upload slot',
    ]);
    await store.receive(slot.fields, JPEG);
    expect(await refusedWith(slot.fields, JPEG)).toEqual([403, 'the slot was used already']);
    expect(await store.read(slot.key, 1000)).toEqual(JPEG);
    expect(await store.read(slot.key, 100)).toBeUndefined();
    await store.delete(slot.key);
    expect(await store.read(slot.key, 1000)).toBeUndefined();
    await store.delete(slot.key);

    const late = await store.createUploadSlot({ ...request, slotId: 'slot_late000001', maxBytes: 1000 });
    clock.advance(901_000);
    expect(await refusedWith(late.fields, JPEG)).toEqual([403, 'the policy has expired']);
  });

  it('F1 the provider gets a presigned GET of the document (10 minutes, signed by the caller), never the key alone; locally a signed link that expires', async () => {
    const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
    const s3 = new SignedS3({
      region: 'eu-west-1',
      credentials: async () => ({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'example-secret',
        sessionToken: 'session',
      }),
    });
    const link = await new S3DocumentStore(s3, { ...options, clock }, true).linkFor(
      'kyc/user-1/slot_0123456789',
      600,
    );
    expect(link.expiresAt).toBe('2027-03-01T12:10:00.000Z');
    const url = new URL(link.url);
    expect(url.pathname).toContain('kyc/user-1/slot_0123456789');
    expect(`${url.host}${url.pathname}`).toContain('palisade-kyc-documents');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(/^ASIAEXAMPLE\/20270301\/eu-west-1\/s3\/aws4_request$/),
      'X-Amz-Date': '20270301T120000Z',
      'X-Amz-Expires': '600',
      'X-Amz-Security-Token': 'session',
      'X-Amz-SignedHeaders': 'host',
    });
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    // the HTTP provider adapter sends the links, with their expiry, and no key of the bucket
    const bodies: unknown[] = [];
    const provider = new HttpVerificationProvider(
      async () => ({ url: 'https://provider.example/v1', apiKey: 'provider-key-0001' }),
      (async (_url: unknown, init?: RequestInit) => {
        bodies.push(JSON.parse(String(init?.body)));
        return new Response(JSON.stringify({ providerRef: 'prov_1' }), { status: 200 });
      }) as typeof fetch,
    );
    await provider.startCheck({
      checkId: `kyc_${'A'.repeat(22)}_user-1`,
      userId: 'user-1',
      documents: [{ kind: 'selfie', ...link }],
    });
    expect(bodies).toEqual([
      { checkId: `kyc_${'A'.repeat(22)}_user-1`, documents: [{ kind: 'selfie', ...link }] },
    ]);

    // locally: the same shape, a link the local store serves until it expires; a forged one is refused
    const store = new LocalDocumentStore(root, 'http://127.0.0.1:3000', clock);
    const slot = await store.createUploadSlot({ ...request, slotId: 'slot_linked0001', maxBytes: 1000 });
    await store.receive(slot.fields, JPEG);
    const local = await store.linkFor(slot.key, 600, 'http://127.0.0.1:4000');
    expect(local.expiresAt).toBe('2027-03-01T12:10:00.000Z');
    const localUrl = new URL(local.url);
    expect(`${localUrl.origin}${localUrl.pathname}`).toBe('http://127.0.0.1:4000/local/kyc-documents');
    expect(await store.open(localUrl.searchParams)).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
    const forged = new URLSearchParams(localUrl.searchParams);
    forged.set('key', 'kyc/user-1/slot_0123456789');
    await expect(store.open(forged)).rejects.toThrow('the signature does not match');
    clock.advance(600_000);
    await expect(store.open(localUrl.searchParams)).rejects.toThrow('the link has expired');
  });

  it('F1 a refused file is deleted: check, then delete, nothing kept', async () => {
    const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
    const store = new LocalDocumentStore(root, 'http://127.0.0.1:3000', clock);
    const slot = await store.createUploadSlot({ ...request, slotId: 'slot_refused001', maxBytes: 1000 });
    await store.receive(slot.fields, PNG);
    const bytes = (await store.read(slot.key, 1000)) ?? new Uint8Array();
    const refused = await refusal(checkDocument('government-id', slot.contentType, bytes, limits));
    expect(refused.reason).toBe('type-mismatch');
    await store.delete(slot.key);
    expect(await store.read(slot.key, 1000)).toBeUndefined();
  });
});
