// CloudFormation tokens → the concrete values a deployment would give them: Ref, Fn::GetAtt, Fn::Join,
// Fn::Sub, Fn::Select, Fn::Split and the pseudo parameters, over physical names in the formats AWS generates
// (`<stack>-<logicalId>-<suffix>` tables and functions, `<region>_<id>` user pools, `mrk-…` multi-Region keys,
// secret ARNs with their six-character suffix, queue URLs). Deterministic: one logical id, one name.
import { createHash } from 'node:crypto';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface ResolverOptions {
  /** A nested stack's parameters: name → its value, resolved in the parent stack (lazily). */
  parameters?: Record<string, () => string>;
  /** The resolver of a nested stack resource (`Fn::GetAtt [<stack>, Outputs.<name>]`). */
  nested?: (logicalId: string) => CfnResolver | undefined;
}

export interface Deployment {
  stackName: string;
  region: string;
  account: string;
  partition: string;
}

/** The account the harness "deploys" to: any twelve digits do; this one is easy to spot in a report. */
export const HARNESS_ACCOUNT = '123456789012';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Characters drawn from a hash of the logical id: the same template always resolves the same way. */
function drawn(seed: string, length: number, alphabet: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i % bytes.length] as number) % alphabet.length];
  return out;
}

const hex = (seed: string, length: number) =>
  createHash('sha256').update(seed).digest('hex').slice(0, length);

const uuidOf = (seed: string) => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** What a resource resolves to: its Ref and its attributes. */
interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

export class CfnResolver {
  private readonly physical = new Map<string, Physical>();

  constructor(
    readonly template: CfnTemplate,
    readonly deployment: Deployment,
    private readonly options: ResolverOptions = {},
  ) {}

  private arn(service: string, resource: string, region = this.deployment.region): string {
    const { partition, account } = this.deployment;
    return `arn:${partition}:${service}:${region}:${account}:${resource}`;
  }

  /** `<stack>-<logicalId>-<suffix>`, the logical id cut so that the whole fits `max` characters. */
  private generatedName(logicalId: string, max: number, suffixLength = 12): string {
    const suffix = drawn(`suffix:${logicalId}`, suffixLength, ALNUM);
    const room = max - this.deployment.stackName.length - suffixLength - 2;
    return `${this.deployment.stackName}-${logicalId.slice(0, Math.max(1, room))}-${suffix}`;
  }

