// The synthesised template as a deployment would make it concrete: every function with its resolved
// environment and its role's statements, every state machine with its role and task functions, and the
// resources functions reach (tables, keys, pools, secrets, the custody queue, the mail identity).
import { WORKFLOW_NAMES, type WorkflowName } from '../../../lambdas/kernel/ports/workflows.js';
import { TABLES, type TableId } from '../../../lambdas/kernel/tables.js';
import { CfnResolver, type CfnTemplate, type Deployment, HARNESS_ACCOUNT, targetOf } from './cfn.js';
import type { PolicyStatement } from './iam.js';

export interface CloudFunction {
  /** The catalogue id (the Lambda's construct id). */
  id: string;
  entry: string;
  logicalId: string;
  name: string;
  arn: string;
  /** The function's environment exactly as the template gives it, tokens resolved. */
  environment: Record<string, string>;
  roleName: string;
  roleArn: string;
  statements: PolicyStatement[];
  timeoutSeconds: number;
  memorySize: number;
  logGroup: string;
}

export interface CloudStateMachine {
  workflow: WorkflowName;
  logicalId: string;
  name: string;
  arn: string;
  roleName: string;
  statements: PolicyStatement[];
  /** Definition substitution key (`${Key}` in the ASL) → the function it names. */
  tasks: Record<string, CloudFunction>;
}

export interface CloudTable {
  id: TableId;
  name: string;
  arn: string;
  /** The customer managed key of its server-side encryption, if any. */
  kmsKeyArn?: string;
}

export interface CloudBucket {
  logicalId: string;
  name: string;
  arn: string;
  /** The KMS key of its default encryption (SSE-KMS), if any. */
  kmsKeyArn?: string;
  /** An S3 Bucket Key: KMS's encryption context is the bucket's ARN, not the object's. */
  bucketKey: boolean;
}

export interface PasswordPolicy {
  MinimumLength?: number;
  RequireLowercase?: boolean;
  RequireUppercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}

export interface CloudPool {
  id: string;
  clientId: string;
  arn: string;
  /** The app client's ExplicitAuthFlows (`ALLOW_ADMIN_USER_PASSWORD_AUTH`, …). */
  authFlows: string[];
  passwordPolicy: PasswordPolicy;
  /** OFF, OPTIONAL or ON. */
  mfa: string;
  /** A8: the app client's RefreshTokenRotation is ENABLED (GetTokensFromRefreshToken answers a new token). */
  refreshRotation: boolean;
}

export interface ApiAuthorizer {
  /** The authorizer's id in the API (the `/authorizers/<id>` of its invoke permission). */
  id: string;
  logicalId: string;
  functionArn: string;
  /** The regular expression API Gateway checks the token against before it calls the authorizer. */
  identityValidation?: string;
  ttlSeconds: number;
}

export interface ApiMethod {
  method: string;
  /** API Gateway path syntax, `/v1/me/sessions/{sessionId}`. */
  path: string;
  functionArn: string;
  authorization: string;
  authorizer?: ApiAuthorizer;
}

/** An AWS::Lambda::Permission: who may invoke a function (API Gateway, from which source ARN). */
export interface LambdaPermission {
  functionArn: string;
  principal: string;
  action: string;
  sourceArn?: string;
}

export interface CloudApi {
  apiId: string;
  stage: string;
  methods: ApiMethod[];
  authorizers: ApiAuthorizer[];
  permissions: LambdaPermission[];
}

export interface CloudModel {
  deployment: Deployment;
  functions: CloudFunction[];
  stateMachines: CloudStateMachine[];
  tables: CloudTable[];
  /** Every S3 bucket of the template, by its physical name. */
  buckets: CloudBucket[];
  keys: { signing: string; data: string };
  userPool: CloudPool;
  adminPool: CloudPool;
  /** Secret ARN → what it holds. */
  secrets: { arn: string; name: string; holds: 'pgp-key-pair' | 'pgp-public-key' }[];
  queues: {
    url: string;
    arn: string;
    fifo: boolean;
    contentBasedDeduplication: boolean;
    kmsKeyArn?: string;
  }[];
  mail: { from: string; identities: { identity: string; arn: string; configurationSetArn?: string }[] };
  /** Every variable any function of the template is given, with the value it is given. */
  variables: Map<string, Set<string>>;
  /** The REST API of the nested stack, when the template has one. */
  api?: CloudApi;
}

const DESCRIPTION = /^Palisade (\S+) \((.+)\)$/;

