// The Lambda factory: every function of the catalogue is built the same way (runtime, arm64, local esbuild
// bundle, tracing, encrypted log group, its own role), and grantAccess turns each catalogue Access into the
// narrowest IAM statement.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type Access, type FunctionSpec, INVOKABLE } from '../lambdas/catalogue.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/kernel/observability.js';
import { BLIND_INDEX_PURPOSE, FIELD_GROUP_PURPOSE } from '../lambdas/kernel/privacy/purposes.js';
import type { Custody } from './custody.js';
import type { Data } from './data.js';
import type { Identity } from './identity.js';
import type { Logging } from './logging.js';
import type { Messaging } from './messaging.js';

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
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './lambdas/kernel/runtime/lambda-credentials.ts',
  // asn1.js pins an older bn.js beside the SDK's own; one copy serves both (~43 KB).
  'bn.js': './node_modules/bn.js/lib/bn.js',
  // semver is only reached by X-Ray's SDK v2 patcher for one `gte` (~28 KB); see the replacement's header.
  semver: './lambdas/kernel/runtime/semver-gte.ts',
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

export interface FunctionsProps {
  logging: Logging;
  /** Environment every function gets (resource names and ids; no secrets). */
  environment: Record<string, string>;
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
    const common: lambda.FunctionOptions = {
      description: `Palisade ${spec.id} (${spec.entry})`,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup,
      timeout: options.timeout ?? Duration.seconds(10),
      memorySize: options.memorySize ?? 512,
      ...(options.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: options.reservedConcurrentExecutions }),
      environment: {
        ...props.environment,
        ...options.environment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
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
          bundling: BUNDLING,
        });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level ' +
        'permissions. The infra tests check that "*" carries no other action on this role.',
    });
  }
}

