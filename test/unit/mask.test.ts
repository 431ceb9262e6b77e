// Masking (E2): responses show only what identifies a value to its owner, and odd input is masked whole.
import { describe, expect, it } from 'vitest';
import {
  maskAddress,
  maskCryptoAddress,
  maskDocumentNumber,
  maskEmail,
  maskName,
  maskPhone,
} from '../../lambdas/kernel/privacy/mask.js';

const ODD: unknown[] = ['', '   ', undefined, null, 42, {}, ['a@b.c']];
const all = [maskEmail, maskPhone, maskName, maskDocumentNumber, maskAddress, maskCryptoAddress];

describe('masking', () => {
  it('E2 an email keeps its first letter and domain', () => {
    expect(maskEmail('john.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail(' A@x.io ')).toBe('A***@x.io');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('john@')).toBe('***');
  });

  it('E2 a phone keeps its last four digits', () => {
    expect(maskPhone('+44 7700 900123')).toBe('*** *** 0123');
    expect(maskPhone('+1 (555) 010-9999')).toBe('*** *** 9999');
    expect(maskPhone('12345')).toBe('*** ***');
  });

  it('E2 a name keeps the initial of each word', () => {
    expect(maskName('John Ronald Doe')).toBe('J*** R*** D***');
    expect(maskName('  Émile   Zola ')).toBe('É*** Z***');
  });

  it('E2 a document number keeps its last three characters when long enough', () => {
    expect(maskDocumentNumber('AB 123 4567')).toBe('***567');
    expect(maskDocumentNumber('A12')).toBe('***');
  });

  it('E2 an address keeps only its last part', () => {
    expect(maskAddress('221B Baker Street, London NW1 6XE, United Kingdom')).toBe('***, United Kingdom');
    expect(maskAddress('221B Baker Street')).toBe('***');
  });

  it('E2 a crypto address keeps its first six and last four characters', () => {
    expect(maskCryptoAddress('0x52908400098527886E0F7030069857D2E4169EE7')).toBe('0x5290...9EE7');
    expect(maskCryptoAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe('bc1qar...5mdq');
    expect(maskCryptoAddress('short')).toBe('***');
  });

  it('E2 odd input never throws and never shows through', () => {
    for (const mask of all) {
      for (const odd of ODD) {
        const masked = mask(odd as string);
        expect(masked).toMatch(/^\*\*\*( \*\*\*)?$/);
      }
    }
  });

  it('E2 a masked value never contains the secret part', () => {
    expect(maskEmail('john.doe@example.com')).not.toContain('ohn');
    expect(maskPhone('+44 7700 900123')).not.toContain('7700');
    expect(maskDocumentNumber('AB 123 4567')).not.toContain('1234');
  });
});
