// The kernel's Step Functions and SQS clients (lambdas/kernel/aws/workflows.ts, custody.ts), which replace
// @aws-sdk/client-sfn and @aws-sdk/client-sqs in the functions (docs/decisions.md, "Bundles"): the custody
// dispatch against the cloud harness's SQS emulation (IAM, FIFO rules, the queue key used on the sender's
// behalf), the workflows' three operations against a scripted stand-in (awsJson1_0, signed, SigV4 verified),
// the error names the domain tells apart, throttling retried, and the SDK's addressing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQS, SqsCustody, sqs } from '../../lambdas/kernel/aws/custody.js';
import { jsonTransportFromEnv } from '../../lambdas/kernel/aws/json-api.js';
import { STEP_FUNCTIONS, StepFunctionsWorkflows, stepFunctions } from '../../lambdas/kernel/aws/workflows.js';
import { CustodyUnavailable } from '../../lambdas/kernel/ports/custody.js';
import { isClosedTaskToken } from '../../lambdas/kernel/ports/workflows.js';
import { Endpoint, standalonePrincipal } from '../cloud/harness/endpoints.js';
import { SqsService } from '../cloud/harness/services/messaging.js';
import type { CloudModel } from '../cloud/harness/template.js';
import {
  recorded,
  type SeenCall,
  scriptedService,
  testTransport,
  verifySigV4Json,
} from '../support/aws-json.js';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/custody.fifo`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:custody.fifo`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111-2222`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Withdrawal`;

