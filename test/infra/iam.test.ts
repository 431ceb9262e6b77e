// Infra tests of least privilege: every catalogue function's role holds exactly the statements its Access
// list maps to, on its own resources only; "*" carries nothing but X-Ray (and the two answers nothing else can
// scope); only AnswerTask answers or reads task tokens; workflows invoke only their tasks.
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Access,
  ANSWER_TASK,
  allFunctions,
  DEPLOY_FUNCTIONS,
  type FunctionSpec,
  INTEGRITY_ALARM,
  SIGNED_READS,
  WORKFLOWS,
} from '../../lambdas/catalogue.js';
import {
  SCREENING_ROSTER_PARTITION_PREFIX,
  TASK_TOKEN_PARTITION_PREFIX,
} from '../../lambdas/kernel/tables.js';
import { ANSWER_TASK_READS } from '../../lib/grants/data.js';
import {
  actionsOf,
  getAttArn,
  logicalId,
  ref,
  resourcesOf,
  roleStatements,
  type Statement,
  type Synthesised,
  sharedSynth,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const SNS_ARNS = 'arn:aws:sns:*:*:*';
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
/** E1: the writes denied on the head ledger's partitions (a put only when it carries more than the key). */
const HEAD_FENCED = TABLE_WRITE;

/** action + resource pairs, so an action on the wrong resource is as visible as a missing one. */
const pairs = (actions: string[], resources: unknown[]) =>
  actions.flatMap((a) => resources.map((r) => `${a} ${JSON.stringify(r)}`));

/** What each Access may reach, in template terms: the least-privilege specification. */
function expectedPairs(spec: FunctionSpec): Set<string> {
  const { data, identity, messaging } = s.primary;
  const fn = s.primary.functions.get(spec.id);
  if (!fn) throw new Error(`function ${spec.id} was not built`);
  const table = [getAttArn(data.accounts)];
  const audit = getAttArn(data.tables.audit);
  const auditIndexes = ['byTarget', 'byActor'].map((name) => ({
    'Fn::Join': ['', [audit, `/index/${name}`]],
  }));
  const tableKey = [getAttArn(data.tableKey)];
  const signingKey = [getAttArn(data.signingKey)];
  const tableKeyWrite = pairs(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], tableKey);
  const checkpoints = data.checkpoints;
  const checkpointObjects = s.primary.resolve(checkpoints.objectsArn);
  const lists = data.screeningLists;
  const listObjects = s.primary.resolve(lists.objectsArn);
  const incomingObjects = s.primary.resolve(lists.incomingArn);
  const kycObjects = s.primary.resolve(data.kycDocuments.arnForObjects('kyc/*'));
  const byAccess: Record<Access, string[]> = {
    'accounts:read': [
      ...pairs(TABLE_READ, table),
      ...pairs(['kms:Decrypt'], tableKey),
      ...pairs(['kms:GetPublicKey'], signingKey),
    ],
    'accounts:write': [
      ...pairs([...TABLE_READ, ...TABLE_WRITE], table),
      ...tableKeyWrite,
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
    ],
    'accounts:scan': [
      ...pairs(['dynamodb:Scan', 'dynamodb:Query'], table),
      ...pairs(['kms:Decrypt'], tableKey),
      ...pairs(['kms:GetPublicKey'], signingKey),
    ],
    'screening-roster:write': [
      ...pairs(['dynamodb:GetItem', 'dynamodb:PutItem'], table),
      ...tableKeyWrite,
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
    ],
    'audit:append': [
      ...pairs(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], [audit]),
      ...tableKeyWrite,
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
    ],
    'audit:read': [
      ...pairs(['dynamodb:GetItem', 'dynamodb:Query'], [audit, ...auditIndexes]),
      ...pairs(['kms:Decrypt'], tableKey),
      ...pairs(['kms:GetPublicKey'], signingKey),
    ],
    'audit-checkpoint:read': [
      ...pairs(['s3:ListBucket'], [getAttArn(checkpoints.bucket)]),
      ...pairs(['s3:GetObject'], [checkpointObjects]),
      ...pairs(['kms:Decrypt'], [getAttArn(checkpoints.key)]),
      ...pairs(['kms:GetPublicKey'], signingKey),
    ],
    'audit-checkpoint:write': [
      ...pairs(['s3:PutObject'], [checkpointObjects]),
      ...pairs(['kms:GenerateDataKey'], [getAttArn(checkpoints.key)]),
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
    ],
    'screening-lists:read': [
      ...pairs(['s3:ListBucket'], [getAttArn(lists.bucket)]),
      ...pairs(['s3:GetObject'], [listObjects]),
      ...pairs(['kms:Decrypt'], [getAttArn(lists.key)]),
    ],
    'screening-lists:write': [
      ...pairs(['s3:ListBucket'], [getAttArn(lists.bucket)]),
      ...pairs(['s3:GetObject', 's3:PutObject'], [listObjects]),
      ...pairs(['s3:GetObject'], [incomingObjects]),
      ...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [getAttArn(lists.key)]),
    ],
    'screening-lists:stage': [
      ...pairs(['s3:PutObject'], [incomingObjects]),
      ...pairs(['kms:GenerateDataKey'], [getAttArn(lists.key)]),
    ],
    'kyc-documents:stage': [
      ...pairs(['s3:PutObject', 's3:PutObjectTagging'], [kycObjects]),
      ...pairs(['kms:GenerateDataKey'], [getAttArn(data.dataKey)]),
    ],
    'kyc-documents:check': [
      ...pairs(
        ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging'],
        [kycObjects],
      ),
      ...pairs(['s3:ListBucket'], [getAttArn(data.kycDocuments)]),
      ...pairs(['kms:Decrypt'], [getAttArn(data.dataKey)]),
    ],
    'kyc-documents:erase': [
      ...pairs(['s3:ListBucketVersions', 's3:ListBucket'], [getAttArn(data.kycDocuments)]),
      ...pairs(['s3:PutObjectTagging', 's3:PutObjectVersionTagging'], [kycObjects]),
    ],
    'retention:sweep': [
      ...pairs(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], table),
      ...tableKeyWrite,
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
    ],
    'kyc-check:invoke': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get('CheckKycDocument')?.fn as IConstruct)],
    ),
    'kyc-provider:call': pairs(['secretsmanager:GetSecretValue'], [ref(data.kycProviderSecret)]),
    'kyc-webhook:verify': [
      ...pairs(['secretsmanager:GetSecretValue'], [ref(data.kycWebhookSecret)]),
      ...pairs(['dynamodb:PutItem'], [getAttArn(data.tables.shield)]),
      ...tableKeyWrite,
    ],
    'blind-index:key': pairs(['kms:GenerateDataKey', 'kms:Decrypt'], [getAttArn(data.dataKey)]),
    'data-key:seal-open': pairs(['kms:GenerateDataKey', 'kms:Decrypt'], [getAttArn(data.dataKey)]),
    'vault:invoke': pairs(['lambda:InvokeFunction'], [getAttArn(s.primary.vault.fn)]),
    'user-mail:send': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get('SendUserMail')?.fn as IConstruct)],
    ),
    'duress:check': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get('CheckDuress')?.fn as IConstruct)],
    ),
    'identity:revoke': pairs(
      ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser'],
      [getAttArn(identity.userPool)],
    ),
    'identity:read': pairs(['cognito-idp:AdminGetUser'], [getAttArn(identity.userPool)]),
    'identity:create': pairs(
      ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminDisableUser'],
      [getAttArn(identity.userPool)],
    ),
    'identity:enable': pairs(['cognito-idp:AdminEnableUser'], [getAttArn(identity.userPool)]),
    'identity:delete': pairs(['cognito-idp:AdminDeleteUser'], [getAttArn(identity.userPool)]),
    'identity:set-password': pairs(['cognito-idp:AdminSetUserPassword'], [getAttArn(identity.userPool)]),
    'identity:update-contact': pairs(
      ['cognito-idp:AdminUpdateUserAttributes'],
      [getAttArn(identity.userPool)],
    ),
    'sms:invoke': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get('SendSms')?.fn as IConstruct)],
    ),
    // SMS goes to a phone number, which has no ARN: "*", with a deny on every SNS ARN (checked below).
    'sms:publish': pairs(['sns:Publish'], ['*']),
    'admin-identity:authenticate': pairs(
      [
        'cognito-idp:AdminInitiateAuth',
        'cognito-idp:AdminRespondToAuthChallenge',
        'cognito-idp:AdminUserGlobalSignOut',
      ],
      [getAttArn(identity.adminPool)],
    ),
    'admin-identity:reauthenticate': pairs(
      ['cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge'],
      [getAttArn(identity.adminPool)],
    ),
    'admin-identity:revoke': pairs(
      ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminUserGlobalSignOut'],
      [getAttArn(identity.adminPool)],
    ),
    'identity:sign-out': pairs(['cognito-idp:AdminUserGlobalSignOut'], [getAttArn(identity.userPool)]),
    'identity:mfa': pairs(['cognito-idp:AdminSetUserMFAPreference'], [getAttArn(identity.userPool)]),
    // A8: Cognito authorises GetTokensFromRefreshToken by the app client and the token, not by IAM.
    'identity:refresh': [],
    'shield:write': [
      ...pairs(
        ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        [getAttArn(data.tables.shield)],
      ),
      ...tableKeyWrite,
    ],
    'risk:write': [
      ...pairs(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], [getAttArn(data.tables.risk)]),
      ...tableKeyWrite,
    ],
    'shield:forget': [
      ...pairs(['dynamodb:DeleteItem'], [getAttArn(data.tables.shield)]),
      ...pairs(['kms:Decrypt'], tableKey),
    ],
    'identity:authenticate': pairs(
      [
        'cognito-idp:AdminInitiateAuth',
        'cognito-idp:AdminRespondToAuthChallenge',
        'cognito-idp:AdminGetUser',
      ],
      [getAttArn(identity.userPool)],
    ),
    'suspension:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('account-suspension') as IConstruct)],
    ),
    'security-hold:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('security-hold') as IConstruct)],
    ),
    'withdrawal:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('withdrawal') as IConstruct)],
    ),
    'idempotency:use': [
      ...pairs(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        [getAttArn(data.tables.idempotency)],
      ),
      ...tableKeyWrite,
    ],
    'pgp-signer:invoke': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get('PgpMailSigner')?.fn as IConstruct)],
    ),
    'task-answer:invoke': pairs(
      ['lambda:InvokeFunction'],
      [getAttArn(s.primary.functions.get(ANSWER_TASK.id)?.fn as IConstruct)],
    ),
    // The token rows (and what they answer for), each statement conditioned on dynamodb:LeadingKeys (checked
    // below); task tokens of service integrations: IAM authorises the answer only on "*".
    'task-tokens:own': [
      ...pairs(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], table),
      ...tableKeyWrite,
      ...pairs(['kms:GetPublicKey', 'kms:Sign'], signingKey),
      ...pairs(['states:SendTaskSuccess', 'states:SendTaskFailure'], ['*']),
    ],
    'admin-approval:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('admin-approval') as IConstruct)],
    ),
    'breach:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('breach-notification') as IConstruct)],
    ),
    'screening:start': pairs(
      ['states:StartExecution'],
      [ref(s.primary.workflows.stateMachines.get('screening') as IConstruct)],
    ),
    'mail:failures': pairs(['sqs:SendMessage'], [getAttArn(s.primary.queuedMail.failures)]),
    'custody:dispatch': [
      ...pairs(['sqs:SendMessage'], [getAttArn(s.primary.custody.queue)]),
      ...pairs(['kms:GenerateDataKey', 'kms:Decrypt'], [getAttArn(s.primary.custody.key)]),
    ],
    'pgp-key:sign': pairs(['secretsmanager:GetSecretValue'], [ref(messaging.pgpKeySecret)]),
    'pgp-key:public': pairs(['secretsmanager:GetSecretValue'], [ref(messaging.pgpPublicKeySecret)]),
    'pgp-key:init': pairs(
      ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      [ref(messaging.pgpKeySecret), ref(messaging.pgpPublicKeySecret)],
    ),
    'mail:send': pairs(
      ['ses:SendEmail', 'ses:SendRawEmail'],
      [
        s.primary.resolve(messaging.mailIdentity.emailIdentityArn),
        s.primary.resolve(messaging.configurationSetArn),
      ],
    ),
  };
  return new Set([
    ...pairs(['logs:CreateLogStream', 'logs:PutLogEvents'], [getAttArn(fn.node.findChild('Logs'))]),
    ...pairs(XRAY, ['*']),
    ...spec.access.flatMap((a) => byAccess[a]),
  ]);
}

