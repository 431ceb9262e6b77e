// The Lambda factory: every function of the catalogue is built the same way (runtime, arm64, local esbuild
// bundle, tracing, encrypted log group, its own role); lib/grants turns its Access list into IAM statements.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetStaging, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../lambdas/catalogue.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/kernel/observability.js';
import { ACCESS_VARIABLE, type BaseEnvName, requiredEnv } from '../lambdas/kernel/runtime/access-env.js';
import { REQUIRED_ENV_VARIABLE } from '../lambdas/kernel/runtime/required-env.js';
import { unmetReads } from './bundle-reads.js';
import { besideBundleCommands } from './geo-data.js';
import type { Logging } from './logging.js';

/** The newest Node.js runtime aws-cdk-lib knows (cdk-nag L1); the esbuild target follows it. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';
/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Module substitutions in every bundle (esbuild `alias`; paths relative to the repository root), to keep
 * bundles within budget. The SDK's default credential chain becomes the environment provider alone: a
 * Lambda function's role credentials are always in its environment, and the chain's other sources carry the
 * STS and SSO clients (~110–130 KB). test/unit/vault-bundle.test.ts runs a bundle built with them.
 */
/**
 * Node built-ins whose ES import costs the init (docs/decisions.md, "Init time"), each aliased (bare and
 * `node:`) to a CommonJS shim over `process.getBuiltinModule(…)`: esbuild keeps an ES import of a built-in
 * as an `import` statement, and Node builds that import's facade by reading every export, which runs the
 * lazy getters a `require` leaves alone (node:http's load undici, http2 and zlib: ~70 ms of CPU). https (TLS),
 * web streams and dgram are lazy shims besides: loaded at their first use, not at init.
 */
export const BUILTIN_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  ['dgram', 'http', 'https', 'stream/web'].flatMap((name) => {
    const shim = `./lambdas/kernel/runtime/builtins/${name.replace('/', '-')}.cjs`;
    return [
      [name, shim],
      [`node:${name}`, shim],
    ];
  }),
);

/**
 * Every function's NODE_OPTIONS: stack traces in the logs name the source lines (the `.map` travels beside the
 * bundle). Node 24 reads a map only when it maps a stack, not at import (the init bench runs with it).
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  ...BUILTIN_ALIASES,
  // asn1.js pins an older bn.js beside the SDK's own; one copy serves both (~43 KB).
  'bn.js': './node_modules/bn.js/lib/bn.js',
  // pdf-lib (CheckKycDocument) only reads PDFs: its fonts, PNG and deflate dependencies are a stub (~195 KB).
  '@pdf-lib/standard-fonts': './lambdas/kernel/runtime/pdf-lib-unused.ts',
  '@pdf-lib/upng': './lambdas/kernel/runtime/pdf-lib-unused.ts',
  pako: './lambdas/kernel/runtime/pdf-lib-unused.ts',
  // Powertools idempotency's JMESPath engine evaluates two fixed field reads (kernel/idempotency.ts): the
  // subset those are written in stands for it (~23 KB, ~5 ms of RequestWithdrawal's init).
  '@aws-lambda-powertools/jmespath': './lambdas/kernel/runtime/jmespath-subset.ts',
  '@aws-lambda-powertools/jmespath/functions': './lambdas/kernel/runtime/jmespath-subset.ts',
};

/** Production bundling: the local esbuild, never Docker; the AWS SDK is bundled at the locked versions. */
export const BUNDLING: nodejs.BundlingOptions = {
  esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
  minify: true,
  sourceMap: true,
  format: nodejs.OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  bundleAwsSDK: true,
  forceDockerBundling: false,
  logLevel: nodejs.LogLevel.WARNING,
};

const STUB_CODE = "exports.handler = async () => { throw new Error('test stub: not deployable'); };";

/** The variables of BASE_ENV this factory sets itself; the stack hands the others. */
type FactoryEnvName =
  | 'POWERTOOLS_SERVICE_NAME'
  | 'POWERTOOLS_METRICS_NAMESPACE'
  | 'NODE_OPTIONS'
  | 'PALISADE_ACCESS'
  | 'PALISADE_REQUIRED_ENV';

export interface FunctionsProps {
  logging: Logging;
  /** Environment every function gets (resource names and ids; no secrets): BASE_ENV but the factory's own. */
  environment: Record<Exclude<BaseEnvName, FactoryEnvName>, string>;
  /** Tests that do not check bundling set this: inline stub code instead of an esbuild bundle. */
  stubCode?: boolean;
}

export interface HandlerOptions {
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  environment?: Record<string, string>;
}