export class Functions extends Construct {
  private readonly built = new Map<string, PalisadeFunction>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FunctionsProps,
  ) {
    super(scope, id);
    if (!props.stubCode) assertLocalEsbuild();
  }

  /** Builds the function of a spec once; a spec used twice (one task in two workflows) is one function. */
  create(spec: FunctionSpec, options: HandlerOptions = {}): PalisadeFunction {
    const existing = this.built.get(spec.id);
    if (existing) {
      if (existing.spec.entry !== spec.entry) {
        throw new Error(
          `Two catalogue functions share the id ${spec.id}: ${existing.spec.entry}, ${spec.entry}`,
        );
      }
      return existing;
    }
    const made = new PalisadeFunction(this, spec, this.props, options);
    this.built.set(spec.id, made);
    return made;
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

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export interface AccessTargets {
  data: Data;
  identity: Identity;
  messaging: Messaging;
  /** Functions invoked by others (catalogue INVOKABLE), built before any function that invokes them. */
  invokables?: Map<Access, PalisadeFunction>;
  /** The workflows, built before the route functions that start them. */
  stateMachines?: ReadonlyMap<string, sfn.IStateMachine>;
  /** C3: the custody system's transfer queue. */
  custody?: Custody;
}

/** Maps each catalogue Access to the narrowest statement on the one resource it names. */
export function grantAccess(fn: PalisadeFunction, access: readonly Access[], targets: AccessTargets): void {
  const { data, identity, messaging } = targets;
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
    );
  // The table key is only usable through DynamoDB, never for direct KMS calls.
  const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` } };
  for (const item of new Set(access)) {
    switch (item) {
      case 'accounts:read':
        allow(TABLE_READ, [data.accounts.tableArn]);
        allow(['kms:Decrypt'], [data.tableKey.keyArn], viaDynamoDb);
        allow(['kms:GetPublicKey'], [data.signingKey.keyArn]);
        break;
      case 'accounts:write':
        allow([...TABLE_READ, ...TABLE_WRITE], [data.accounts.tableArn]);
        allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], viaDynamoDb);
        allow(['kms:GetPublicKey', 'kms:Sign'], [data.signingKey.keyArn]);
        break;
      case 'audit:append':
        // Reads the chain's head and adds the next record; no update or delete, so history cannot change.
        allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], [data.tables.audit.tableArn]);
        allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], viaDynamoDb);
        allow(['kms:GetPublicKey', 'kms:Sign'], [data.signingKey.keyArn]);
        break;
      case 'audit:read':
        allow(
          ['dynamodb:GetItem', 'dynamodb:Query'],
          [data.tables.audit.tableArn, `${data.tables.audit.tableArn}/index/*`],
        );
        allow(['kms:Decrypt'], [data.tableKey.keyArn], viaDynamoDb);
        allow(['kms:GetPublicKey'], [data.signingKey.keyArn]);
        break;
      case 'blind-index:key':
        // Only the blind-index secret: KMS refuses these calls for any other encryption context.
        allow(['kms:GenerateDataKey', 'kms:Decrypt'], [data.dataKey.attrArn], {
          StringEquals: { 'kms:EncryptionContext:palisade:purpose': BLIND_INDEX_PURPOSE },
        });
        break;
      case 'data-key:seal-open':
        allow(['kms:GenerateDataKey', 'kms:Decrypt'], [data.dataKey.attrArn], {
          StringEquals: { 'kms:EncryptionContext:palisade:purpose': FIELD_GROUP_PURPOSE },
        });
        break;
      case 'vault:invoke':
      case 'user-mail:send':
      case 'pgp-signer:invoke':
      case 'duress:check':
      case 'sms:invoke': {
        const target = targets.invokables?.get(item);
        const spec = INVOKABLE.find((i) => i.access === item);
        if (!target || !spec) throw new Error(`${fn.spec.id} needs ${item}, whose function is not built yet`);
        allow(['lambda:InvokeFunction'], [target.fn.functionArn]);
        fn.fn.addEnvironment(spec.variable, target.fn.functionName);
        break;
      }
      case 'identity:revoke':
        allow(
          ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser'],
          [identity.userPool.userPoolArn],
        );
        break;
      case 'admin-identity:authenticate':
        // D1: the admin login; a refused admin (no tier, offboarded) is signed out at once.
        allow(
          [
            'cognito-idp:AdminInitiateAuth',
            'cognito-idp:AdminRespondToAuthChallenge',
            'cognito-idp:AdminUserGlobalSignOut',
          ],
          [identity.adminPool.userPoolArn],
        );
        break;
      case 'admin-identity:reauthenticate':
        // D2: the step-up of an approval or rejection: the password and TOTP challenge only, no sign-out.
        allow(
          ['cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge'],
          [identity.adminPool.userPoolArn],
        );
        break;
      case 'admin-identity:revoke':
        // D4: offboarding an admin in the admin pool.
        allow(
          ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminUserGlobalSignOut'],
          [identity.adminPool.userPoolArn],
        );
        break;
      case 'identity:sign-out':
        // A user revoking their own refresh tokens: global sign-out only, never disabling the user.
        allow(['cognito-idp:AdminUserGlobalSignOut'], [identity.userPool.userPoolArn]);
        break;
      case 'shield:write':
        // Counters only: batch reads, conditional updates, clearing a source's counters after a success.
        allow(
          ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
          [data.tables.shield.tableArn],
        );
        allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], viaDynamoDb);
        break;
      case 'shield:forget':
        // Deleting one known-device row when its user takes the device off the whitelist.
        allow(['dynamodb:DeleteItem'], [data.tables.shield.tableArn]);
        allow(['kms:Decrypt'], [data.tableKey.keyArn], viaDynamoDb);
        break;
      case 'identity:authenticate':
        allow(
          [
            'cognito-idp:AdminInitiateAuth',
            'cognito-idp:AdminRespondToAuthChallenge',
            'cognito-idp:AdminGetUser',
          ],
          [identity.userPool.userPoolArn],
        );
        break;
      case 'suspension:start': {
        const machine = targets.stateMachines?.get('account-suspension');
        if (!machine) throw new Error(`${fn.spec.id} needs the account-suspension workflow, not built yet`);
        allow(['states:StartExecution'], [machine.stateMachineArn]);
        break;
      }
      case 'security-hold:start': {
        const machine = targets.stateMachines?.get('security-hold');
        if (!machine) throw new Error(`${fn.spec.id} needs the security-hold workflow, not built yet`);
        allow(['states:StartExecution'], [machine.stateMachineArn]);
        break;
      }
      case 'withdrawal:start': {
        const machine = targets.stateMachines?.get('withdrawal');
        if (!machine) throw new Error(`${fn.spec.id} needs the withdrawal workflow, not built yet`);
        allow(['states:StartExecution'], [machine.stateMachineArn]);
        break;
      }
      case 'admin-approval:start': {
        const machine = targets.stateMachines?.get('admin-approval');
        if (!machine) throw new Error(`${fn.spec.id} needs the admin-approval workflow, not built yet`);
        allow(['states:StartExecution'], [machine.stateMachineArn]);
        break;
      }
      case 'idempotency:use':
        // Powertools idempotency: read, claim (conditional put), complete (update) or free (delete) a record.
        allow(
          ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          [data.tables.idempotency.tableArn],
        );
        allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [data.tableKey.keyArn], viaDynamoDb);
        break;
      case 'withdrawal-review:cancel':
      case 'withdrawal-review:decide':
      case 'admin-approval:answer':
        // Step Functions authorises SendTaskSuccess/SendTaskFailure of a service-integration task token
        // only on "*" (the actions' one resource type is an activity, which these tokens do not belong to).
        allow(
          [item === 'withdrawal-review:cancel' ? 'states:SendTaskFailure' : 'states:SendTaskSuccess'],
          ['*'],
        );
        Validations.of(fn.role).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'C3/D2: a .waitForTaskToken token of a service integration is answered with states:SendTask*, which ' +
            'IAM authorises only on "*". The token itself is the capability; it is stored server-side only.',
        });
        break;
      case 'custody:dispatch': {
        if (!targets.custody) throw new Error(`${fn.spec.id} needs the custody queue, not built yet`);
        targets.custody.grantDispatch(fn.role);
        fn.fn.addEnvironment('CUSTODY_QUEUE_URL', targets.custody.queue.queueUrl);
        break;
      }
      case 'identity:mfa':
        allow(['cognito-idp:AdminSetUserMFAPreference'], [identity.userPool.userPoolArn]);
        break;
      case 'identity:read':
        allow(['cognito-idp:AdminGetUser'], [identity.userPool.userPoolArn]);
        break;
      case 'identity:create':
        // A1 sign-up: the user is created with its password and kept disabled until verified.
        allow(
          ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminDisableUser'],
          [identity.userPool.userPoolArn],
        );
        break;
      case 'identity:enable':
        allow(['cognito-idp:AdminEnableUser'], [identity.userPool.userPoolArn]);
        break;
      case 'identity:set-password':
        // B1: a user's own password change, after re-authentication.
        allow(['cognito-idp:AdminSetUserPassword'], [identity.userPool.userPoolArn]);
        break;
      case 'identity:update-contact':
        // B1: a user's own email or phone, after the code sent to the new value.
        allow(['cognito-idp:AdminUpdateUserAttributes'], [identity.userPool.userPoolArn]);
        break;
      case 'sms:publish':
        messaging.grantSendSms(fn.role);
        break;
      case 'mail:send':
        messaging.grantSendEmail(fn.role);
        break;
      case 'pgp-key:sign':
        messaging.grantPgpKey(fn.role);
        fn.fn.addEnvironment('PGP_KEY_SECRET', messaging.pgpKeySecret.secretArn);
        break;
      case 'pgp-key:public':
        messaging.grantPgpPublicKey(fn.role);
        fn.fn.addEnvironment('PGP_PUBLIC_KEY_SECRET', messaging.pgpPublicKeySecret.secretArn);
        break;
      default: {
        const unmapped: never = item;
        throw new Error(`No IAM grant is defined for access ${String(unmapped)}`);
      }
    }
  }
}