function statementsOf(spec: FunctionSpec) {
  const fn = s.primary.functions.get(spec.id);
  if (!fn) throw new Error(`function ${spec.id} was not built`);
  return roleStatements(s.merged, logicalId(fn.role));
}

describe('A5 the duress check in AWS', () => {
  it('A5 the Login function may invoke CheckDuress and is told its name (every login checks the duress hash)', () => {
    const login = allFunctions().find((spec) => spec.id === 'Login');
    const fn = s.primary.functions.get('Login');
    if (!login || !fn) throw new Error('no Login function');
    expect(login.access).toContain('duress:check');
    const cfn = fn.fn.node.defaultChild as CfnFunction;
    const env = Stack.of(fn).resolve(cfn.environment) as { variables: Record<string, unknown> };
    expect(Object.keys(env.variables)).toContain('DURESS_FUNCTION');
    const { statements } = statementsOf(login);
    expect(statements.some((st) => actionsOf(st).includes('lambda:InvokeFunction'))).toBe(true);
  });
});

describe('F1 F2 E2 KYC and the sealed screening roster in AWS', () => {
  const invokesVault = (id: string) => {
    const spec = allFunctions().find((f) => f.id === id);
    const fn = s.primary.functions.get(id);
    if (!spec || !fn) throw new Error(`no ${id} function`);
    const cfn = fn.fn.node.defaultChild as CfnFunction;
    const env = Stack.of(fn).resolve(cfn.environment) as { variables: Record<string, unknown> };
    const vault = getAttArn(s.primary.vault.fn);
    const { statements } = statementsOf(spec);
    const allowed = statements.some(
      (st) =>
        st.Effect === 'Allow' &&
        actionsOf(st).includes('lambda:InvokeFunction') &&
        JSON.stringify(resourcesOf(st)).includes(JSON.stringify(vault)),
    );
    return { allowed, named: Object.keys(env.variables).includes('VAULT_FUNCTION'), spec };
  };

  it('F2 E2 the functions that read or enrol the roster (ScreenCustomer, RescreenPage, VerifySignUp, BackfillRoster) may invoke the vault and are told its name', () => {
    for (const id of ['ScreenCustomer', 'RescreenPage', 'VerifySignUp', 'BackfillRoster']) {
      expect(invokesVault(id), id).toMatchObject({ allowed: true, named: true });
    }
  });

  it('F1 E2 the person route seals through the vault and starts screening; the KYC read and the workflow step never see plaintext', () => {
    const person = invokesVault('SubmitKycPerson');
    expect(person).toMatchObject({ allowed: true, named: true });
    expect(person.spec.access).toEqual(expect.arrayContaining(['accounts:write', 'screening:start']));
    for (const id of ['GetKyc', 'RecordKycScreening']) {
      expect(invokesVault(id), id).toMatchObject({ allowed: false, named: false });
    }
    expect(invokesVault('GetKyc').spec.access).not.toContain('accounts:write');
  });
});

