// F1 (Travel Rule): the KYC person data opened by the vault, for the originator of an IVMS101 payload. Apart from
// KycStore so that the functions that only read levels (the withdrawal request) bundle none of it.
import type { FieldCipher } from '../kernel/privacy/field-cipher.js';
import { type KycRecord, kycBinding } from './kyc-store.js';
import type { PersonData } from './person.js';

export class KycPersonReader {
  constructor(
    private readonly records: { get(userId: string): Promise<KycRecord | undefined> },
    private readonly vault: Pick<FieldCipher, 'decrypt'>,
  ) {}

  /** The record (for its `updatedAt`) and its person data; the person undefined until `person` is met. */
  async read(userId: string): Promise<{ record?: KycRecord; person?: PersonData }> {
    const record = await this.records.get(userId);
    if (!record?.identity || !record.address || record.requirements.person !== 'met') {
      return record ? { record } : {};
    }
    const [identity, address] = await Promise.all([
      this.vault.decrypt(kycBinding(userId, 'identity'), record.identity),
      this.vault.decrypt(kycBinding(userId, 'address'), record.address),
    ]);
    const person = {
      legalName: { given: identity.givenName ?? '', family: identity.familyName ?? '' },
      dateOfBirth: identity.dateOfBirth ?? '',
      nationality: identity.nationality ?? '',
      residence: JSON.parse(address.residence ?? '{}'),
      taxResidence: JSON.parse(address.taxResidence ?? '[]'),
    } as PersonData;
    return { record, person };
  }
}