export function cloudModel(
  template: CfnTemplate,
  deployment: Omit<Deployment, 'account' | 'partition'> & Partial<Deployment>,
  apiTemplate?: CfnTemplate,
): CloudModel {
  const full: Deployment = { account: HARNESS_ACCOUNT, partition: 'aws', ...deployment };
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const [nestedStack] = ofType('AWS::CloudFormation::Stack');
  let apiCfn: CfnResolver | undefined;
  const cfn = new CfnResolver(template, full, {
    nested: (logicalId) => (logicalId === nestedStack?.[0] ? apiCfn : undefined),
  });
  if (apiTemplate && nestedStack) {
    const parameters = (nestedStack[1].Properties?.Parameters ?? {}) as Record<string, unknown>;
    apiCfn = new CfnResolver(
      apiTemplate,
      { ...full, stackName: cfn.ref(nestedStack[0]) },
      {
        parameters: Object.fromEntries(
          Object.entries(parameters).map(([name, value]) => [name, () => cfn.resolveString(value, name)]),
        ),
      },
    );
  }

  const statementsOf = (roleLogicalId: string): PolicyStatement[] => {
    const statements: PolicyStatement[] = [];
    for (const [policyId, policy] of ofType('AWS::IAM::Policy')) {
      const roles = (policy.Properties?.Roles ?? []) as unknown[];
      if (!roles.some((r) => targetOf(r) === roleLogicalId)) continue;
      const document = policy.Properties?.PolicyDocument as { Statement: unknown[] };
      statements.push(...(cfn.resolve(document.Statement, `${policyId}.Statement`) as PolicyStatement[]));
    }
    const role = resources[roleLogicalId];
    const managed = (role?.Properties?.ManagedPolicyArns ?? []) as unknown[];
    if (managed.length > 0)
      throw new Error(`${roleLogicalId}: managed policies are not modelled by the harness`);
    for (const inline of (role?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: unknown[] };
    }[]) {
      statements.push(...(cfn.resolve(inline.PolicyDocument.Statement, roleLogicalId) as PolicyStatement[]));
    }
    return statements;
  };

  const functions: CloudFunction[] = [];
  const rawEnvironments = new Map<string, Record<string, unknown>>();
  for (const [logicalId, resource] of ofType('AWS::Lambda::Function')) {
    const props = resource.Properties ?? {};
    const match = DESCRIPTION.exec(String(props.Description ?? ''));
    if (!match) continue;
    const [, id, entry] = match as unknown as [string, string, string];
    const raw = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    rawEnvironments.set(id, raw);
    const roleLogicalId = targetOf(props.Role);
    if (!roleLogicalId) throw new Error(`${logicalId}: the role is not a resource of the template`);
    const logging = props.LoggingConfig as { LogGroup?: unknown } | undefined;
    functions.push({
      id,
      entry,
      logicalId,
      name: cfn.ref(logicalId),
      arn: cfn.getAtt(logicalId, 'Arn'),
      environment: Object.fromEntries(
        Object.entries(raw).map(([name, value]) => [name, cfn.resolveString(value, `${id}.${name}`)]),
      ),
      roleName: cfn.ref(roleLogicalId),
      roleArn: cfn.getAtt(roleLogicalId, 'Arn'),
      statements: statementsOf(roleLogicalId),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memorySize: Number(props.MemorySize ?? 128),
      logGroup: logging?.LogGroup
        ? cfn.resolveString(logging.LogGroup, `${id}.LogGroup`)
        : `/aws/lambda/${cfn.ref(logicalId)}`,
    });
  }
  const byLogicalId = new Map(functions.map((f) => [f.logicalId, f]));

  const stateMachines: CloudStateMachine[] = [];
  for (const [logicalId, resource] of ofType('AWS::StepFunctions::StateMachine')) {
    const props = resource.Properties ?? {};
    const roleLogicalId = targetOf(props.RoleArn);
    if (!roleLogicalId) throw new Error(`${logicalId}: the role is not a resource of the template`);
    const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    const tasks: Record<string, CloudFunction> = {};
    for (const [key, value] of Object.entries(substitutions)) {
      const fn = byLogicalId.get(targetOf(value) ?? '');
      if (fn) tasks[key] = fn;
    }
    stateMachines.push({
      workflow: workflowOf(logicalId),
      logicalId,
      name: cfn.getAtt(logicalId, 'Name'),
      arn: cfn.getAtt(logicalId, 'Arn'),
      roleName: cfn.ref(roleLogicalId),
      statements: statementsOf(roleLogicalId),
      tasks,
    });
  }

  // The resources, found through the variables that name them (one raw environment holds them all).
  const anyRaw = (name: string): unknown => {
    for (const raw of rawEnvironments.values()) if (raw[name] !== undefined) return raw[name];
    return undefined;
  };
  const logicalOf = (name: string): string => {
    const target = targetOf(anyRaw(name));
    if (!target) throw new Error(`No function of the template has ${name} as a reference to a resource`);
    return target;
  };

  const tables: CloudTable[] = (Object.keys(TABLES) as TableId[]).map((id) => {
    const logicalId = logicalOf(TABLES[id].envVar);
    const sse = resources[logicalId]?.Properties?.SSESpecification as
      | { KMSMasterKeyId?: unknown }
      | undefined;
    return {
      id,
      name: cfn.ref(logicalId),
      arn: cfn.getAtt(logicalId, 'Arn'),
      ...(sse?.KMSMasterKeyId
        ? { kmsKeyArn: cfn.resolveString(sse.KMSMasterKeyId, `${logicalId}.SSE`) }
        : {}),
    };
  });

  const pool = (idVar: string, clientVar: string): CloudPool => {
    const logicalId = logicalOf(idVar);
    const clientLogicalId = logicalOf(clientVar);
    const props = resources[logicalId]?.Properties ?? {};
    return {
      id: cfn.ref(logicalId),
      clientId: cfn.ref(clientLogicalId),
      arn: cfn.getAtt(logicalId, 'Arn'),
      authFlows: (resources[clientLogicalId]?.Properties?.ExplicitAuthFlows ?? []) as string[],
      passwordPolicy:
        (props.Policies as { PasswordPolicy?: PasswordPolicy } | undefined)?.PasswordPolicy ?? {},
      mfa: String(props.MfaConfiguration ?? 'OFF'),
      refreshRotation:
        (resources[clientLogicalId]?.Properties?.RefreshTokenRotation as { Feature?: string } | undefined)
          ?.Feature === 'ENABLED',
    };
  };

  const secrets: CloudModel['secrets'] = [];
  for (const [variable, holds] of [
    ['PGP_KEY_SECRET', 'pgp-key-pair'],
    ['PGP_PUBLIC_KEY_SECRET', 'pgp-public-key'],
  ] as const) {
    const target = targetOf(anyRaw(variable));
    if (!target) continue;
    const arn = cfn.ref(target);
    secrets.push({ arn, name: arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? arn, holds });
  }

  const queues = ofType('AWS::SQS::Queue').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    return {
      url: cfn.ref(logicalId),
      arn: cfn.getAtt(logicalId, 'Arn'),
      fifo: props.FifoQueue === true,
      contentBasedDeduplication: props.ContentBasedDeduplication === true,
      ...(props.KmsMasterKeyId
        ? { kmsKeyArn: cfn.resolveString(props.KmsMasterKeyId, `${logicalId}.Kms`) }
        : {}),
    };
  });

  const buckets: CloudBucket[] = ofType('AWS::S3::Bucket').map(([logicalId, resource]) => {
    const rules = ((
      resource.Properties?.BucketEncryption as
        | { ServerSideEncryptionConfiguration?: Record<string, unknown>[] }
        | undefined
    )?.ServerSideEncryptionConfiguration ?? []) as {
      BucketKeyEnabled?: boolean;
      ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown };
    }[];
    const rule = rules[0];
    const kmsKey = rule?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
    return {
      logicalId,
      name: cfn.ref(logicalId),
      arn: cfn.getAtt(logicalId, 'Arn'),
      ...(kmsKey ? { kmsKeyArn: cfn.resolveString(kmsKey, `${logicalId}.SSE`) } : {}),
      bucketKey: rule?.BucketKeyEnabled === true,
    };
  });

  const identities = ofType('AWS::SES::EmailIdentity').map(([logicalId, resource]) => {
    const identity = cfn.ref(logicalId);
    const set = (
      resource.Properties?.ConfigurationSetAttributes as { ConfigurationSetName?: unknown } | undefined
    )?.ConfigurationSetName;
    const { region, account, partition } = full;
    return {
      identity,
      arn: `arn:${partition}:ses:${region}:${account}:identity/${identity}`,
      ...(set
        ? {
            configurationSetArn: `arn:${partition}:ses:${region}:${account}:configuration-set/${cfn.resolveString(set, logicalId)}`,
          }
        : {}),
    };
  });

  const variables = new Map<string, Set<string>>();
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      const values = variables.get(name) ?? new Set<string>();
      values.add(value);
      variables.set(name, values);
    }
  }

  const permissionsOf = (source: CfnTemplate, resolver: CfnResolver): LambdaPermission[] =>
    Object.entries(source.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
      .map(([logicalId, r]) => {
        const props = r.Properties ?? {};
        const target = resolver.resolveString(props.FunctionName, `${logicalId}.FunctionName`);
        const fn = functions.find((f) => f.arn === target || f.name === target);
        return {
          functionArn: fn?.arn ?? target,
          principal: String(props.Principal),
          action: String(props.Action),
          ...(props.SourceArn
            ? { sourceArn: resolver.resolveString(props.SourceArn, `${logicalId}.SourceArn`) }
            : {}),
        };
      });

  let api: CloudApi | undefined;
  if (apiTemplate && apiCfn) {
    const apiResolver = apiCfn;
    const apiResources = apiTemplate.Resources;
    const apiOfType = (type: string) => Object.entries(apiResources).filter(([, r]) => r.Type === type);
    const [restApi] = apiOfType('AWS::ApiGateway::RestApi');
    const [stage] = apiOfType('AWS::ApiGateway::Stage');
    if (!restApi || !stage) throw new Error('The API stack has no RestApi or no Stage');
    const pathOf = (logicalId: string): string => {
      const props = apiResources[logicalId]?.Properties ?? {};
      const parent = targetOf(props.ParentId);
      const prefix = !parent || parent === restApi[0] ? '' : pathOf(parent);
      return `${prefix}/${String(props.PathPart)}`;
    };
    const authorizers: ApiAuthorizer[] = apiOfType('AWS::ApiGateway::Authorizer').map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      const uri = apiResolver.resolveString(props.AuthorizerUri, `${logicalId}.AuthorizerUri`);
      return {
        id: apiResolver.ref(logicalId),
        logicalId,
        functionArn: /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri,
        ...(typeof props.IdentityValidationExpression === 'string'
          ? { identityValidation: props.IdentityValidationExpression }
          : {}),
        ttlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
      };
    });
    const methods: ApiMethod[] = apiOfType('AWS::ApiGateway::Method')
      .filter(([, r]) => r.Properties?.HttpMethod !== 'OPTIONS')
      .map(([logicalId, r]) => {
        const props = r.Properties ?? {};
        const integration = props.Integration as { Uri?: unknown } | undefined;
        const uri = integration?.Uri ? apiResolver.resolveString(integration.Uri, `${logicalId}.Uri`) : '';
        const authorizer = authorizers.find((a) => a.logicalId === targetOf(props.AuthorizerId));
        return {
          method: String(props.HttpMethod),
          path: pathOf(targetOf(props.ResourceId) ?? ''),
          functionArn: /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri,
          authorization: String(props.AuthorizationType ?? 'NONE'),
          ...(authorizer ? { authorizer } : {}),
        };
      });
    api = {
      apiId: apiResolver.ref(restApi[0]),
      stage: apiResolver.ref(stage[0]),
      methods,
      authorizers,
      permissions: [...permissionsOf(template, cfn), ...permissionsOf(apiTemplate, apiResolver)],
    };
  }

  return {
    deployment: full,
    ...(api ? { api } : {}),
    functions,
    stateMachines,
    tables,
    buckets,
    keys: {
      signing: cfn.resolveString(anyRaw('SIGNING_KEY_ID'), 'SIGNING_KEY_ID'),
      data: cfn.resolveString(anyRaw('DATA_KEY_ID'), 'DATA_KEY_ID'),
    },
    userPool: pool('USER_POOL_ID', 'USER_POOL_CLIENT_ID'),
    adminPool: pool('ADMIN_POOL_ID', 'ADMIN_POOL_CLIENT_ID'),
    secrets,
    queues,
    mail: { from: String(anyRaw('MAIL_FROM')), identities },
    variables,
  };
}

/** lib/workflows.ts names each state machine's construct `Workflows/<workflow name>`. */
function workflowOf(logicalId: string): WorkflowName {
  const found = WORKFLOW_NAMES.find((name) => logicalId.startsWith(`Workflows${name.replace(/-/g, '')}`));
  if (!found) throw new Error(`State machine ${logicalId} is no workflow of the catalogue`);
  return found;
}