describe('function roles', () => {
  // The runtime functions and those CloudFormation runs during a deploy (custom resources).
  const specs = [...allFunctions(), ...DEPLOY_FUNCTIONS].map(
    (spec) => [spec.id, spec.access.join(', ') || 'no access', spec] as const,
  );

  it.each(specs)('E5 %s (%s) holds exactly the grants its catalogue access maps to', (_id, _access, spec) => {
    const { statements, managedPolicies } = statementsOf(spec);
    expect(managedPolicies).toEqual([]);
    const allows = statements.filter((st) => st.Effect !== 'Deny');
    for (const st of allows) expect(st.Effect).toBe('Allow');
    const actual = new Set(allows.flatMap((st) => pairs(actionsOf(st), resourcesOf(st))));
    expect([...actual].sort()).toEqual([...expectedPairs(spec)].sort());
    // The only denies: sns:Publish to any SNS ARN, beside the SMS grant on "*" (phone numbers have no ARN),
    // the task-token partitions of the accounts table beside any accounts access, and the head ledger's fence
    // beside a write grant on the accounts table (conditions checked below).
    const denies = statements.filter((st) => st.Effect === 'Deny');
    const reachesAccounts = spec.access.some(
      (a) =>
        a === 'accounts:read' ||
        a === 'accounts:write' ||
        a === 'accounts:scan' ||
        a === 'screening-roster:write' ||
        a === 'retention:sweep',
    );
    expect([...new Set(denies.flatMap((st) => pairs(actionsOf(st), resourcesOf(st))))].sort()).toEqual(
      [
        ...new Set([
          ...(spec.access.includes('sms:publish') ? pairs(['sns:Publish'], [SNS_ARNS]) : []),
          ...(reachesAccounts ? pairs(['dynamodb:*'], [getAttArn(s.primary.data.accounts)]) : []),
          ...(spec.access.includes('accounts:write') || spec.access.includes('retention:sweep')
            ? pairs(HEAD_FENCED, [getAttArn(s.primary.data.accounts)])
            : []),
        ]),
      ].sort(),
    );
  });

  it.each(specs)('E5 %s (%s): "*" only for X-Ray, the table key only through DynamoDB', (_id, _a, spec) => {
    const { statements } = statementsOf(spec);
    for (const st of statements) {
      if (resourcesOf(st).includes('*') && st.Effect !== 'Deny') {
        const sms = [
          ...(spec.access.includes('sms:publish') ? ['sns:Publish'] : []),
          ...(spec.access.includes('task-tokens:own')
            ? ['states:SendTaskSuccess', 'states:SendTaskFailure']
            : []),
        ];
        const rest = actionsOf(st).filter((a) => !sms.includes(a));
        if (rest.length > 0 || sms.length === 0) expect(rest.sort()).toEqual([...XRAY].sort());
      }
      if (JSON.stringify(st.Resource) === JSON.stringify(getAttArn(s.primary.data.tableKey))) {
        expect(st.Condition).toEqual({
          StringEquals: { 'kms:ViaService': `dynamodb.${s.config.settings.primaryRegion}.amazonaws.com` },
        });
      }
    }
  });

  it('E1 every function that reads signed rows may also append the audit record of an integrity failure', () => {
    const readers = allFunctions().filter((spec) => spec.access.some((a) => SIGNED_READS.includes(a)));
    expect(readers.length).toBeGreaterThan(0);
    for (const spec of readers) expect(spec.access, spec.id).toContain(INTEGRITY_ALARM);
  });

  it('A3 every function that checks a password may count its failures (the re-authentication lockout)', () => {
    const checkers = allFunctions().filter((spec) =>
      spec.access.some(
        (a) =>
          a === 'identity:authenticate' ||
          a === 'admin-identity:authenticate' ||
          a === 'admin-identity:reauthenticate',
      ),
    );
    expect(checkers.map((spec) => spec.id)).toEqual(
      expect.arrayContaining(['ChangePassword', 'RequestWithdrawal', 'ApproveAdminRequest']),
    );
    for (const spec of checkers) expect(spec.access, spec.id).toContain('shield:write');
  });

  it('F2 exactly one role may write the screening lists (LoadScreeningList), and it reads the staged files without writing them', () => {
    const lists = s.primary.data.screeningLists;
    const listObjects = JSON.stringify(s.primary.resolve(lists.objectsArn));
    const incoming = JSON.stringify(s.primary.resolve(lists.incomingArn));
    const writers = allFunctions().filter((spec) => spec.access.includes('screening-lists:write'));
    expect(writers.map((spec) => spec.id)).toEqual(['LoadScreeningList']);
    const puttingLists = allFunctions().filter((spec) =>
      statementsOf(spec).statements.some(
        (st) =>
          st.Effect === 'Allow' &&
          actionsOf(st).includes('s3:PutObject') &&
          resourcesOf(st).some((r) => JSON.stringify(r) === listObjects),
      ),
    );
    expect(puttingLists.map((spec) => spec.id)).toEqual(['LoadScreeningList']);
    // the staged files: written only through the slots CreateAdminRequest presigns, read only by the loader
    const onIncoming = (action: string) =>
      allFunctions()
        .filter((spec) =>
          statementsOf(spec).statements.some(
            (st) =>
              st.Effect === 'Allow' &&
              actionsOf(st).includes(action) &&
              resourcesOf(st).some((r) => JSON.stringify(r) === incoming),
          ),
        )
        .map((spec) => spec.id);
    expect(onIncoming('s3:PutObject')).toEqual(['CreateAdminRequest']);
    expect(onIncoming('s3:GetObject')).toEqual(['LoadScreeningList']);
  });

  it('E2 F1 only the vault may use the data key for field groups, and only under that purpose; the KYC document functions only through S3 for their bucket', () => {
    const dataKey = JSON.stringify(getAttArn(s.primary.data.dataKey));
    const kycBucket = JSON.stringify(getAttArn(s.primary.data.kycDocuments));
    for (const spec of allFunctions()) {
      for (const st of statementsOf(spec).statements) {
        if (!resourcesOf(st).some((r) => JSON.stringify(r) === dataKey)) continue;
        const equals = (st.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals;
        if (equals?.['kms:EncryptionContext:aws:s3:arn'] !== undefined) {
          // F1: SSE-KMS of the KYC documents, as S3 calls KMS for that bucket only
          expect(['RequestKycUpload', 'CheckKycDocument']).toContain(spec.id);
          expect(String(equals['kms:ViaService'])).toMatch(/^s3\./);
          expect(JSON.stringify(equals['kms:EncryptionContext:aws:s3:arn'])).toBe(kycBucket);
          continue;
        }
        const purpose = equals?.['kms:EncryptionContext:palisade:purpose'];
        expect(purpose, spec.id).toBeDefined();
        if (purpose === 'field-group') expect(spec.id).toBe('PersonalDataVault');
      }
    }
  });

  it('B3 only the PGP signer reads the platform key pair; only the public key route reads the public key; only the deploy-time key init writes them', () => {
    const readers = (secret: IConstruct) =>
      [...allFunctions(), ...DEPLOY_FUNCTIONS]
        .filter((spec) =>
          statementsOf(spec).statements.some((st) =>
            resourcesOf(st).some((r) => JSON.stringify(r) === JSON.stringify(ref(secret))),
          ),
        )
        .map((spec) => spec.id);
    expect(readers(s.primary.messaging.pgpKeySecret)).toEqual(['PgpMailSigner', 'PlatformKeyInit']);
    expect(readers(s.primary.messaging.pgpPublicKeySecret)).toEqual(['GetPgpKey', 'PlatformKeyInit']);
    const writers = [...allFunctions(), ...DEPLOY_FUNCTIONS].filter((spec) =>
      statementsOf(spec).statements.some((st) => actionsOf(st).includes('secretsmanager:PutSecretValue')),
    );
    expect(writers.map((spec) => spec.id)).toEqual(['PlatformKeyInit']);
  });

  it('E1 every function that may write the accounts table is fenced off the head ledger: heads are only ever created, with their key alone', () => {
    const table = JSON.stringify(getAttArn(s.primary.data.accounts));
    const onHeads = { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['HEAD#*'] } };
    const writers = allFunctions().filter((spec) =>
      statementsOf(spec).statements.some(
        (st) =>
          st.Effect === 'Allow' &&
          resourcesOf(st).some((r) => JSON.stringify(r) === table) &&
          actionsOf(st).some((a) => /Put|Update|Delete|Write|PartiQL|\*/.test(a)),
      ),
    );
    expect(writers.map((spec) => spec.id)).toEqual(expect.arrayContaining(['Login', 'Logout']));
    // AnswerTask's only write is a PutItem whose every leading key is a task-token partition (checked in the
    // task-token tests below): it cannot reach a head partition at all.
    // F2: BackfillRoster's only write is a PutItem whose every leading key is a roster partition (checked in
    // "F2 the roster backfill in AWS" below): no head either.
    for (const spec of writers.filter((w) => w.id !== 'AnswerTask' && w.id !== 'BackfillRoster')) {
      const allowed = statementsOf(spec)
        .statements.filter(
          (st) => st.Effect === 'Allow' && resourcesOf(st).some((r) => JSON.stringify(r) === table),
        )
        .flatMap(actionsOf);
      // Nothing beyond the writes the fence covers (no PartiQL, no wildcard, no TTL or table changes). F5: the
      // retention sweep holds fewer (PutItem and DeleteItem, by partition; checked in record-retention.test.ts).
      const writes = allowed.filter((a) => !TABLE_READ.includes(a)).sort();
      if (spec.id === 'RetentionSweep') expect(writes).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
      else expect(writes, spec.id).toEqual([...TABLE_WRITE].sort());
      const denies = statementsOf(spec).statements.filter((st) => st.Effect === 'Deny');
      expect(denies, spec.id).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
            Resource: getAttArn(s.primary.data.accounts),
            Condition: onHeads,
          }),
          expect.objectContaining({
            Action: 'dynamodb:PutItem',
            Resource: getAttArn(s.primary.data.accounts),
            Condition: {
              ...onHeads,
              'ForAnyValue:StringNotEquals': { 'dynamodb:Attributes': ['pk', 'sk'] },
            },
          }),
        ]),
      );
    }
  });

  it('D3 no function may update or delete an audit record', () => {
    const audit = JSON.stringify(getAttArn(s.primary.data.tables.audit));
    for (const spec of allFunctions()) {
      for (const st of statementsOf(spec).statements) {
        if (!resourcesOf(st).some((r) => JSON.stringify(r) === audit)) continue;
        expect(
          actionsOf(st).filter((a) => /Update|Delete|BatchWrite/.test(a)),
          spec.id,
        ).toEqual([]);
      }
    }
  });

  it('D2 the execution is split by what the actions touch: neither task holds the rights of the other', () => {
    const specOf = (id: string) => {
      const spec = allFunctions().find((f) => f.id === id);
      if (!spec) throw new Error(`${id} is not in the catalogue`);
      return spec;
    };
    expect(allFunctions().map((f) => f.id)).not.toContain('ExecuteAdminAction');
    const grantsOf = (id: string) => {
      const allows = statementsOf(specOf(id)).statements.filter((st) => st.Effect !== 'Deny');
      return allows.flatMap((st) => pairs(actionsOf(st), resourcesOf(st)));
    };
    const on = (grants: string[], resource: unknown) =>
      grants.filter((g) => g.endsWith(JSON.stringify(resource)));
    const account = grantsOf('ExecuteAccountAction');
    const staff = grantsOf('ExecuteStaffAction');
    const { identity } = s.primary;
    // Account actions: the user pool, the vault and the workflows they start; no admin pool, no task token.
    expect(on(account, getAttArn(identity.userPool)).length).toBeGreaterThan(0);
    expect(on(account, getAttArn(s.primary.vault.fn))).toHaveLength(1);
    expect(account.some((g) => g.startsWith('states:StartExecution '))).toBe(true);
    expect(on(account, getAttArn(identity.adminPool))).toEqual([]);
    expect(account.filter((g) => g.startsWith('states:SendTask'))).toEqual([]);
    // Staff actions: the admin pool and AnswerTask (a review's decision, the voided requests' workflows); no
    // task token of its own, no user pool, no vault, no data key, no workflow start.
    expect(on(staff, getAttArn(identity.adminPool)).length).toBeGreaterThan(0);
    expect(on(staff, getAttArn(s.primary.functions.get(ANSWER_TASK.id)?.fn as IConstruct))).toHaveLength(1);
    expect(staff.filter((g) => g.startsWith('states:SendTask'))).toEqual([]);
    expect(on(staff, getAttArn(identity.userPool))).toEqual([]);
    expect(on(staff, getAttArn(s.primary.vault.fn))).toEqual([]);
    expect(on(staff, getAttArn(s.primary.data.dataKey))).toEqual([]);
    expect(staff.filter((g) => g.startsWith('states:StartExecution '))).toEqual([]);
  });

  it('E5 a function with no access has no data, identity, mail or key grant', () => {
    const bare = allFunctions().filter((spec) => spec.access.length === 0);
    expect(bare.length).toBeGreaterThan(0);
    for (const spec of bare) {
      const actions = statementsOf(spec).statements.flatMap(actionsOf);
      expect(
        actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')),
        spec.id,
      ).toEqual([]);
    }
  });
});

