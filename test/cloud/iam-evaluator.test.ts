// The harness's IAM evaluator and CloudFormation resolver on their own (I2): the rules every recorded call is
// judged by, so a green journey means what docs/cloud-fidelity.md says it means.
import { describe, expect, it } from 'vitest';
import { CfnResolver } from './harness/cfn.js';
import {
  type AuthzRequest,
  evaluate,
  type PolicyStatement,
  UnsupportedCondition,
  wildcardMatch,
} from './harness/iam.js';

const request = (action: string, resource: string, context: AuthzRequest['context'] = {}): AuthzRequest => ({
  action,
  resource,
  context,
});
const allowed = (statements: PolicyStatement[], r: AuthzRequest) => evaluate(statements, r).allowed;

const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Palisade-DataAccounts-ABC';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123';

describe('I2 the IAM evaluator of the cloud harness', () => {
  it('I2 allows only what a statement allows; an explicit Deny wins over any Allow', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      { Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:aws:sns:*:*:*' },
    ];
    expect(allowed(statements, request('dynamodb:GetItem', TABLE))).toBe(true);
    expect(evaluate(statements, request('dynamodb:PutItem', TABLE))).toEqual({
      allowed: false,
      reason: 'implicit-deny',
    });
    expect(allowed(statements, request('dynamodb:GetItem', `${TABLE}/index/byTarget`))).toBe(false);
    // SMS to a phone number has no resource ("*"): the Allow applies, the Deny on topic ARNs does not.
    expect(allowed(statements, request('sns:Publish', '*'))).toBe(true);
    expect(
      evaluate(statements, request('sns:Publish', 'arn:aws:sns:eu-west-1:123456789012:alarms')),
    ).toMatchObject({
      allowed: false,
      reason: 'explicit-deny',
    });
  });

  it('I2 action wildcards match case-insensitively, resource wildcards span ":" and "/" case-sensitively', () => {
    expect(
      allowed(
        [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
        request('dynamodb:TransactWriteItems', TABLE),
      ),
    ).toBe(true);
    expect(
      allowed([{ Effect: 'Allow', Action: 'kms:Get*', Resource: KEY }], request('kms:GetPublicKey', KEY)),
    ).toBe(true);
    expect(allowed([{ Effect: 'Allow', Action: 'kms:Get*', Resource: KEY }], request('kms:Sign', KEY))).toBe(
      false,
    );
    expect(allowed([{ Effect: 'Allow', Action: 'KMS:sign', Resource: KEY }], request('kms:Sign', KEY))).toBe(
      true,
    );
    expect(
      allowed(
        [{ Effect: 'Allow', Action: '*', Resource: `${TABLE}*` }],
        request('dynamodb:Query', `${TABLE}/index/byActor`),
      ),
    ).toBe(true);
    expect(
      allowed(
        [{ Effect: 'Allow', Action: '*', Resource: TABLE.toLowerCase() }],
        request('dynamodb:Query', TABLE),
      ),
    ).toBe(false);
    expect(
      wildcardMatch(
        'arn:aws:lambda:*:*:function:Palisade-?ogin',
        'arn:aws:lambda:eu-west-1:1:function:Palisade-Login',
      ),
    ).toBe(true);
    expect(allowed([{ Effect: 'Allow', NotAction: 'kms:*', Resource: '*' }], request('kms:Sign', KEY))).toBe(
      false,
    );
    expect(
      allowed([{ Effect: 'Allow', Action: 'kms:Sign', NotResource: KEY }], request('kms:Sign', KEY)),
    ).toBe(false);
  });

  it("I2 the conditions the grants rely on: the data key's purpose, DynamoDB as the only way to the table key, leading keys", () => {
    const purpose: PolicyStatement = {
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: KEY,
      Condition: { StringEquals: { 'kms:EncryptionContext:palisade:purpose': 'field-group' } },
    };
    expect(
      allowed(
        [purpose],
        request('kms:Decrypt', KEY, { 'kms:EncryptionContext:palisade:purpose': 'field-group' }),
      ),
    ).toBe(true);
    expect(
      allowed(
        [purpose],
        request('kms:Decrypt', KEY, { 'kms:EncryptionContext:palisade:purpose': 'blind-index-key' }),
      ),
    ).toBe(false);
    expect(allowed([purpose], request('kms:Decrypt', KEY))).toBe(false);
    // Condition keys are case-insensitive, their values are not.
    expect(
      allowed(
        [purpose],
        request('kms:Decrypt', KEY, { 'KMS:EncryptionContext:palisade:purpose': 'field-group' }),
      ),
    ).toBe(true);
    expect(
      allowed(
        [purpose],
        request('kms:Decrypt', KEY, { 'kms:EncryptionContext:palisade:purpose': 'Field-Group' }),
      ),
    ).toBe(false);

    const via: PolicyStatement = {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    };
    expect(
      allowed([via], request('kms:Decrypt', KEY, { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' })),
    ).toBe(true);
    expect(allowed([via], request('kms:Decrypt', KEY))).toBe(false);

    const leading: PolicyStatement = {
      Effect: 'Allow',
      Action: 'dynamodb:*',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] } },
    };
    expect(
      allowed([leading], request('dynamodb:GetItem', TABLE, { 'dynamodb:LeadingKeys': ['USER#u-1'] })),
    ).toBe(true);
    expect(
      allowed(
        [leading],
        request('dynamodb:GetItem', TABLE, { 'dynamodb:LeadingKeys': ['USER#u-1', 'ADMIN#a'] }),
      ),
    ).toBe(false);
  });

  it('I2 IfExists, Null, Bool, negated and set operators; an operator it does not model fails loudly', () => {
    const s = (Condition: PolicyStatement['Condition']): PolicyStatement[] => [
      { Effect: 'Allow', Action: '*', Resource: '*', Condition },
    ];
    expect(
      allowed(s({ StringEqualsIfExists: { 'ses:FromAddress': 'a@x' } }), request('ses:SendEmail', '*')),
    ).toBe(true);
    expect(
      allowed(
        s({ StringEqualsIfExists: { 'ses:FromAddress': 'a@x' } }),
        request('ses:SendEmail', '*', { 'ses:FromAddress': 'b@x' }),
      ),
    ).toBe(false);
    expect(allowed(s({ StringNotEquals: { 'ses:FromAddress': 'a@x' } }), request('ses:SendEmail', '*'))).toBe(
      true,
    );
    expect(allowed(s({ Null: { 'kms:ViaService': 'true' } }), request('kms:Sign', KEY))).toBe(true);
    expect(allowed(s({ Null: { 'kms:ViaService': 'false' } }), request('kms:Sign', KEY))).toBe(false);
    expect(
      allowed(
        s({ Bool: { 'aws:SecureTransport': 'true' } }),
        request('kms:Sign', KEY, { 'aws:SecureTransport': 'true' }),
      ),
    ).toBe(true);
    expect(
      allowed(
        s({ 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['palisade:purpose'] } }),
        request('kms:Decrypt', KEY, { 'kms:EncryptionContextKeys': ['x', 'palisade:purpose'] }),
      ),
    ).toBe(true);
    expect(() =>
      allowed(s({ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01' } }), request('kms:Sign', KEY)),
    ).toThrow(UnsupportedCondition);
  });
});

describe('I2 the CloudFormation resolver of the cloud harness', () => {
  const resolver = new CfnResolver(
    {
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table' },
        Key: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } },
        Pool: { Type: 'AWS::Cognito::UserPool' },
        Fn: { Type: 'AWS::Lambda::Function' },
        Secret: { Type: 'AWS::SecretsManager::Secret' },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
        Machine: { Type: 'AWS::StepFunctions::StateMachine' },
      },
    },
    { stackName: 'Palisade', region: 'eu-west-1', account: '123456789012', partition: 'aws' },
  );

  it('I2 resolves Ref, GetAtt, Join, Sub and Select to names in the formats AWS generates, the same every time', () => {
    expect(resolver.ref('Table')).toMatch(/^Palisade-Table-[A-Z0-9]{13}$/);
    expect(resolver.getAtt('Key', 'Arn')).toMatch(
      /^arn:aws:kms:eu-west-1:123456789012:key\/mrk-[0-9a-f]{32}$/,
    );
    expect(resolver.ref('Pool')).toMatch(/^eu-west-1_[0-9A-Za-z]{9}$/);
    expect(resolver.getAtt('Fn', 'Arn')).toBe(
      `arn:aws:lambda:eu-west-1:123456789012:function:${resolver.ref('Fn')}`,
    );
    expect(resolver.ref('Secret')).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:Secret-\w+-\w{6}$/,
    );
    expect(resolver.ref('Queue')).toMatch(
      /^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/Palisade-Queue-\w+\.fifo$/,
    );
    expect(resolver.ref('Machine')).toBe(resolver.getAtt('Machine', 'Arn'));
    expect(
      resolver.resolve(
        { 'Fn::Join': ['', ['{"t":"', { Ref: 'Table' }, '","r":"', { Ref: 'AWS::Region' }, '"}']] },
        'x',
      ),
    ).toBe(`{"t":"${resolver.ref('Table')}","r":"eu-west-1"}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own placeholders
    expect(resolver.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${Table}:${Key.Arn}' }, 'x')).toBe(
      `arn:aws:x:${resolver.ref('Table')}:${resolver.getAtt('Key', 'Arn')}`,
    );
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, 'x')).toBe('b');
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' }, 'Env.X')).toThrow(
      /Env.X: the harness does not resolve Fn::ImportValue/,
    );
  });
});
