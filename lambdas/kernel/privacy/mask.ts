// Masking of personal data in responses (E2): pure, total functions that never throw and mask everything
// when the input does not look like what they expect.
const STARS = '***';

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** `john.doe@example.com` → `j***@example.com`. */
export function maskEmail(value: string): string {
  const email = text(value);
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (at < 1 || !domain || domain.includes('@') || /\s/.test(email)) return STARS;
  return `${[...email][0]}${STARS}@${domain}`;
}

/** `+44 7700 900123` → `*** *** 0123`: the last four digits, and only when there are enough to hide. */
export function maskPhone(value: string): string {
  const digits = text(value).replace(/\D/g, '');
  return digits.length >= 7 ? `${STARS} ${STARS} ${digits.slice(-4)}` : `${STARS} ${STARS}`;
}

/** `John Ronald Doe` → `J*** R*** D***`. */
export function maskName(value: string): string {
  const words = text(value).split(/\s+/).filter(Boolean);
  if (words.length === 0) return STARS;
  return words.map((w) => `${[...w][0]}${STARS}`).join(' ');
}

/** `AB 123 4567` → `***567`: the last three characters of a long enough number. */
export function maskDocumentNumber(value: string): string {
  const compact = text(value).replace(/\s+/g, '');
  return compact.length >= 6 ? `${STARS}${compact.slice(-3)}` : STARS;
}

/** `221B Baker Street, London NW1 6XE, United Kingdom` → `***, United Kingdom`: the last part only. */
export function maskAddress(value: string): string {
  const parts = text(value)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.length >= 2 ? `${STARS}, ${parts[parts.length - 1]}` : STARS;
}

/** `0x52908400098527886E0F7030069857D2E4169EE7` → `0x5290...9EE7`: the first six and last four characters. */
export function maskCryptoAddress(value: string): string {
  const address = text(value);
  if (address.length < 14 || /\s/.test(address)) return STARS;
  return `${address.slice(0, 6)}...${address.slice(-4)}`;
}

/** Source addresses in a text, masked: `203.0.113.7` → `203.0.*.*`, `2001:db8::1` → `2001:db8:*`. */
export function maskIpsIn(text: string): string {
  return text
    .replace(/\b(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}\b/g, '$1.$2.*.*')
    .replace(/\b([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::[0-9a-f]{0,4}){1,7}\b/gi, '$1:$2:*');
}
