// Splits one invocation's CPU between the handler's own work and its AWS calls, from a V8 CPU profile of that
// invocation (the cloud harness writes one per invocation when asked: bench/census.ts `--profile`).
//
// What the issue calls "handler CPU without emulators" is what a request costs with in-memory adapters: the
// handler, the domain, the kernel, zod, Powertools, crypto — without the AWS SDK, its serialisation, signing
// and HTTP. The emulators already run on other threads than the function's (the census measures the
// function's own thread), so what is left to take out is the AWS-call stack. Each sample is attributed by its
// stack, leaf first: the first frame that belongs to a known side decides (our sources and non-AWS libraries →
// handler; @aws-sdk/*, @smithy/*, node's HTTP/TLS/socket/stream modules and our own clients that replace the
// SDK's — the signed transport, the JSON-protocol caller, the DynamoDB document conversion, KMS, Secrets
// Manager, Cognito, S3, the Lambda invoke, the role credentials the signer reads — → AWS calls). Frames that belong to neither (node internals such as crypto, buffers and events; natives)
// take the side of the frame that called them; samples with no side at all (the event loop, microtask
// runs, garbage collection) are shared in proportion. The password work is counted apart, as deliberate:
// the WebAssembly hash (the worker times it exactly), the JavaScript half of that same hash (hash-wasm's
// argon2id runs Argon2's H' — BLAKE2b chains — and instantiates its modules in JavaScript around the
// WebAssembly, and the worker's timing of each export call sits under it) and the zxcvbn strength estimate of a
// new password.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer } from 'source-map-js';

export type Side = 'handler' | 'aws' | 'hash' | 'hashJs' | 'strength' | 'profiler';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Our own modules that are the AWS calls (a SigV4-signed HTTPS call and its wire format instead of an SDK client),
 * and the role credentials the signer reads for each call (env-credentials.ts, called by SignatureV4 at every
 * signing: what @aws-sdk/credential-provider-env's fromEnv did, which counted as an AWS call as an SDK package).
 */
const OUR_TRANSPORT =
  /^lambdas\/kernel\/aws\/(lambda-invoke|signed-request|s3-client|json-api|dynamo-documents|kms|secrets-manager|cognito-idp|env-credentials)\.ts$/;
const AWS_PACKAGE = /node_modules\/@(aws-sdk|smithy|aws-crypto\/(sha256|crc32|util))\//;
/** The password-strength estimate (A1's policy: a deliberate per-password cost, like the hashes). */
const STRENGTH_PACKAGE = /node_modules\/@zxcvbn-ts\//;
/**
 * The duress check's argon2id outside its WebAssembly (A5): hash-wasm's JavaScript (Argon2's H' over BLAKE2b,
 * the modules' instantiation, the memory set-up) is the same deliberate password hash.
 */
const HASH_PACKAGE = /node_modules\/hash-wasm\//;
const NODE_TRANSPORT =
  /^node:(_http_|https|http$|net$|tls|_tls|dns|internal\/(http|net|tls|streams|stream_base|dns|url))/;

const consumers = new Map<string, SourceMapConsumer | null>();
function consumerOf(url: string): SourceMapConsumer | null {
  let consumer = consumers.get(url);
  if (consumer !== undefined) return consumer;
  consumer = null;
  if (url.startsWith('file://')) {
    const map = `${fileURLToPath(url)}.map`;
    if (existsSync(map)) consumer = new SourceMapConsumer(JSON.parse(readFileSync(map, 'utf8')));
  }
  consumers.set(url, consumer);
  return consumer;
}

/** The side one frame belongs to, or undefined when it takes its caller's. */
export function sideOfFrame(frame: ProfileNode['callFrame']): Side | undefined {
  const { url, functionName } = frame;
  if (url.startsWith('node:inspector') || (functionName === '(program)' && url === '')) return undefined;
  if (url === '' && /^(wasm-function|\$)/.test(functionName)) return 'hash';
  if (url.startsWith('wasm://')) return 'hash';
  if (url.startsWith('node:')) return NODE_TRANSPORT.test(url) ? 'aws' : undefined;
  if (!url) return undefined;
  const consumer = consumerOf(url);
  const source = consumer?.originalPositionFor({
    line: frame.lineNumber + 1,
    column: frame.columnNumber,
  }).source;
  if (!source) return url.includes('lambda-worker') ? undefined : 'handler';
  if (AWS_PACKAGE.test(source)) return 'aws';
  if (STRENGTH_PACKAGE.test(source)) return 'strength';
  if (HASH_PACKAGE.test(source)) return 'hashJs';
  const ours = source.replace(/^(\.\.\/)+/, '');
  if (OUR_TRANSPORT.test(ours)) return 'aws';
  return 'handler';
}

export interface Attribution {
  /** Samples per side, before the sideless share is spread. */
  handler: number;
  aws: number;
  hash: number;
  /** The password hash's JavaScript (hash-wasm around its WebAssembly): in the thread's CPU, unlike `hash`. */
  hashJs: number;
  strength: number;
  /** Samples no frame gave a side (event loop, microtasks, GC), spread in proportion. */
  shared: number;
  /** The handler's share of the non-hash CPU, shared samples spread in proportion. */
  handlerShare: number;
  /** The password-strength estimate's share of the non-hash CPU. */
  strengthShare: number;
  /** The password hash's JavaScript share of the non-hash CPU (what the worker's WebAssembly timing leaves in). */
  hashJsShare: number;
}

export function attribute(profileFile: string): Attribution {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const sideOfNode = new Map<number, Side | 'shared'>();
  const resolve = (id: number): Side | 'shared' => {
    const known = sideOfNode.get(id);
    if (known) return known;
    const node = byId.get(id);
    let side: Side | 'shared' = 'shared';
    if (node) {
      if (node.callFrame.url.startsWith('node:inspector')) side = 'profiler';
      else {
        const own = sideOfFrame(node.callFrame);
        const up = parent.get(id);
        side = own ?? (up === undefined ? 'shared' : resolve(up));
      }
    }
    sideOfNode.set(id, side);
    return side;
  };
  const totals = { handler: 0, aws: 0, hash: 0, hashJs: 0, strength: 0, profiler: 0, shared: 0 };
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const name = node?.callFrame.functionName;
    // The profiler's own idle and program samples are not the invocation's CPU.
    if (name === '(idle)') return;
    // Each sample counts once: the sampler's time deltas are wall-clock, and a thread waiting for a core
    // makes one sample's delta long without spending CPU, so sample counts are the CPU's proportions.
    void i;
    totals[resolve(id)] += 1;
  });
  const attributed = totals.handler + totals.aws + totals.strength + totals.hashJs;
  return {
    handler: totals.handler,
    aws: totals.aws,
    hash: totals.hash,
    hashJs: totals.hashJs,
    strength: totals.strength,
    shared: totals.shared,
    handlerShare: attributed > 0 ? totals.handler / attributed : 1,
    strengthShare: attributed > 0 ? totals.strength / attributed : 0,
    hashJsShare: attributed > 0 ? totals.hashJs / attributed : 0,
  };
}
