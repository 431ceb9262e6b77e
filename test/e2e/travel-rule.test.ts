// End to end, F1 (the Travel Rule) over HTTP against the local backend with the OFAC SDN list in force: a
// withdrawal below the threshold carries nothing; at or above it (EUR 1,000, priced with the local fixed table) it
// needs the destination's beneficiary declared (refused 400 and nothing written otherwise); the declaration is
// screened (a listed beneficiary: decision recorded, a case, the address refused above the threshold) and its
// IVMS101 payload (originator from KYC, beneficiary) sealed and stored with the signed withdrawal record; a
// self-hosted wallet needs a proof of control first: real BTC (BIP-137) and ETH (EIP-191) signatures over the
// server's challenge, with a wrong key, a wrong message and a replayed challenge refused.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from 'bech32';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../../lambdas/addresses/contracts.js';
import { toChecksumAddress } from '../../lambdas/addresses/validate.js';
import {
  bitcoinMessageDigest,
  ethereumAddressOf,
  ethereumMessageDigest,
} from '../../lambdas/addresses/wallet-proof.js';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { ivms101Payload } from '../../lambdas/kyc/travel-rule.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { callFrom, createDevUser, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const SDN = 'data/lists/ofac-sdn';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let keys = 0;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-travel-'));
  await loadListVersion(new LocalListStore(stateDir), {
    format: 'ofac-sdn-csv',
    list: 'ofac-sdn',
    files: new Map(
      ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map(
        (name) => [name, new Uint8Array(readFileSync(join(SDN, name)))] as const,
      ),
    ),
    loadedBy: 'test',
    now: new Date('2026-12-01T00:00:00Z'),
  });
  cloud = await startLocalCloud({
    stateDir,
    clock,
    port: 0,
    waitTimeMs: 0,
    retryIntervalMs: 0,
    settings: parseSettings({
      withdrawalLimits: { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
    }),
  });
  // BTC at EUR 50,000: 0.02 BTC is exactly the EUR 1,000 threshold, 0.01 BTC below it.
  cloud.ports.prices.set('BTC', 'EUR', '50000');
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Client {
  userId: string;
  username: string;
  token: string;
}
const newUser = async (username: string): Promise<Client> => {
  const account = await createDevUser(cloud, username, PASSWORD);
  return { userId: account.userId, username, token: account.accessToken };
};
const signIn = async (client: Client) => {
  client.token = (await signInDevAccount(cloud.ports, client.username, PASSWORD)).accessToken;
};
const call = (client: Client, method: string, path: string, body?: unknown, headers = {}) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${client.token}`, ...headers });

const PERSON = {
  legalName: { given: 'Amélie', family: 'Poulain' },
  dateOfBirth: '1990-04-25',
  nationality: 'FR',
  residence: { line1: '15 rue des Trois Frères', city: 'Paris', postalCode: '75018', country: 'FR' },
  taxResidence: [{ country: 'FR', tin: '1234567890123' }],
};

async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A user with KYC person data (screened clear), signed in. */
async function customer(username: string): Promise<Client> {
  const client = await newUser(username);
  await signIn(client);
  expect((await call(client, 'POST', '/v1/me/kyc/person', PERSON)).status).toBe(202);
  await until(async () => {
    const record = await cloud.ports.kyc.get(client.userId);
    return record?.screeningDecisionId ? record : undefined;
  });
  return client;
}

/** Adds, confirms and cools an address; answers its id. */
async function whitelist(client: Client, asset: 'BTC' | 'ETH', address: string, selfHosted = false) {
  const added = await call(client, 'POST', '/v1/me/addresses', {
    asset,
    address,
    label: selfHosted ? 'my own wallet' : 'friend',
    ...(selfHosted ? { selfHosted: true } : {}),
  });
  expect(added.status).toBe(201);
  const view = added.body.address as { addressId: string; selfHosted?: boolean };
  expect(view.selfHosted).toBe(selfHosted ? true : undefined);
  await followLink(
    linkIn(
      await mailText(cloud, `${client.username}@example.com`, /withdrawal address/i),
      '/v1/addresses/confirm/',
    ),
  );
  clockOffsetMs += cloud.ports.settings.addressCoolingHours * HOUR + 60_000;
  await signIn(client);
  return view.addressId;
}

const withdraw = (client: Client, asset: 'BTC' | 'ETH', amount: string, addressId: string) =>
  call(
    client,
    'POST',
    '/v1/me/withdrawals',
    { password: PASSWORD, asset, amount, addressId },
    { 'idempotency-key': `travel-${Date.now().toString(36)}-${++keys}` },
  );

const withdrawalRows = async (userId: string) =>
  (
    await cloud.runtime.dynamo.documents.send(
      new QueryCommand({
        TableName: TABLES.accounts.logicalName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':sk': 'WITHDRAWAL#' },
      }),
    )
  ).Items ?? [];

const hash160 = (b: Uint8Array) => ripemd160(sha256(b));
const p2wpkh = (key: Uint8Array) => bech32.encode('bc', [0, ...bech32.toWords(hash160(key))]);
const btcSign = (secret: Uint8Array, message: string) => {
  const sig = secp256k1.sign(bitcoinMessageDigest(message), secret, { prehash: false, format: 'recovered' });
  return Buffer.from(Uint8Array.of(39 + (sig[0] as number), ...sig.subarray(1))).toString('base64');
};
const ethSign = (secret: Uint8Array, message: string) => {
  const sig = secp256k1.sign(ethereumMessageDigest(message), secret, { prehash: false, format: 'recovered' });
  return `0x${Buffer.from(Uint8Array.of(...sig.subarray(1), 27 + (sig[0] as number))).toString('hex')}`;
};

describe('F1 the Travel Rule on real withdrawals', () => {
  it('F1 below the threshold nothing is asked; at the threshold without a declared beneficiary: 400 TRAVEL_RULE_DATA_REQUIRED and nothing written', async () => {
    const client = await customer('travel.threshold');
    const addressId = await whitelist(client, 'BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    const below = await withdraw(client, 'BTC', '0.01', addressId);
    expect(below.status).toBe(202);
    const [row] = await withdrawalRows(client.userId);
    expect(row?.travelRule).toBeUndefined();

    const at = await withdraw(client, 'BTC', '0.02', addressId);
    expect([at.status, at.body.error?.code]).toEqual([400, 'TRAVEL_RULE_DATA_REQUIRED']);
    expect(at.body.error?.message).toMatch(/1000 EUR/);
    expect(await withdrawalRows(client.userId)).toHaveLength(1);

    // no price (a feed down): the data is required whatever the amount (fail safe)
    cloud.ports.prices.set('BTC', 'EUR', undefined);
    try {
      const unpriced = await withdraw(client, 'BTC', '0.001', addressId);
      expect([unpriced.status, unpriced.body.error?.code]).toEqual([400, 'TRAVEL_RULE_DATA_REQUIRED']);
    } finally {
      cloud.ports.prices.set('BTC', 'EUR', '50000');
    }
    expect(await withdrawalRows(client.userId)).toHaveLength(1);
  });

  it('F1 F2 E2 a declared beneficiary, screened clear: the signed withdrawal record carries the sealed IVMS101 payload (originator from KYC, the beneficiary), no name in clear', async () => {
    const client = await customer('travel.declared');
    const addressId = await whitelist(client, 'BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    const declared = await call(client, 'PUT', `/v1/me/addresses/${addressId}/beneficiary`, {
      beneficiary: { kind: 'person', given: 'Jean', family: 'Martineau' },
    });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({ addressId, beneficiaryMasked: 'J*** M***' });
    expect(JSON.stringify(declared.body)).not.toMatch(/Martineau/);

    const answer = await withdraw(client, 'BTC', '0.02', addressId);
    expect(answer.status).toBe(202);
    const record = await cloud.ports.withdrawalLifecycle.get(
      client.userId,
      answer.body.withdrawalId as string,
    );
    expect(record?.travelRule).toMatchObject({
      currency: 'EUR',
      threshold: '1000',
      value: '1000',
      beneficiaryMasked: 'J*** M***',
      screeningDecisionId: expect.stringMatching(/^scr_/),
    });
    const rows = await withdrawalRows(client.userId);
    expect(JSON.stringify(rows)).not.toMatch(/Martineau|Poulain/);
    const opened = await cloud.ports.vault.decrypt(
      { table: TABLES.accounts.logicalName, key: addressKey(client.userId, addressId), group: 'identity' },
      record?.travelRule?.ivms101 as string,
    );
    const payload = ivms101Payload.parse(JSON.parse(opened.ivms101 as string));
    expect(payload.originator.originatorPersons[0]).toMatchObject({
      naturalPerson: {
        name: { nameIdentifier: [{ primaryIdentifier: 'Poulain', secondaryIdentifier: 'Amélie' }] },
        countryOfResidence: 'FR',
      },
    });
    expect(payload.beneficiary).toMatchObject({
      beneficiaryPersons: [
        { naturalPerson: { name: { nameIdentifier: [{ primaryIdentifier: 'Martineau' }] } } },
      ],
      accountNumber: ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    });
  });

  it('F1 F2 a listed beneficiary is screened: the decision recorded and a case opened, the same answer to the customer, and withdrawals at the threshold refused as a blocked address', async () => {
    const client = await customer('travel.listed');
    const addressId = await whitelist(client, 'BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    const declared = await call(client, 'PUT', `/v1/me/addresses/${addressId}/beneficiary`, {
      beneficiary: { kind: 'person', given: 'Ramzan Akhmatovich', family: 'Kadyrov' },
    });
    expect(declared.status).toBe(200);
    expect(JSON.stringify(declared.body)).not.toMatch(/sanction|screen|case|review/i);
    const declaredRule = (await cloud.ports.travelRules.get(client.userId, addressId))?.travelRule;
    expect(declaredRule?.screening).toBe('block');
    const decision = await cloud.ports.screeningStore.decision(
      client.userId,
      declaredRule?.decisionId as string,
    );
    expect(decision).toMatchObject({ action: 'block', subject: { addressId } });
    expect((await cloud.ports.cases.ofSubject(client.userId)).length).toBeGreaterThan(0);
    const refused = await withdraw(client, 'BTC', '0.02', addressId);
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'ADDRESS_BLOCKED']);
  });

  it('F1 declaring a beneficiary needs the originator: no KYC person data → 403 KYC_PERSON_REQUIRED', async () => {
    const client = await newUser('travel.nokyc');
    await signIn(client);
    const addressId = await whitelist(client, 'BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    const refused = await call(client, 'PUT', `/v1/me/addresses/${addressId}/beneficiary`, {
      beneficiary: { kind: 'company', legalName: 'Example Trading GmbH' },
    });
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'KYC_PERSON_REQUIRED']);
  });
});

describe('F1 self-hosted wallet proof over HTTP (real signatures)', () => {
  it('F1 BTC: refused without a proof; a wrong key and a wrong message are refused; the right BIP-137 signature proves it once (a replay finds the challenge spent); then the withdrawal goes', async () => {
    const client = await customer('travel.selfbtc');
    const secret = secp256k1.utils.randomSecretKey();
    const address = p2wpkh(secp256k1.getPublicKey(secret, true));
    const addressId = await whitelist(client, 'BTC', address, true);
    await call(client, 'PUT', `/v1/me/addresses/${addressId}/beneficiary`, {
      beneficiary: { kind: 'person', given: 'Amélie', family: 'Poulain' },
    });
    const unproven = await withdraw(client, 'BTC', '0.02', addressId);
    expect([unproven.status, unproven.body.error?.code]).toEqual([403, 'WALLET_PROOF_REQUIRED']);

    const noChallenge = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: btcSign(secret, 'anything'),
    });
    expect([noChallenge.status, noChallenge.body.error?.code]).toEqual([410, 'CHALLENGE_INVALID']);

    const challenge = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership-challenge`);
    expect(challenge.status).toBe(201);
    expect(challenge.body).toMatchObject({ scheme: 'bip137' });
    const message = challenge.body.message as string;
    expect(message).toContain(address);

    const wrongKey = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: btcSign(secp256k1.utils.randomSecretKey(), message),
    });
    expect([wrongKey.status, wrongKey.body.error?.code]).toEqual([400, 'WALLET_PROOF_INVALID']);
    const wrongMessage = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: btcSign(secret, `${message} `),
    });
    expect([wrongMessage.status, wrongMessage.body.error?.code]).toEqual([400, 'WALLET_PROOF_INVALID']);

    const signature = btcSign(secret, message);
    const proven = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, { signature });
    expect(proven.status).toBe(200);
    expect(proven.body.address).toMatchObject({
      addressId,
      selfHosted: true,
      ownershipProvenAt: expect.any(String),
    });
    const replayed = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, { signature });
    expect([replayed.status, replayed.body.error?.code]).toEqual([410, 'CHALLENGE_USED']);

    const answer = await withdraw(client, 'BTC', '0.02', addressId);
    expect(answer.status).toBe(202);
    const record = await cloud.ports.withdrawalLifecycle.get(
      client.userId,
      answer.body.withdrawalId as string,
    );
    expect(record?.travelRule?.ownershipProvenAt).toEqual(expect.any(String));
  });

  it('F1 ETH: personal_sign by the address key proves it; by another key it is refused; a new challenge voids the old signature', async () => {
    const client = await customer('travel.selfeth');
    const secret = secp256k1.utils.randomSecretKey();
    const address = toChecksumAddress(ethereumAddressOf(secp256k1.getPublicKey(secret, false)).slice(2));
    const addressId = await whitelist(client, 'ETH', address, true);
    const first = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership-challenge`);
    expect(first.body).toMatchObject({ scheme: 'eip191' });
    const stale = ethSign(secret, first.body.message as string);
    const second = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership-challenge`);
    const replayedOld = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: stale,
    });
    expect([replayedOld.status, replayedOld.body.error?.code]).toEqual([400, 'WALLET_PROOF_INVALID']);
    const other = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: ethSign(secp256k1.utils.randomSecretKey(), second.body.message as string),
    });
    expect([other.status, other.body.error?.code]).toEqual([400, 'WALLET_PROOF_INVALID']);
    const proven = await call(client, 'POST', `/v1/me/addresses/${addressId}/ownership`, {
      signature: ethSign(secret, second.body.message as string),
    });
    expect(proven.status).toBe(200);
    expect(proven.body.address).toMatchObject({ ownershipProvenAt: expect.any(String) });
  });
});
