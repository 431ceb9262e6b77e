// F2 load-screening-list's executor (LoadScreeningList): the staged files are loaded only when every one is
// the approved bytes (sha-256 of the approved payload); a missing or tampered file, a bad file or a format
// that does not load the target list fails the request and leaves the version in force; a retry of a load
// that happened is `unchanged` and starts no second re-screen.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AdminRequest } from '../../lambdas/admin/approval.js';
import { loadScreeningList } from '../../lambdas/admin/executors/lists.js';
import { ActionFailed, type Execution } from '../../lambdas/admin/executors/types.js';
import { sha256Hex } from '../../lambdas/screening/staging.js';
import { LocalListStaging } from '../../local/adapters/list-staging.js';
import { LocalListStore } from '../../local/adapters/list-store.js';

const AT = new Date('2026-12-04T12:00:00Z');
const PEP = new Uint8Array(readFileSync('test/fixtures/screening/pep-sample.ftm.jsonl'));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-list-request-'));
  const lists = new LocalListStore(dir);
  const staging = new LocalListStaging(dir, { now: () => AT });
  const start = vi.fn(async (_w: string, _input: unknown, name?: string) => ({ executionId: `x:${name}` }));
  // these loads are of a PEP dataset, whose addresses are not indexed (screening-address-index.test.ts
  // covers the sanctions lists' publication through the same loader)
  const addressIndex = { indexes: () => undefined, versionOf: vi.fn(), publish: vi.fn() };
  return { lists, staging, start, ports: { lists, staging, workflows: { start }, addressIndex } };
}

const run = (requestId: string, list: string, format: string, files: { name: string; sha256: string }[]) =>
  ({
    request: { requestId, target: { kind: 'list', id: list }, approvals: [] } as unknown as AdminRequest,
    parameters: { format, files },
    at: AT,
  }) as Execution;

async function stage(staging: LocalListStaging, requestId: string, name: string, bytes: Uint8Array) {
  const [slot] = await staging.createSlots({ requestId, names: [name], baseUrl: 'http://x' });
  await staging.receive(slot?.fields ?? {}, bytes);
}

describe('F2 load-screening-list execution', () => {
  it('F2 the approved bytes are loaded as the new version and the re-screen starts; a retry is unchanged and starts nothing more', async () => {
    const { lists, staging, start, ports } = setup();
    await stage(staging, 'req1', 'entities.ftm.json', PEP);
    const files = [{ name: 'entities.ftm.json', sha256: sha256Hex(PEP) }];
    const facts = await loadScreeningList(ports, run('req1', 'pep-sample', 'ftm-jsonl', files));
    expect(facts).toMatchObject({ outcome: 'loaded', list: 'pep-sample', rescreen: expect.any(String) });
    expect((await lists.current('pep-sample'))?.version).toBe(facts.version);
    expect(start).toHaveBeenCalledTimes(1);
    const again = await loadScreeningList(ports, run('req1', 'pep-sample', 'ftm-jsonl', files));
    expect(again).toMatchObject({ outcome: 'unchanged', version: facts.version });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('F2 a tampered upload (not the approved sha-256) fails the request and loads nothing', async () => {
    const { lists, staging, start, ports } = setup();
    const tampered = new Uint8Array(PEP);
    tampered[10] = 0x41;
    await stage(staging, 'req2', 'entities.ftm.json', tampered);
    const files = [{ name: 'entities.ftm.json', sha256: sha256Hex(PEP) }];
    const failed = loadScreeningList(ports, run('req2', 'pep-sample', 'ftm-jsonl', files));
    await expect(failed).rejects.toBeInstanceOf(ActionFailed);
    await expect(failed).rejects.toMatchObject({ code: 'STAGED_FILE_MISMATCH' });
    expect(await lists.current('pep-sample')).toBeUndefined();
    expect(start).not.toHaveBeenCalled();
  });

  it('F2 a file never uploaded, a bad file, or a format that does not load the target list (or not the format a screened list is read in) fail with their codes', async () => {
    const { lists, staging, ports } = setup();
    const missing = loadScreeningList(
      ports,
      run('req3', 'pep-sample', 'ftm-jsonl', [{ name: 'entities.ftm.json', sha256: sha256Hex(PEP) }]),
    );
    await expect(missing).rejects.toMatchObject({ code: 'STAGED_FILE_MISSING' });
    const bad = new TextEncoder().encode('{"id": "x", not json\n');
    await stage(staging, 'req4', 'entities.ftm.json', bad);
    await expect(
      loadScreeningList(
        ports,
        run('req4', 'pep-sample', 'ftm-jsonl', [{ name: 'entities.ftm.json', sha256: sha256Hex(bad) }]),
      ),
    ).rejects.toMatchObject({ code: 'LIST_FILE_INVALID' });
    await expect(
      loadScreeningList(
        ports,
        run('req5', 'ofac-sdn', 'un-xml', [{ name: 'consolidated.xml', sha256: 'a'.repeat(64) }]),
      ),
    ).rejects.toMatchObject({ code: 'LIST_FORMAT_MISMATCH' });
    // F2: a screened list loads only in its configured format (a FollowTheMoney file under a sanctions id
    // would leave every screening unable to read the version in force); the PEP list `pep` is FollowTheMoney
    await stage(staging, 'req7', 'entities.ftm.json', PEP);
    await expect(
      loadScreeningList(
        ports,
        run('req7', 'un-sc', 'ftm-jsonl', [{ name: 'entities.ftm.json', sha256: sha256Hex(PEP) }]),
      ),
    ).rejects.toMatchObject({ code: 'LIST_FORMAT_MISMATCH' });
    expect(await lists.current('un-sc')).toBeUndefined();
    expect(await lists.current('pep-sample')).toBeUndefined();
  });

  it('F2 the local upload slot refuses a key it did not issue and an expired slot, as S3 refuses a POST outside its policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-list-slots-'));
    let now = AT;
    const staging = new LocalListStaging(dir, { now: () => now });
    const [slot] = await staging.createSlots({ requestId: 'req6', names: ['sdn.csv'], baseUrl: 'http://h' });
    expect(slot).toMatchObject({
      name: 'sdn.csv',
      url: 'http://h/local/list-uploads',
      fields: { key: 'incoming/req6/sdn.csv' },
    });
    await expect(staging.receive({ key: 'incoming/req6/alt.csv' }, PEP)).rejects.toMatchObject({
      status: 403,
    });
    await expect(staging.receive({ key: '../../etc/passwd' }, PEP)).rejects.toMatchObject({ status: 403 });
    now = new Date(AT.getTime() + 2 * 3_600_000);
    await expect(staging.receive(slot?.fields ?? {}, PEP)).rejects.toMatchObject({ status: 403 });
    expect(await staging.read('req6', 'sdn.csv')).toBeUndefined();
  });
});