describe('C3/D2 task tokens: only AnswerTask answers them or reads them', () => {
  const TASK_TOKEN_KEYS = `${TASK_TOKEN_PARTITION_PREFIX}*`;
  const accountsArn = () => JSON.stringify(getAttArn(s.primary.data.accounts));
  const answerTaskRole = () => {
    const fn = s.primary.functions.get(ANSWER_TASK.id);
    if (!fn) throw new Error('AnswerTask was not built');
    return logicalId(fn.role);
  };
  /**
   * Every role of the deployment (the primary stack, its nested stacks, the replica) that some inline policy
   * is attached to, with its statements.
   */
  function rolesWithStatements() {
    const roles = new Map<string, Statement[]>();
    for (const template of [s.merged, s.replicaTemplate]) {
      for (const [policyId, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
        for (const role of (policy.Properties?.Roles ?? []) as { Ref?: string }[]) {
          const key = role.Ref ?? `${policyId}:${JSON.stringify(role)}`;
          roles.set(key, [
            ...(roles.get(key) ?? []),
            ...(policy.Properties.PolicyDocument.Statement as Statement[]),
          ]);
        }
      }
    }
    return roles;
  }
  const onAccounts = (st: Statement) => resourcesOf(st).some((r) => JSON.stringify(r) === accountsArn());

  it('C3/D2 no role but AnswerTask may call states:SendTaskSuccess or states:SendTaskFailure', () => {
    const holders = [...rolesWithStatements()]
      .filter(([, statements]) =>
        statements.some(
          (st) =>
            st.Effect === 'Allow' &&
            actionsOf(st).some((a) => /^states:(SendTask(Success|Failure|Heartbeat)|\*|SendTask\*)$/.test(a)),
        ),
      )
      .map(([role]) => role);
    expect(holders).toEqual([answerTaskRole()]);
    const spec = allFunctions().filter((f) => f.access.includes('task-tokens:own'));
    expect(spec.map((f) => f.id)).toEqual([ANSWER_TASK.id]);
  });

  it('C3/D2 every other role that reaches the accounts table is denied its task-token partitions', () => {
    const reaching = [...rolesWithStatements()].filter(
      ([role, statements]) =>
        role !== answerTaskRole() && statements.some((st) => st.Effect === 'Allow' && onAccounts(st)),
    );
    // Every catalogue function with accounts access (dozens), and they are all fenced.
    expect(reaching.length).toBeGreaterThan(20);
    for (const [role, statements] of reaching) {
      const fence = statements.filter(
        (st) => st.Effect === 'Deny' && onAccounts(st) && JSON.stringify(st.Condition).includes('TASKTOKEN'),
      );
      expect(fence, role).toHaveLength(1);
      expect(fence[0]?.Action, role).toBe('dynamodb:*');
      expect(resourcesOf(fence[0] as Statement), role).toEqual([getAttArn(s.primary.data.accounts)]);
      expect(fence[0]?.Condition, role).toEqual({
        'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [TASK_TOKEN_KEYS] },
      });
    }
    // The functions that used to answer or read tokens themselves now only ask AnswerTask.
    for (const id of [
      'ApproveAdminRequest',
      'RejectAdminRequest',
      'StoreApprovalToken',
      'ExecuteStaffAction',
      'CancelWithdrawals',
      'AwaitWithdrawalDecision',
    ]) {
      const spec = allFunctions().find((f) => f.id === id);
      expect(spec?.access, id).toContain('task-answer:invoke');
      expect(spec?.access, id).not.toContain('task-tokens:own');
    }
  });

  it('C3/D2 AnswerTask reaches the accounts table only by key: reads of tokens, records and requests, writes of tokens', () => {
    const spec = allFunctions().find((f) => f.id === ANSWER_TASK.id);
    if (!spec) throw new Error('AnswerTask is not in the catalogue');
    const { statements } = statementsOf(spec);
    const table = statements.filter(onAccounts);
    expect(table.every((st) => st.Effect === 'Allow')).toBe(true);
    const byAction = Object.fromEntries(
      table.map((st) => [actionsOf(st).join(','), st.Condition as Record<string, unknown> | undefined]),
    );
    expect(byAction).toEqual({
      'dynamodb:GetItem': { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...ANSWER_TASK_READS] } },
      'dynamodb:PutItem': { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TASK_TOKEN_KEYS] } },
      // E1: the heads of the ledgered rows it reads (an admin request), to check it is not a replay.
      'dynamodb:Query': { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEAD#*'] } },
    });
    expect(ANSWER_TASK_READS[0]).toBe(TASK_TOKEN_KEYS);
  });
});

