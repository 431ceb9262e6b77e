// B3 at deploy time: Custom::PlatformPgpKey generates the platform key into its two secrets at the first
// deploy, keeps whatever key is there afterwards, and always answers CloudFormation.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import {
  type CustomResourceResponse,
  makeHandler,
  PHYSICAL_RESOURCE_ID,
} from '../../lambdas/notify/handlers/init-platform-key.js';
import { generatePlatformKey, readPlatformKey } from '../../lambdas/notify/platform-key.js';
import {
  ensurePlatformKey,
  isInitialValue,
  type PlatformKeySecrets,
} from '../../lambdas/notify/platform-key-init.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const USER = { name: 'Palisade', email: 'no-reply@palisade.example' };
/** What Secrets Manager generates for a new secret (32 random characters, punctuation included). */
const INITIAL = 'k#Q9v!x2^TzL{mP7&wR4)sB8=uN1~eY6';

class MemorySecrets implements PlatformKeySecrets {
  writes: string[] = [];
  constructor(
    public pair: string = INITIAL,
    public published: string = `${INITIAL}-2`,
  ) {}
  readPair = async () => this.pair;
  readPublic = async () => this.published;
  writePair = async (value: string) => {
    this.writes.push('pair');
    this.pair = value;
  };
  writePublic = async (value: string) => {
    this.writes.push('public');
    this.published = value;
  };
}

describe('B3 ensurePlatformKey', () => {
  it('B3 the initial random value is replaced by a generated v4 key; the public secret gets its public half', async () => {
    expect(isInitialValue(INITIAL)).toBe(true);
    const secrets = new MemorySecrets();
    const outcome = await ensurePlatformKey(secrets, { userID: USER, now: NOW });
    expect(outcome).toMatchObject({ generated: true, publishedPublic: true });
    const pair = JSON.parse(secrets.pair) as { privateKey: string; publicKey: string };
    const key = await readPlatformKey(pair.privateKey, NOW);
    expect(key.keyPacket.version).toBe(4);
    expect(key.getUserIDs()).toEqual(['Palisade <no-reply@palisade.example>']);
    expect(outcome.fingerprint).toBe(key.getFingerprint().toUpperCase());
    expect(JSON.parse(secrets.published)).toEqual({ publicKey: pair.publicKey });
    const published = await openpgp.readKey({ armoredKey: pair.publicKey });
    expect(published.isPrivate()).toBe(false);
    expect(published.getFingerprint()).toBe(key.getFingerprint());
  });

  it('B3 a later run keeps the key and writes nothing; a public secret lost or stale is written again', async () => {
    const secrets = new MemorySecrets();
    const first = await ensurePlatformKey(secrets, { userID: USER, now: NOW });
    secrets.writes = [];
    const again = await ensurePlatformKey(secrets, { userID: USER, now: NOW });
    expect(again).toEqual({ ...first, generated: false, publishedPublic: false });
    expect(secrets.writes).toEqual([]);

    const other = await generatePlatformKey(USER, NOW);
    secrets.published = JSON.stringify({ publicKey: other.publicKey });
    const repaired = await ensurePlatformKey(secrets, { userID: USER, now: NOW });
    expect(repaired).toMatchObject({
      generated: false,
      publishedPublic: true,
      fingerprint: first.fingerprint,
    });
    expect(secrets.writes).toEqual(['public']);
  });

  it("B3 an operator's key is kept; a secret that is JSON but no usable key fails and is never overwritten", async () => {
    const operator = await generatePlatformKey({ name: 'Ops', email: 'ops@palisade.example' }, NOW);
    const kept = new MemorySecrets(JSON.stringify(operator));
    const outcome = await ensurePlatformKey(kept, { userID: USER, now: NOW });
    expect(outcome.generated).toBe(false);
    expect(kept.writes).toEqual(['public']);
    expect(JSON.parse(kept.pair)).toEqual(operator);

    for (const stored of [
      JSON.stringify({ privateKey: 'not a key' }),
      JSON.stringify({ privateKey: 'not a key', publicKey: operator.publicKey }),
      JSON.stringify({ ...operator, publicKey: (await generatePlatformKey(USER, NOW)).publicKey }),
    ]) {
      const broken = new MemorySecrets(stored);
      const failure = await ensurePlatformKey(broken, { userID: USER, now: NOW }).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(failure, stored.slice(0, 40)).toBeInstanceOf(Error);
      expect(failure?.message).not.toContain('BEGIN PGP');
      expect(broken.writes).toEqual([]);
      expect(broken.pair).toBe(stored);
    }
  });
});

describe('B3 Custom::PlatformPgpKey', () => {
  const event = (requestType: 'Create' | 'Update' | 'Delete') =>
    ({
      RequestType: requestType,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:init',
      ResponseURL: 'https://cloudformation-custom-resource-response.example/signed',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Palisade/uuid',
      RequestId: 'req-1',
      LogicalResourceId: 'MessagingPlatformKey',
      ResourceType: 'Custom::PlatformPgpKey',
      ResourceProperties: { ServiceToken: 'x' },
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_RESOURCE_ID }),
      ...(requestType === 'Update' ? { OldResourceProperties: { ServiceToken: 'x' } } : {}),
    }) as CloudFormationCustomResourceEvent;

  const run = async (secrets: MemorySecrets, requestType: 'Create' | 'Update' | 'Delete') => {
    const answers: { url: string; response: CustomResourceResponse }[] = [];
    await makeHandler({
      secrets,
      clock: new ManualClock(NOW),
      mailFrom: USER.email,
      respond: async (url, response) => {
        answers.push({ url, response });
      },
    })(event(requestType));
    expect(answers).toHaveLength(1);
    return answers[0] as { url: string; response: CustomResourceResponse };
  };

  it('B3 Create answers SUCCESS with the fingerprint to the ResponseURL; Update keeps the same physical id', async () => {
    const secrets = new MemorySecrets();
    const created = await run(secrets, 'Create');
    expect(created.url).toBe(event('Create').ResponseURL);
    expect(created.response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      StackId: event('Create').StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'MessagingPlatformKey',
      Data: { Fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/) },
    });
    const updated = await run(secrets, 'Update');
    expect(updated.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_RESOURCE_ID });
    expect(updated.response.Data).toEqual(created.response.Data);
  });

  it('B3 a broken secret answers FAILED with a reason, so the deploy rolls back instead of waiting', async () => {
    const secrets = new MemorySecrets(JSON.stringify({ privateKey: 'x' }));
    const { response } = await run(secrets, 'Create');
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^Platform PGP key: .*left as it is/);
    expect(secrets.writes).toEqual([]);
  });

  it('B3 Delete (stack deletion) answers SUCCESS and leaves the retained secrets alone', async () => {
    const secrets = new MemorySecrets(JSON.stringify({ privateKey: 'x' }));
    const { response } = await run(secrets, 'Delete');
    expect(response.Status).toBe('SUCCESS');
    expect(secrets.writes).toEqual([]);
  });
});
