// F1: the verification provider's webhooks: HMAC-SHA256 over the raw body, timestamped, within a tolerance,
// replay-safe through the seen-id store; forgeries and replays are refused. The simulated provider's decisions
// go through the same verification.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  WebhookRefused,
} from '../../lambdas/kyc/webhook.js';
import {
  MemorySeenIds,
  type SignedWebhook,
  SimulatedVerificationProvider,
} from '../../local/adapters/kyc-verification.js';

const SECRET = 'whsec_test_0123456789abcdef';
const START = new Date('2027-03-01T12:00:00Z');

function setup() {
  const clock = new ManualClock(START);
  const seen = new MemorySeenIds(clock);
  const provider = new SimulatedVerificationProvider(SECRET, clock);
  const verify = (rawBody: string, header: string | undefined, secrets: string[] = [SECRET]) =>
    verifyWebhook(rawBody, header, { secrets, seen, now: clock.now() });
  return { clock, seen, provider, verify };
}

async function refusedFor(promise: Promise<unknown>): Promise<{ reason: string; status: number }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookRefused);
  const { reason, status } = err as WebhookRefused;
  return { reason, status };
}

async function decided(
  provider: SimulatedVerificationProvider,
  decision: 'approved' | 'rejected' | 'undecided' = 'approved',
) {
  await provider.startCheck({ checkId: 'check_0000000001', userId: 'user-1', documents: [] });
  return provider.decide('check_0000000001', decision, ['doc-ok']);
}
const header = (webhook: SignedWebhook) => webhook.headers[SIGNATURE_HEADER];

describe('F1 provider webhooks', () => {
  it('F1 a decision the simulated provider sends is accepted once, with the decision the test chose', async () => {
    const { provider, verify } = setup();
    const webhook = await decided(provider, 'rejected');
    const event = await verify(webhook.rawBody, header(webhook));
    expect(event).toMatchObject({
      type: 'check.decided',
      checkId: 'check_0000000001',
      decision: 'rejected',
      reasons: ['doc-ok'],
    });
    expect(event.providerRef).toBe(provider.started[0]?.providerRef);
  });

  it('F1 a forged webhook is refused: no header, a wrong secret, a changed body, a truncated signature', async () => {
    const { provider, verify } = setup();
    const webhook = await decided(provider);
    expect(await refusedFor(verify(webhook.rawBody, undefined))).toEqual({
      reason: 'signature',
      status: 401,
    });
    expect(
      await refusedFor(verify(webhook.rawBody, signWebhook(webhook.rawBody, 'another-secret', START))),
    ).toEqual({
      reason: 'signature',
      status: 401,
    });
    const tampered = webhook.rawBody.replace('"approved"', '"rejected"');
    expect(await refusedFor(verify(tampered, header(webhook)))).toEqual({ reason: 'signature', status: 401 });
    // The same JSON re-serialised (a space added) is another body: the signature is over the raw bytes.
    expect(await refusedFor(verify(webhook.rawBody.replace(',', ', '), header(webhook)))).toEqual({
      reason: 'signature',
      status: 401,
    });
    expect(await refusedFor(verify(webhook.rawBody, header(webhook)?.slice(0, -2)))).toEqual({
      reason: 'signature',
      status: 401,
    });
    expect(await refusedFor(verify(webhook.rawBody, 'v1=deadbeef'))).toEqual({
      reason: 'signature',
      status: 401,
    });
    // None of these claimed the event id: the genuine webhook still goes through.
    expect((await verify(webhook.rawBody, header(webhook))).decision).toBe('approved');
  });

  it('F1 a replayed webhook is refused (409), within the tolerance by the seen-id store, after it by its time', async () => {
    const { clock, provider, verify } = setup();
    const webhook = await decided(provider);
    await verify(webhook.rawBody, header(webhook));
    expect(await refusedFor(verify(webhook.rawBody, header(webhook)))).toEqual({
      reason: 'replayed',
      status: 409,
    });
    clock.advance((DEFAULT_TOLERANCE_SECONDS - 1) * 1000);
    expect(await refusedFor(verify(webhook.rawBody, header(webhook)))).toEqual({
      reason: 'replayed',
      status: 409,
    });
    // Past the tolerance the id may be forgotten: the timestamp refuses the replay.
    clock.advance(2 * DEFAULT_TOLERANCE_SECONDS * 1000);
    expect(await refusedFor(verify(webhook.rawBody, header(webhook)))).toEqual({
      reason: 'stale',
      status: 401,
    });
  });

  it('F1 a webhook outside the tolerance window is refused, late or from the future', async () => {
    const { clock, provider, verify } = setup();
    const webhook = await decided(provider);
    clock.advance((DEFAULT_TOLERANCE_SECONDS + 1) * 1000);
    expect(await refusedFor(verify(webhook.rawBody, header(webhook)))).toEqual({
      reason: 'stale',
      status: 401,
    });
    const future = signWebhook(
      webhook.rawBody,
      SECRET,
      new Date(clock.now().getTime() + (DEFAULT_TOLERANCE_SECONDS + 1) * 1000),
    );
    expect(await refusedFor(verify(webhook.rawBody, future))).toEqual({ reason: 'stale', status: 401 });
    // At the edge of the window it is still on time.
    clock.set(new Date(START.getTime() + DEFAULT_TOLERANCE_SECONDS * 1000));
    expect((await verify(webhook.rawBody, header(webhook))).decision).toBe('approved');
  });

  it('F1 during a secret rotation either secret verifies; a signed body that is not a decision is refused 400', async () => {
    const { verify } = setup();
    const body = JSON.stringify({
      id: 'evt_rotation_01',
      type: 'check.decided',
      checkId: 'check_0000000002',
      providerRef: 'ref-2',
      decision: 'undecided',
      reasons: [],
      decidedAt: START.toISOString(),
    });
    const old = signWebhook(body, 'old-secret', START);
    expect((await verify(body, old, [SECRET, 'old-secret'])).decision).toBe('undecided');
    // Several v1 values (the sender signs with both): one match is enough.
    const both = `${signWebhook(body.replace('rotation_01', 'rotation_02'), SECRET, START)},v1=${'0'.repeat(64)}`;
    expect((await verify(body.replace('rotation_01', 'rotation_02'), both)).id).toBe('evt_rotation_02');
    const notADecision = JSON.stringify({ id: 'evt_other_0001', type: 'check.created' });
    expect(await refusedFor(verify(notADecision, signWebhook(notADecision, SECRET, START)))).toEqual({
      reason: 'malformed',
      status: 400,
    });
    expect(await refusedFor(verify('not json', signWebhook('not json', SECRET, START)))).toEqual({
      reason: 'malformed',
      status: 400,
    });
  });
});
