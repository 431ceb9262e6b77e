// The synthesised template as a deployment would make it concrete: every function with its resolved
// environment and its role's statements, every state machine with its role and task functions, and the
// resources functions reach (tables, keys, pools, secrets, the custody queue, the mail identity).
import { WORKFLOW_NAMES, type WorkflowName } from '../../../lambdas/kernel/ports/workflows.js';
import { TABLES, type TableId } from '../../../lambdas/kernel/tables.js';
import {
  CfnResolver,
  type CfnResource,
  type CfnTemplate,
  type Deployment,
  HARNESS_ACCOUNT,
  targetOf,
} from './cfn.js';
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
  secrets: {
    arn: string;
    name: string;
    holds: 'pgp-key-pair' | 'pgp-public-key' | 'kyc-provider' | 'kyc-webhook';
  }[];
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
  /** The REST API (of the nested stack Http), when the deployment has one. */
  api?: CloudApi;
}

const DESCRIPTION = /^Palisade (\S+) \((.+)\)$/;

/** One stack of the deployment (the primary or a nested one): its template and its resolver. */
interface StackPart {
  template: CfnTemplate;
  cfn: CfnResolver;
  /** The stack that holds this one, with this one's logical id there. */
  parent?: { part: StackPart; logicalId: string };
}

/** A resource of the deployment: the stack that holds it and its logical id there. */
interface Located {
  part: StackPart;
  logicalId: string;
}

/**
 * The primary template and its nested ones (nested stack logical id → template; a nested template's own nested
 * stacks are looked up in the same map). Each nested stack gets its parameters as its parent resolves them, and
 * `Fn::GetAtt [<nested stack>, Outputs.<name>]` resolves in the nested stack.
 */
function stackParts(
  template: CfnTemplate,
  deployment: Deployment,
  nestedTemplates: Readonly<Record<string, CfnTemplate>>,
): StackPart[] {
  const parts: StackPart[] = [];
  const build = (
    source: CfnTemplate,
    stackName: string,
    parent?: { part: StackPart; logicalId: string },
  ): StackPart => {
    const children = new Map<string, StackPart>();
    const raw = (parent?.part.template.Resources[parent.logicalId]?.Properties?.Parameters ?? {}) as Record<
      string,
      unknown
    >;
    const part: StackPart = {
      template: source,
      cfn: new CfnResolver(
        source,
        { ...deployment, stackName },
        {
          parameters: Object.fromEntries(
            Object.entries(raw).map(([name, value]) => [
              name,
              () => (parent as { part: StackPart }).part.cfn.resolveString(value, name),
            ]),
          ),
          nested: (logicalId) => children.get(logicalId)?.cfn,
        },
      ),
      ...(parent ? { parent } : {}),
    };
    parts.push(part);
    for (const [logicalId, resource] of Object.entries(source.Resources)) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const nested = nestedTemplates[logicalId];
      if (!nested) continue;
      children.set(logicalId, build(nested, part.cfn.ref(logicalId), { part, logicalId }));
    }
    return part;
  };
  build(template, deployment.stackName);
  return parts;
}

/**
 * The resource a value of `part` names: through a nested stack's parameter to the value its parent gives it,
 * and through a nested stack's output to the value of that output.
 */
function locate(parts: readonly StackPart[], part: StackPart, value: unknown): Located | undefined {
  const getAtt = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && String(getAtt[1]).startsWith('Outputs.')) {
    const child = parts.find((p) => p.parent?.part === part && p.parent.logicalId === String(getAtt[0]));
    const output = child?.template.Outputs?.[String(getAtt[1]).slice('Outputs.'.length)];
    return child && output ? locate(parts, child, output.Value) : undefined;
  }
  const target = targetOf(value);
  if (!target) return undefined;
  if (part.template.Parameters?.[target] !== undefined && part.parent) {
    const { part: parent, logicalId } = part.parent;
    const given = (parent.template.Resources[logicalId]?.Properties?.Parameters ?? {}) as Record<
      string,
      unknown
    >;
    return locate(parts, parent, given[target]);
  }
  return part.template.Resources[target] ? { part, logicalId: target } : undefined;
}

