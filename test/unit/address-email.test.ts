// C1 the address-confirmation email: the user-mail contract accepts only fixed facts (asset, masked address,
// links, times), and the rendering shows the masked address, the link's end and the cooling period.

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { userMessage } from '../../lambdas/kernel/ports/user-mail-contracts.js';
import { frame } from '../../lambdas/notify/templates.js';
import { renderUserMessage } from '../../lambdas/notify/user-mail-render.js';

const message = {
  template: 'address-confirm',
  asset: 'BTC',
  addressMasked: 'bc1qar…5mdq',
  context: { at: '2026-03-01T10:15:00.000Z', ip: '203.0.113.9', browser: 'Firefox 128 on Linux' },
  confirmUrl: `https://api.palisade.example/v1/addresses/confirm/${'t'.repeat(43)}`,
  expiresAt: '2026-03-02T10:15:00.000Z',
  coolingHours: 24,
  reportUrl: `https://api.palisade.example/v1/auth/suspend/${'r'.repeat(43)}`,
  reportExpiresAt: '2026-03-08T10:15:00.000Z',
};

describe('C1 address-confirmation email', () => {
  it('C1 renders the asset, the masked address, the link with its end, the cooling and the report link', () => {
    const parsed = z.parse(userMessage, message);
    const email = frame(renderUserMessage(parsed, 'sam'), 'purple otters');
    expect(email.subject).toBe('Confirm a new withdrawal address');
    expect(email.text).toContain('Bitcoin (BTC)');
    expect(email.text).toContain('bc1qar…5mdq');
    expect(email.text).toContain(message.confirmUrl);
    expect(email.text).toContain('until 2026-03-02 10:15 UTC');
    expect(email.text).toContain('24 hours after you confirm');
    expect(email.text).toContain(message.reportUrl);
    expect(email.text).toContain('203.0.113.9');
    expect(email.html).toContain('bc1qar…5mdq');
    expect(email.html).toContain(message.confirmUrl);
    expect(renderUserMessage(parsed, 'sam').carriesSecret).toBe(true);
  });

  it('C1 the contract takes no free text: a full address, a label or an unknown field is refused or dropped', () => {
    expect(
      z.safeParse(userMessage, { ...message, addressMasked: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' })
        .success,
    ).toBe(false);
    expect(z.safeParse(userMessage, { ...message, addressMasked: 'see https://x.example' }).success).toBe(
      false,
    );
    expect(z.safeParse(userMessage, { ...message, asset: 'DOGE' }).success).toBe(false);
    expect(z.safeParse(userMessage, { ...message, confirmUrl: 'javascript:alert(1)' }).success).toBe(false);
    const parsed = z.parse(userMessage, { ...message, label: 'my secret savings' });
    expect(JSON.stringify(parsed)).not.toContain('secret savings');
  });
});
