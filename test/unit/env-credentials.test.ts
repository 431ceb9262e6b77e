// The functions' own credentials reader and SHA-256 for SigV4 (lambdas/kernel/aws/env-credentials.ts,
// signed-request.ts): what @aws-sdk/credential-provider-env and @smithy/core's checksum give, checked against them.
import { createHash, createHmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { Sha256 } from '@smithy/core/checksum';
import { describe, expect, it } from 'vitest';
import { envCredentials } from '../../lambdas/kernel/aws/env-credentials.js';
import { NodeSha256 } from '../../lambdas/kernel/aws/signed-request.js';

describe('I2 the functions read their role session from the environment', () => {
  it("I2 the credentials are the environment's, read at each call, as the SDK's fromEnv reads them", async () => {
    const env: NodeJS.ProcessEnv = {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-05T18:00:00Z',
    };
    const ours = envCredentials(env);
    expect(await ours()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-12-05T18:00:00Z'),
    });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env);
      const sdk = await fromEnv()();
      expect(await ours()).toMatchObject({
        accessKeyId: sdk.accessKeyId,
        secretAccessKey: sdk.secretAccessKey,
        sessionToken: sdk.sessionToken,
        expiration: sdk.expiration,
      });
    } finally {
      process.env = saved;
    }
    env.AWS_ACCESS_KEY_ID = 'ASIAROTATED';
    expect((await ours()).accessKeyId).toBe('ASIAROTATED');
  });

  it('I2 without a key pair in the environment the call fails with a clear error, never unsigned', async () => {
    await expect(envCredentials({ AWS_ACCESS_KEY_ID: 'a' })()).rejects.toThrow(/AWS_SECRET_ACCESS_KEY/);
    await expect(envCredentials({})()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});

describe("I2 SigV4's SHA-256 over node:crypto", () => {
  it("I2 hashes and HMACs strings, buffers and views as @smithy/core's Sha256 does, and starts over on reset", async () => {
    const view = new Uint8Array(Buffer.from('xxpayloadyy')).subarray(2, 9);
    for (const secret of [undefined, 'key', Buffer.from('key-bytes')]) {
      const ours = new NodeSha256(secret);
      const theirs = new Sha256(secret);
      for (const part of ['a string', Buffer.from('a buffer'), view]) {
        ours.update(part);
        theirs.update(typeof part === 'string' ? Buffer.from(part) : part);
      }
      expect(Buffer.from(await ours.digest())).toEqual(Buffer.from(await theirs.digest()));
    }
    const h = new NodeSha256('k');
    h.update('first');
    h.reset();
    h.update('second');
    expect(Buffer.from(await h.digest())).toEqual(createHmac('sha256', 'k').update('second').digest());
    const plain = new NodeSha256();
    plain.update('');
    expect(Buffer.from(await plain.digest())).toEqual(createHash('sha256').update('').digest());
  });
});