/** One catalogue function: its Lambda, its own role and its log group. */
export class PalisadeFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly role: iam.Role;
  readonly fn: lambda.Function;
  /** The function's environment variables as set so far (unresolved tokens), by name. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, spec: FunctionSpec, props: FunctionsProps, options: HandlerOptions) {
    super(scope, spec.id);
    this.spec = spec;
    // An own role instead of the default one: the default attaches the AWS managed basic-execution policy
    // (cdk-nag IAM4) and would give logs:CreateLogGroup on every group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Palisade ${spec.id}: only what ${spec.entry} needs`,
    });
    const logGroup = props.logging.logGroup(this, 'Logs');
    logGroup.grantWrite(this.role);
    this.environment = {
      ...props.environment,
      ...options.environment,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      // The runtime checks at init that it holds every variable its access needs (access-env.ts).
      [ACCESS_VARIABLE]: spec.access.join(','),
      // …derived from it here, so no bundle carries the access → variables table.
      [REQUIRED_ENV_VARIABLE]: requiredEnv(spec.access).join(','),
    } satisfies Record<BaseEnvName, string>;
    const common: lambda.FunctionOptions = {
      description: `Palisade ${spec.id} (${spec.entry})`,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup,
      // the spec's own measured sizing (FunctionSpec.sizing) over the default of its kind
      timeout:
        spec.sizing?.timeoutSeconds !== undefined
          ? Duration.seconds(spec.sizing.timeoutSeconds)
          : (options.timeout ?? Duration.seconds(10)),
      memorySize: spec.sizing?.memoryMb ?? options.memorySize ?? 512,
      ...(options.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: options.reservedConcurrentExecutions }),
      environment: { ...this.environment },
    };
    this.fn = props.stubCode
      ? new lambda.Function(this, 'Handler', {
          ...common,
          runtime: LAMBDA_RUNTIME,
          code: lambda.Code.fromInline(STUB_CODE),
          handler: 'index.handler',
        })
      : new nodejs.NodejsFunction(this, 'Handler', {
          ...common,
          runtime: LAMBDA_RUNTIME,
          entry: path.join(PROJECT_ROOT, spec.entry),
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          bundling: {
            ...BUNDLING,
            // G1/A9: data files the bundle names (the geo table) are copied beside index.mjs.
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_inputDir, outputDir) => besideBundleCommands(outputDir),
            },
          },
        });
    // I2: the bundle is the truth of what the handler's wiring needs; synth fails when it asks for a variable
    // (a table, key, function to invoke, workflow to start) that the function's Access does not give.
    if (!props.stubCode) this.node.addValidation({ validate: () => this.unmetReads() });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level ' +
        'permissions. The infra tests check that "*" carries no other action on this role.',
    });
  }

  /** The variables the staged production bundle reads and the environment lacks (none for stub code). */
  unmetReads(): string[] {
    const staging = this.fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging);
    if (!staging) return [];
    const bundle = readFileSync(path.join(staging.absoluteStagedPath, 'index.mjs'), 'utf8');
    return unmetReads(this.spec.id, bundle, this.environment);
  }

  addEnvironment(name: string, value: string): void {
    this.environment[name] = value;
    this.fn.addEnvironment(name, value);
  }
}

export class Functions extends Construct {
  private readonly built = new Map<string, PalisadeFunction>();
  /** The construct that holds the functions of each nested stack, by stack. */
  private readonly homes = new Map<Stack, Construct>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FunctionsProps,
  ) {
    super(scope, id);
    if (!props.stubCode) assertLocalEsbuild();
  }

  /**
   * Builds the function of a spec once; a spec used twice (one task in two workflows) is one function. `stack`
   * (a nested stack of this one) is where it lives, under a `Functions` construct of its own; by default here.
   */
  create(spec: FunctionSpec, options: HandlerOptions = {}, stack?: Stack): PalisadeFunction {
    const existing = this.built.get(spec.id);
    if (existing) {
      if (existing.spec.entry !== spec.entry) {
        throw new Error(
          `Two catalogue functions share the id ${spec.id}: ${existing.spec.entry}, ${spec.entry}`,
        );
      }
      return existing;
    }
    const made = new PalisadeFunction(this.homeIn(stack), spec, this.props, options);
    this.built.set(spec.id, made);
    return made;
  }

  private homeIn(stack: Stack | undefined): Construct {
    if (!stack || stack === Stack.of(this)) return this;
    let home = this.homes.get(stack);
    if (!home) {
      home = new Construct(stack, 'Functions');
      this.homes.set(stack, home);
    }
    return home;
  }

  get(id: string): PalisadeFunction | undefined {
    return this.built.get(id);
  }

  all(): PalisadeFunction[] {
    return [...this.built.values()];
  }
}

/** NodejsFunction silently falls back to Docker when esbuild is missing; Palisade never bundles in Docker. */
function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error(
      'esbuild is not installed: run `npm ci` (Lambda bundling uses the local esbuild, never Docker)',
    );
  }
}
