// I2: the census's split of an invocation's CPU between the handler's own work and its AWS calls
// (bench/cpu-attribution.ts), on a hand-made V8 CPU profile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceMapGenerator } from 'source-map-js';
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

  it("I2 the password hash's JavaScript (hash-wasm around its WebAssembly, and what runs under it) is password work, not the handler's", () => {
    // A bundle whose source map puts line 1 in our handler and line 2 in hash-wasm's argon2id.
    const dir = mkdtempSync(join(tmpdir(), 'attribution-'));
    const bundle = join(dir, 'index.mjs');
    const map = new SourceMapGenerator({ file: 'index.mjs' });
    for (const [line, source] of [
      [1, '../../lambdas/auth/duress.ts'],
      [2, '../../node_modules/hash-wasm/dist/index.esm.js'],
    ] as const)
      map.addMapping({ generated: { line, column: 0 }, original: { line: 1, column: 0 }, source });
    writeFileSync(bundle, '// bundle\n');
    writeFileSync(`${bundle}.map`, map.toString());
    const url = `file://${bundle}`;
    const at = (functionName: string, lineNumber: number) => ({
      functionName,
      url,
      lineNumber,
      columnNumber: 0,
    });
    const nodes = [
      { id: 1, callFrame: frame('(root)', ''), children: [2] },
      { id: 2, callFrame: at('verifyDuress', 0), children: [3] },
      { id: 3, callFrame: at('hashFunc', 1), children: [4, 5] },
      // The worker's timing of a WebAssembly export (no source map) and a native under it take hash-wasm's side.
      { id: 4, callFrame: frame('wrapped', 'file:///harness/lambda-worker.mjs'), children: [6] },
      { id: 5, callFrame: frame('wasm-function[7]', 'wasm://wasm/abc'), children: [] },
      { id: 6, callFrame: frame('threadCpuUsage', ''), children: [] },
    ];
    // 2 handler (2), 3 + 1 + 2 hash JS (3, 4, 6), 4 WebAssembly (5).
    const samples = [2, 2, 3, 3, 3, 4, 6, 6, 5, 5, 5, 5];
    const file = join(dir, 'duress.cpuprofile');
    writeFileSync(file, JSON.stringify({ nodes, samples, timeDeltas: samples.map(() => 100) }));
    const split = attribute(file);
    expect(split).toMatchObject({ handler: 2, aws: 0, hashJs: 6, hash: 4, strength: 0 });
    expect(split.handlerShare).toBeCloseTo(2 / 8);
    expect(split.hashJsShare).toBeCloseTo(6 / 8);
  });

  it("I2 the role credentials the SigV4 signer reads at each AWS call (env-credentials.ts, fromEnv's replacement) are the AWS call's, not the handler's", () => {
    // A bundle whose source map puts line 1 in a handler, 2 in the SDK's signer, 3 in env-credentials.ts.
    const dir = mkdtempSync(join(tmpdir(), 'attribution-'));
    const bundle = join(dir, 'index.mjs');
    const map = new SourceMapGenerator({ file: 'index.mjs' });
    for (const [line, source] of [
      [1, '../../lambdas/addresses/whitelist.ts'],
      [2, '../../node_modules/@smithy/signature-v4/dist-es/SignatureV4.js'],
      [3, '../../lambdas/kernel/aws/env-credentials.ts'],
    ] as const)
      map.addMapping({ generated: { line, column: 0 }, original: { line: 1, column: 0 }, source });
    writeFileSync(bundle, '// bundle\n');
    writeFileSync(`${bundle}.map`, map.toString());
    const url = `file://${bundle}`;
    const at = (functionName: string, lineNumber: number) => ({
      functionName,
      url,
      lineNumber,
      columnNumber: 0,
    });
    const nodes = [
      { id: 1, callFrame: frame('(root)', ''), children: [2] },
      { id: 2, callFrame: at('addAddress', 0), children: [3] },
      { id: 3, callFrame: at('signRequest', 1), children: [4] },
      { id: 4, callFrame: at('credentials', 2), children: [5] },
      // process.env's getter (a native) under the credentials takes their side.
      { id: 5, callFrame: frame('getenv', ''), children: [] },
    ];
    // 3 handler (2), 2 signer (3), 2 credentials (4), 1 native under them (5).
    const samples = [2, 2, 2, 3, 3, 4, 4, 5];
    const file = join(dir, 'credentials.cpuprofile');
    writeFileSync(file, JSON.stringify({ nodes, samples, timeDeltas: samples.map(() => 100) }));
    expect(attribute(file)).toMatchObject({ handler: 3, aws: 5 });
  });
});
