// I2: the census's split of an invocation's CPU between the handler's own work and its AWS calls
// (bench/cpu-attribution.ts), on a hand-made V8 CPU profile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attribute } from '../../bench/cpu-attribution.js';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

describe('I2 handler CPU without the AWS calls', () => {
  it('I2 each sample takes the side of the nearest frame that has one; node internals follow their caller; GC and the loop are shared; password work is apart', () => {
    // (root) → bundle code without a source map (handler) → node:crypto (takes the handler's side)
    //        → node:_http_client (AWS) ; (garbage collector) (shared) ; wasm (the hash) ; the profiler
    const nodes = [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6, 7, 8, 9] },
      { id: 2, callFrame: frame('handle', 'file:///nowhere/bundle.mjs'), children: [3] },
      { id: 3, callFrame: frame('createHmac', 'node:internal/crypto/hash'), children: [] },
      { id: 5, callFrame: frame('ClientRequest', 'node:_http_client'), children: [] },
      { id: 6, callFrame: frame('(garbage collector)', ''), children: [] },
      { id: 7, callFrame: frame('wasm-function[3]', 'wasm://wasm/abc'), children: [] },
      { id: 8, callFrame: frame('(idle)', ''), children: [] },
      { id: 9, callFrame: frame('post', 'node:inspector'), children: [] },
    ];
    // 6 handler (2, 3), 2 AWS (5), 2 shared (6), 5 hash (7), 10 idle, 3 profiler.
    const samples = [2, 2, 2, 3, 3, 3, 5, 5, 6, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9];
    const dir = mkdtempSync(join(tmpdir(), 'attribution-'));
    const file = join(dir, 'one.cpuprofile');
    writeFileSync(file, JSON.stringify({ nodes, samples, timeDeltas: samples.map(() => 100) }));
    const split = attribute(file);
    expect(split).toMatchObject({ handler: 6, aws: 2, hash: 5, shared: 2, strength: 0 });
    expect(split.handlerShare).toBeCloseTo(6 / 8);
    expect(split.strengthShare).toBe(0);
  });
});