export function cloudModel(
  template: CfnTemplate,
  deployment: Omit<Deployment, 'account' | 'partition'> & Partial<Deployment>,
  nestedTemplates: Readonly<Record<string, CfnTemplate>> = {},
): CloudModel {
  const full: Deployment = { account: HARNESS_ACCOUNT, partition: 'aws', ...deployment };
  const parts = stackParts(template, full, nestedTemplates);
  const ofType = (type: string): [string, CfnResource, StackPart][] =>
    parts.flatMap((part) =>
      Object.entries(part.template.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId, r]) => [logicalId, r, part] as [string, CfnResource, StackPart]),
    );

  const statementsOf = ({ part, logicalId: roleLogicalId }: Located): PolicyStatement[] => {
    const { cfn } = part;
    const statements: PolicyStatement[] = [];
    for (const [policyId, policy] of Object.entries(part.template.Resources)) {
      if (policy.Type !== 'AWS::IAM::Policy') continue;
      const roles = (policy.Properties?.Roles ?? []) as unknown[];
      if (!roles.some((r) => targetOf(r) === roleLogicalId)) continue;
      const document = policy.Properties?.PolicyDocument as { Statement: unknown[] };
      statements.push(...(cfn.resolve(document.Statement, `${policyId}.Statement`) as PolicyStatement[]));
    }
    const role = part.template.Resources[roleLogicalId];
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
  const rawEnvironments = new Map<string, { raw: Record<string, unknown>; part: StackPart }>();
  for (const [logicalId, resource, part] of ofType('AWS::Lambda::Function')) {
    const { cfn } = part;
    const props = resource.Properties ?? {};
    const match = DESCRIPTION.exec(String(props.Description ?? ''));
    if (!match) continue;
    const [, id, entry] = match as unknown as [string, string, string];
    const raw = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    rawEnvironments.set(id, { raw, part });
    const roleLogicalId = targetOf(props.Role);
    if (!roleLogicalId || !part.template.Resources[roleLogicalId])
      throw new Error(`${logicalId}: the role is not a resource of the template`);
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
      statements: statementsOf({ part, logicalId: roleLogicalId }),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memorySize: Number(props.MemorySize ?? 128),
      logGroup: logging?.LogGroup
        ? cfn.resolveString(logging.LogGroup, `${id}.LogGroup`)
        : `/aws/lambda/${cfn.ref(logicalId)}`,
    });
  }
  const byArn = new Map(functions.map((f) => [f.arn, f]));

  const stateMachines: CloudStateMachine[] = [];
  for (const [logicalId, resource, part] of ofType('AWS::StepFunctions::StateMachine')) {
    const { cfn } = part;
    const props = resource.Properties ?? {};
    const roleLogicalId = targetOf(props.RoleArn);
    if (!roleLogicalId || !part.template.Resources[roleLogicalId])
      throw new Error(`${logicalId}: the role is not a resource of the template`);
    const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    const tasks: Record<string, CloudFunction> = {};
    for (const [key, value] of Object.entries(substitutions)) {
      // A task's function by its ARN, wherever it lives (this stack or another, through parameters).
      const fn = byArn.get(cfn.resolveString(value, `${logicalId}.${key}`));
      if (fn) tasks[key] = fn;
    }
    stateMachines.push({
      workflow: workflowOf(logicalId),
      logicalId,
      name: cfn.getAtt(logicalId, 'Name'),
      arn: cfn.getAtt(logicalId, 'Arn'),
      roleName: cfn.ref(roleLogicalId),
      statements: statementsOf({ part, logicalId: roleLogicalId }),
      tasks,
    });
  }

  // The resources, found through the variables that name them (one raw environment holds them all).
  const anyRaw = (name: string): { value: unknown; part: StackPart } | undefined => {
    for (const { raw, part } of rawEnvironments.values())
      if (raw[name] !== undefined) return { value: raw[name], part };
    return undefined;
  };
  const locateVariable = (name: string): Located | undefined => {
    const found = anyRaw(name);
    return found ? locate(parts, found.part, found.value) : undefined;
  };
  const logicalOf = (name: string): Located => {
    const target = locateVariable(name);
    if (!target) throw new Error(`No function of the template has ${name} as a reference to a resource`);
    return target;
  };
  const resolveVariable = (name: string): string => {
    const found = anyRaw(name);
    if (!found) throw new Error(`No function of the template has ${name}`);
    return found.part.cfn.resolveString(found.value, name);
  };

  const tables: CloudTable[] = (Object.keys(TABLES) as TableId[]).map((id) => {
    const { part, logicalId } = logicalOf(TABLES[id].envVar);
    const { cfn } = part;
    const sse = part.template.Resources[logicalId]?.Properties?.SSESpecification as
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
    const { part, logicalId } = logicalOf(idVar);
    const { part: clientPart, logicalId: clientLogicalId } = logicalOf(clientVar);
    const props = part.template.Resources[logicalId]?.Properties ?? {};
    const clientProps = clientPart.template.Resources[clientLogicalId]?.Properties ?? {};
    return {
      id: part.cfn.ref(logicalId),
      clientId: clientPart.cfn.ref(clientLogicalId),
      arn: part.cfn.getAtt(logicalId, 'Arn'),
      authFlows: (clientProps.ExplicitAuthFlows ?? []) as string[],
      passwordPolicy:
        (props.Policies as { PasswordPolicy?: PasswordPolicy } | undefined)?.PasswordPolicy ?? {},
      mfa: String(props.MfaConfiguration ?? 'OFF'),
      refreshRotation:
        (clientProps.RefreshTokenRotation as { Feature?: string } | undefined)?.Feature === 'ENABLED',
    };
  };

  const secrets: CloudModel['secrets'] = [];
  for (const [variable, holds] of [
    ['PGP_KEY_SECRET', 'pgp-key-pair'],
    ['PGP_PUBLIC_KEY_SECRET', 'pgp-public-key'],
    ['KYC_PROVIDER_SECRET', 'kyc-provider'],
    ['KYC_WEBHOOK_SECRET', 'kyc-webhook'],
  ] as const) {
    const target = locateVariable(variable);
    if (!target) continue;
    const arn = target.part.cfn.ref(target.logicalId);
    secrets.push({ arn, name: arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? arn, holds });
  }

  const queues = ofType('AWS::SQS::Queue').map(([logicalId, resource, { cfn }]) => {
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

  const buckets: CloudBucket[] = ofType('AWS::S3::Bucket').map(([logicalId, resource, { cfn }]) => {
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

  const identities = ofType('AWS::SES::EmailIdentity').map(([logicalId, resource, { cfn }]) => {
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

  const permissions: LambdaPermission[] = ofType('AWS::Lambda::Permission').map(([logicalId, r, { cfn }]) => {
    const props = r.Properties ?? {};
    const target = cfn.resolveString(props.FunctionName, `${logicalId}.FunctionName`);
    const fn = functions.find((f) => f.arn === target || f.name === target);
    return {
      functionArn: fn?.arn ?? target,
      principal: String(props.Principal),
      action: String(props.Action),
      ...(props.SourceArn ? { sourceArn: cfn.resolveString(props.SourceArn, `${logicalId}.SourceArn`) } : {}),
    };
  });

  let api: CloudApi | undefined;
  const [restApi] = ofType('AWS::ApiGateway::RestApi');
  if (restApi) {
    const apiPart = restApi[2];
    const apiResolver = apiPart.cfn;
    const apiResources = apiPart.template.Resources;
    const apiOfType = (type: string) => Object.entries(apiResources).filter(([, r]) => r.Type === type);
    const [stage] = apiOfType('AWS::ApiGateway::Stage');
    if (!stage) throw new Error('The API stack has no Stage');
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
      permissions,
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
      signing: resolveVariable('SIGNING_KEY_ID'),
      data: resolveVariable('DATA_KEY_ID'),
    },
    userPool: pool('USER_POOL_ID', 'USER_POOL_CLIENT_ID'),
    adminPool: pool('ADMIN_POOL_ID', 'ADMIN_POOL_CLIENT_ID'),
    secrets,
    queues,
    mail: { from: String(anyRaw('MAIL_FROM')?.value), identities },
    variables,
  };
}

/** lib/workflows.ts names each state machine's construct `Workflows/<workflow name>`. */
function workflowOf(logicalId: string): WorkflowName {
  const found = WORKFLOW_NAMES.find((name) => logicalId.startsWith(`Workflows${name.replace(/-/g, '')}`));
  if (!found) throw new Error(`State machine ${logicalId} is no workflow of the catalogue`);
  return found;
}