  physicalOf(logicalId: string): Physical {
    const known = this.physical.get(logicalId);
    if (known) return known;
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`No resource ${logicalId} in the template`);
    const made = this.make(logicalId, resource);
    this.physical.set(logicalId, made);
    return made;
  }

  private make(logicalId: string, resource: CfnResource): Physical {
    const props = resource.Properties ?? {};
    const named = (key: string) => (typeof props[key] === 'string' ? (props[key] as string) : undefined);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = named('TableName') ?? this.generatedName(logicalId, 255, 13);
        const arn = this.arn('dynamodb', `table/${name}`);
        return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/2030-01-01T00:00:00.000` } };
      }
      case 'AWS::KMS::Key': {
        const id = props.MultiRegion === true ? `mrk-${hex(`key:${logicalId}`, 32)}` : uuidOf(logicalId);
        return { ref: id, attributes: { Arn: this.arn('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::Cognito::UserPool': {
        const id = `${this.deployment.region}_${drawn(`pool:${logicalId}`, 9, ALNUM + LOWER_ALNUM)}`;
        const provider = `cognito-idp.${this.deployment.region}.amazonaws.com/${id}`;
        return {
          ref: id,
          attributes: {
            Arn: this.arn('cognito-idp', `userpool/${id}`),
            ProviderName: provider,
            ProviderURL: `https://${provider}`,
            UserPoolId: id,
          },
        };
      }
      case 'AWS::Cognito::UserPoolClient': {
        const id = drawn(`client:${logicalId}`, 26, LOWER_ALNUM);
        return { ref: id, attributes: { ClientId: id } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName') ?? this.generatedName(logicalId, 64);
        return { ref: name, attributes: { Arn: this.arn('lambda', `function:${name}`) } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = named('StateMachineName') ?? `${logicalId}-${drawn(`sm:${logicalId}`, 12, ALNUM)}`;
        const arn = this.arn('states', `stateMachine:${name}`);
        return { ref: arn, attributes: { Arn: arn, Name: name } };
      }
      case 'AWS::SecretsManager::Secret': {
        const name =
          named('Name') ?? `${logicalId}-${drawn(`secret-name:${logicalId}`, 12, ALNUM + LOWER_ALNUM)}`;
        const arn = this.arn(
          'secretsmanager',
          `secret:${name}-${drawn(`secret:${logicalId}`, 6, ALNUM + LOWER_ALNUM)}`,
        );
        return { ref: arn, attributes: { Id: arn, Arn: arn } };
      }
      case 'AWS::SQS::Queue': {
        const fifo = props.FifoQueue === true;
        const name =
          named('QueueName') ?? `${this.generatedName(logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
        const url = `https://sqs.${this.deployment.region}.amazonaws.com/${this.deployment.account}/${name}`;
        return { ref: url, attributes: { Arn: this.arn('sqs', name), QueueName: name, QueueUrl: url } };
      }
      case 'AWS::SNS::Topic': {
        const name = named('TopicName') ?? this.generatedName(logicalId, 256);
        const arn = this.arn('sns', name);
        return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName') ?? this.generatedName(logicalId, 512);
        return { ref: name, attributes: { Arn: this.arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::IAM::Role': {
        const name = named('RoleName') ?? this.generatedName(logicalId, 64);
        const { partition, account } = this.deployment;
        return {
          ref: name,
          attributes: {
            Arn: `arn:${partition}:iam::${account}:role/${name}`,
            RoleId: `AROA${drawn(logicalId, 17, ALNUM)}`,
          },
        };
      }
      case 'AWS::ApiGateway::RestApi': {
        const id = drawn(`api:${logicalId}`, 10, LOWER_ALNUM);
        return {
          ref: id,
          attributes: { RestApiId: id, RootResourceId: drawn(`root:${logicalId}`, 10, LOWER_ALNUM) },
        };
      }
      case 'AWS::ApiGateway::Stage':
        return { ref: named('StageName') ?? 'prod', attributes: {} };
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Authorizer':
      case 'AWS::ApiGateway::Deployment': {
        const id = drawn(`id:${logicalId}`, 6, LOWER_ALNUM);
        return { ref: id, attributes: { ResourceId: id, AuthorizerId: id, DeploymentId: id } };
      }
      case 'AWS::S3::Bucket': {
        // CloudFormation's generated bucket names: lower case, at most 63 characters.
        const name =
          named('BucketName') ??
          `${this.deployment.stackName}-${logicalId.slice(0, 30)}-${drawn(`bucket:${logicalId}`, 12, LOWER_ALNUM)}`.toLowerCase();
        const { partition, region } = this.deployment;
        return {
          ref: name,
          attributes: {
            Arn: `arn:${partition}:s3:::${name}`,
            DomainName: `${name}.s3.amazonaws.com`,
            RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
          },
        };
      }
      case 'AWS::SES::EmailIdentity':
        return { ref: String(props.EmailIdentity), attributes: {} };
      case 'AWS::SES::ConfigurationSet':
        return { ref: named('Name') ?? this.generatedName(logicalId, 64), attributes: {} };
      default: {
        const name = this.generatedName(logicalId, 128);
        return { ref: name, attributes: { Arn: this.arn('unmodelled', `${resource.Type}/${name}`) } };
      }
    }
  }

  ref(name: string): string {
    const { region, account, partition, stackName } = this.deployment;
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${uuidOf(stackName)}`;
    }
    const parameter = this.options.parameters?.[name];
    if (parameter) return parameter();
    return this.physicalOf(name).ref;
  }

  getAtt(logicalId: string, attribute: string): string {
    if (attribute.startsWith('Outputs.')) {
      const nested = this.options.nested?.(logicalId);
      const output = nested?.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!nested || !output) throw new Error(`The harness does not know ${logicalId}.${attribute}`);
      return nested.resolveString(output.Value, `${logicalId}.${attribute}`);
    }
    const value = this.physicalOf(logicalId).attributes[attribute];
    if (value === undefined) {
      throw new Error(
        `The harness does not know ${logicalId}.${attribute} (${this.template.Resources[logicalId]?.Type})`,
      );
    }
    return value;
  }

  /** A value of the template with every intrinsic function resolved; `where` names it in errors. */
  resolve(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], where);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
  }

  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved !== 'string') throw new Error(`${where} does not resolve to a string`);
    return resolved;
  }

  private intrinsic(name: string, args: unknown, where: string): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(args));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(args) ? args : String(args).split('.');
        return this.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown[]];
        return (this.resolve(parts, where) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = args as [unknown, unknown];
        return (this.resolve(list, where) as unknown[])[Number(this.resolve(index, where))];
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        return this.resolveString(source, where).split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = (Array.isArray(args) ? args : [args, {}]) as [
          string,
          Record<string, unknown>,
        ];
        return text.replace(/\$\{([^}]+)\}/g, (_, ref: string) => {
          if (ref in variables) return this.resolveString(variables[ref], `${where}.${ref}`);
          const [logicalId, attribute] = ref.split('.');
          return attribute ? this.getAtt(logicalId as string, attribute) : this.ref(ref);
        });
      }
      default:
        throw new Error(`${where}: the harness does not resolve ${name}`);
    }
  }
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` value points at, if it is one. */
export function targetOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  return undefined;
}
