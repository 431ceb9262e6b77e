// Unit tests of the local runtime's start-up configuration and of the state-folder lock that lets one
// process at a time own the emulators' files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR, LocalConfigError, localConfig } from '../../local/config.js';
import { lockStateFolder, StateFolderBusy } from '../../local/state-lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('localConfig', () => {
  it('defaults to port 3000 on loopback with the git-ignored .palisade folder', () => {
    const config = localConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', stateDir: DEFAULT_STATE_DIR });
    expect(DEFAULT_STATE_DIR).toMatch(/\.palisade$/);
    expect(config.settings.holdHours).toBe(72);
  });

  it('ignores HOST, which shells export as the machine name', () => {
    expect(localConfig({ HOST: 'my-laptop.lan' }).host).toBe('127.0.0.1');
  });

  it('fails loudly, naming the variable, on a bad value', () => {
    expect(() => localConfig({ PORT: 'abc' })).toThrow(LocalConfigError);
    expect(() => localConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => localConfig({ PALISADE_SETTINGS: '{' })).toThrow(/PALISADE_SETTINGS/);
    expect(() => localConfig({ PALISADE_SETTINGS: '{"holdHours":-1}' })).toThrow(/holdHours/);
  });
});

describe('lockStateFolder', () => {
  it('lets one owner at a time hold a state folder, and frees it on release', async () => {
    const lock = await lockStateFolder(dir);
    expect(await readFile(join(dir, 'palisade.lock'), 'utf8')).toBe(String(process.pid));
    await expect(lockStateFolder(dir)).rejects.toBeInstanceOf(StateFolderBusy);
    await lock.release();
    await (await lockStateFolder(dir)).release();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    await writeFile(join(dir, 'palisade.lock'), '2147483646');
    const lock = await lockStateFolder(dir);
    await lock.release();
  });
});