describe('C2 the custody dispatch on SQS through the signed JSON caller', () => {
  const queue = new SqsService({
    deployment: { region: REGION, account: ACCOUNT, partition: 'aws', stackName: 'Palisade' },
    queues: [
      { url: QUEUE_URL, arn: QUEUE_ARN, fifo: true, contentBasedDeduplication: false, kmsKeyArn: KEY_ARN },
    ],
  } as unknown as CloudModel);
  const { service, seen } = recorded(queue, 'sqs');
  let endpoint: Endpoint;
  let url = '';
  beforeAll(async () => {
    const via = { StringEquals: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` } };
    endpoint = new Endpoint({
      mode: 'enforce',
      principals: new Map([
        [
          'Dispatch',
          standalonePrincipal(
            'Dispatch',
            [
              {
                Effect: 'Allow',
                Action: 'sqs:SendMessage',
                Resource: [QUEUE_ARN, `${QUEUE_ARN.replace('custody', 'other')}`],
              },
              {
                Effect: 'Allow',
                Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
                Resource: KEY_ARN,
                Condition: via,
              },
            ],
            'ASIADISPATCH',
          ),
        ],
        ['Stranger', standalonePrincipal('Stranger', [], 'ASIASTRANGER')],
      ]),
      services: { sqs: service },
      account: ACCOUNT,
    });
    url = await endpoint.start();
  });
  afterAll(() => endpoint.stop());

  const transfer = {
    withdrawalId: 'w-1',
    userId: 'u-1',
    asset: 'BTC',
    amountMinor: '150000',
    address: 'bc1qexample',
  } as const;

  it('C2 one SendMessage per withdrawal: the withdrawal id deduplicates, the user is the group; signed, awsJson1_0', async () => {
    const custody = new SqsCustody(
      sqs(() => testTransport(url, 'Dispatch', 'sqs', REGION)),
      QUEUE_URL,
    );
    expect(await custody.dispatch(transfer)).toEqual({ transferRef: 'ct_w-1' });
    expect(queue.messages).toEqual([
      {
        queueUrl: QUEUE_URL,
        body: JSON.stringify({ ...transfer, transferRef: 'ct_w-1' }),
        groupId: 'u-1',
        deduplicationId: 'w-1',
        sender: 'Dispatch',
      },
    ]);
    const call = seen.at(-1) as SeenCall;
    expect(call.target).toBe('AmazonSQS.SendMessage');
    expect(call.contentType).toBe('application/x-amz-json-1.0');
    expect(call.signature).toBe('ok');
    expect(endpoint.violations).toEqual([]);
  });

  it('C2 a refusal (a role without sqs:SendMessage, an unknown queue) is CustodyUnavailable, named by the error', async () => {
    const denied = new SqsCustody(
      sqs(() => testTransport(url, 'Stranger', 'sqs', REGION)),
      QUEUE_URL,
    );
    await expect(denied.dispatch(transfer)).rejects.toThrow(CustodyUnavailable);
    await expect(denied.dispatch(transfer)).rejects.toThrow(/AccessDeniedException/);
    const unknown = new SqsCustody(
      sqs(() => testTransport(url, 'Dispatch', 'sqs', REGION)),
      `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/other.fifo`,
    );
    // the namespaced `com.amazonaws.sqs#QueueDoesNotExist` of the JSON protocol, named as the SDK names it
    await expect(unknown.dispatch(transfer)).rejects.toThrow(/QueueDoesNotExist$/);
    endpoint.violations.length = 0;
  });
});

describe('C3 workflows on Step Functions through the signed JSON caller', () => {
  it('C3 StartExecution by name; a name already used is the same execution, not a failure (ExecutionAlreadyExists)', async () => {
    const standIn = await scriptedService('states', [
      {
        status: 200,
        body: { executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:w-1`, startDate: 1 },
      },
      { status: 400, body: { __type: 'ExecutionAlreadyExists', message: 'Execution Already Exists' } },
    ]);
    const workflows = new StepFunctionsWorkflows(
      stepFunctions(() => standIn.transport()),
      {
        withdrawal: MACHINE,
      },
    );
    const first = await workflows.start('withdrawal', { withdrawalId: 'w-1' }, 'w-1');
    const again = await workflows.start('withdrawal', { withdrawalId: 'w-1' }, 'w-1');
    expect(again).toEqual(first);
    expect(first.executionId).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:Withdrawal:w-1`);
    expect(standIn.seen[0]?.input).toEqual({
      stateMachineArn: MACHINE,
      name: 'w-1',
      input: JSON.stringify({ withdrawalId: 'w-1' }),
    });
    for (const call of standIn.seen) {
      expect(call.target).toBe('AWSStepFunctions.StartExecution');
      expect(call.contentType).toBe('application/x-amz-json-1.0');
      expect(call.signature).toBe('ok');
    }
    await expect(workflows.start('screening', {}, 'x')).rejects.toThrow(/No state machine/);
    await standIn.close();
  });

  it('C3 task answers: SendTaskSuccess/Failure as Step Functions takes them; a closed token keeps its name (TaskTimedOut, InvalidToken)', async () => {
    const standIn = await scriptedService('states', [
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 400, body: { __type: 'TaskTimedOut', message: 'Task Timed Out' } },
      {
        status: 400,
        body: { __type: 'com.amazonaws.swf.service.v2.model#InvalidToken', message: 'Invalid Token' },
      },
      { status: 400, body: { __type: 'InvalidOutput', message: 'bad output' } },
    ]);
    const answers = new StepFunctionsWorkflows(
      stepFunctions(() => standIn.transport()),
      {},
    );
    await answers.sendTaskSuccess('token-1', { approved: true });
    await answers.sendTaskFailure('token-2', 'Rejected', 'the admin rejected it');
    expect(standIn.seen.map((c) => [c.operation, c.input])).toEqual([
      ['SendTaskSuccess', { taskToken: 'token-1', output: '{"approved":true}' }],
      ['SendTaskFailure', { taskToken: 'token-2', error: 'Rejected', cause: 'the admin rejected it' }],
    ]);
    const closed = await answers.sendTaskSuccess('token-3', {}).catch((e: unknown) => e);
    expect((closed as Error).name).toBe('TaskTimedOut');
    expect((closed as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    expect(isClosedTaskToken(closed)).toBe(true);
    const invalid = await answers.sendTaskSuccess('token-4', {}).catch((e: unknown) => e);
    expect(isClosedTaskToken(invalid)).toBe(true);
    const refused = await answers.sendTaskSuccess('token-5', {}).catch((e: unknown) => e);
    expect([(refused as Error).name, isClosedTaskToken(refused)]).toEqual(['InvalidOutput', false]);
    await standIn.close();
  });

  it('I2 throttling (ThrottlingException as a 400) and 5xx are retried up to three attempts, each signed afresh', async () => {
    const standIn = await scriptedService('states', [
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 503, body: { __type: 'ServiceUnavailable', message: 'later' } },
      {
        status: 200,
        body: { executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Withdrawal:w-2' },
      },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
    ]);
    const workflows = new StepFunctionsWorkflows(
      stepFunctions(() => standIn.transport()),
      {
        withdrawal: MACHINE,
      },
    );
    expect((await workflows.start('withdrawal', {}, 'w-2')).executionId).toMatch(/:w-2$/);
    expect(standIn.seen.map((c) => c.signature)).toEqual(['ok', 'ok', 'ok']);
    const exhausted = await workflows.start('withdrawal', {}, 'w-3').catch((e: unknown) => e);
    expect((exhausted as Error).name).toBe('ThrottlingException');
    expect(standIn.seen).toHaveLength(6);
    await standIn.close();
  });
});

describe('I2 the JSON clients as the SDK addresses and signs them', () => {
  it("I2 Step Functions and SQS: the service's endpoint variable, else the region's host", () => {
    const env = { AWS_REGION: 'eu-central-1' };
    expect(jsonTransportFromEnv(STEP_FUNCTIONS, env).endpoint.href).toBe(
      'https://states.eu-central-1.amazonaws.com/',
    );
    expect(jsonTransportFromEnv(SQS, env).endpoint.href).toBe('https://sqs.eu-central-1.amazonaws.com/');
    expect(
      jsonTransportFromEnv(STEP_FUNCTIONS, { ...env, AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:3/sfn' })
        .endpoint.href,
    ).toBe('http://127.0.0.1:3/sfn');
    expect(
      jsonTransportFromEnv(SQS, { ...env, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4/sqs' }).endpoint.href,
    ).toBe('http://127.0.0.1:4/sqs');
  });

  it('I2 the SigV4 verifier of these tests refuses a changed body, another service or another secret', async () => {
    const standIn = await scriptedService('states', [{ status: 200, body: {} }]);
    await stepFunctions(() => standIn.transport()).call('SendTaskSuccess', { taskToken: 't', output: '{}' });
    const call = standIn.seen[0] as SeenCall;
    const request = {
      method: 'POST',
      path: '/Fn/states',
      headers: call.headers,
      body: Buffer.from(JSON.stringify(call.input)),
    };
    expect(verifySigV4Json(request, 'states')).toBe('ok');
    expect(
      verifySigV4Json({ ...request, body: Buffer.from('{"taskToken":"u","output":"{}"}') }, 'states'),
    ).toBe('signature mismatch');
    expect(verifySigV4Json(request, 'sqs')).toBe('signed for states, not sqs');
    expect(verifySigV4Json(request, 'states', 'another secret')).toBe('signature mismatch');
    await standIn.close();
  });
});