describe('workflow roles', () => {
  it.each(WORKFLOWS.map((w) => [w.name, w] as const))(
    'E5 %s may invoke its own task functions and no other',
    (name, workflow) => {
      const machine = s.primary.workflows.stateMachines.get(name);
      if (!machine) throw new Error(`no state machine for ${name}`);
      const { statements, managedPolicies } = roleStatements(s.merged, logicalId(machine.role));
      expect(managedPolicies).toEqual([]);
      const invoke = statements.filter((st) => actionsOf(st).includes('lambda:InvokeFunction'));
      const invoked = invoke.flatMap(resourcesOf).map((r) => JSON.stringify(r));
      const tasks = Object.values(workflow.tasks).map((spec) => {
        const fn = s.primary.functions.get(spec.id);
        if (!fn) throw new Error(`task ${spec.id} was not built`);
        return JSON.stringify(getAttArn(fn.fn));
      });
      expect(invoked.sort()).toEqual([...new Set(tasks)].sort());
      for (const st of invoke) expect(actionsOf(st)).toEqual(['lambda:InvokeFunction']);
    },
  );
});

describe('F2 the roster backfill in AWS (BackfillRoster)', () => {
  const accountsArn = () => getAttArn(s.primary.data.accounts);
  const onAccounts = (st: Statement) =>
    resourcesOf(st).some((r) => JSON.stringify(r) === JSON.stringify(accountsArn()));

  it('F2 its role reaches the accounts table by a Scan, the heads of ledgered rows, and the roster rows alone', () => {
    const spec = allFunctions().find((f) => f.id === 'BackfillRoster');
    if (!spec) throw new Error('BackfillRoster is not in the catalogue');
    const table = statementsOf(spec).statements.filter(onAccounts);
    const allows = Object.fromEntries(
      table
        .filter((st) => st.Effect === 'Allow')
        .map((st) => [actionsOf(st).sort().join(','), st.Condition as Record<string, unknown> | undefined]),
    );
    expect(allows).toEqual({
      'dynamodb:Scan': undefined,
      'dynamodb:Query': { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEAD#*'] } },
      'dynamodb:GetItem,dynamodb:PutItem': {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SCREENING_ROSTER_PARTITION_PREFIX}*`] },
      },
    });
    // no other write on the table, and the task-token partitions denied as to every other role
    expect(table.filter((st) => st.Effect === 'Deny').map((st) => st.Action)).toEqual(['dynamodb:*']);
    // the re-screen: the screening workflow's start, nothing else of Step Functions
    const states = statementsOf(spec).statements.filter((st) =>
      actionsOf(st).some((a) => a.startsWith('states:')),
    );
    expect(states.flatMap(actionsOf)).toEqual(['states:StartExecution']);
    expect(states.flatMap(resourcesOf)).toEqual([
      ref(s.primary.workflows.stateMachines.get('screening') as IConstruct),
    ]);
  });

  it('F2 no other role may Scan the accounts table', () => {
    const scanners = [...allFunctions(), ...DEPLOY_FUNCTIONS].filter((spec) =>
      statementsOf(spec).statements.some(
        (st) => st.Effect === 'Allow' && onAccounts(st) && actionsOf(st).includes('dynamodb:Scan'),
      ),
    );
    expect(scanners.map((spec) => spec.id)).toEqual(['BackfillRoster']);
  });

  it('F2 it lives in the Internal nested stack, is invoked by nothing, and its name is a stack output', () => {
    const fn = s.primary.operatorFunctions.get('BackfillRoster');
    if (!fn) throw new Error('BackfillRoster was not built');
    expect(Stack.of(fn)).toBe(s.primary.internal);
    const permissions = s.templates.flatMap((t) =>
      Object.values(t.findResources('AWS::Lambda::Permission')).filter((p) =>
        JSON.stringify(p).includes(logicalId(fn.fn)),
      ),
    );
    expect(permissions).toEqual([]);
    expect(Object.keys(s.template.findOutputs('ScreeningBackfillFunctionName'))).toHaveLength(1);
    const cfn = fn.fn.node.defaultChild as CfnFunction;
    expect(cfn.timeout).toBe(120);
  });
});
