// Lambda's Invoke (REST JSON: POST /2015-03-31/functions/<FunctionName>/invocations): authorised as
// lambda:InvokeFunction on the target's ARN, then run in the target's own workers with the target's own
// template environment. A function error answers 200 with X-Amz-Function-Error and Lambda's error payload.
import {
  type Answer,
  Endpoint,
  errorAnswer,
  type Gate,
  type IncomingCall,
  type Service,
  servingCall,
} from '../endpoints.js';
import type { LambdaService } from '../lambda-runtime.js';

export class LambdaInvokeService implements Service {
  readonly protocol = 'rest-json' as const;

  constructor(private readonly lambda: LambdaService) {}

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(call.path);
    if (!match)
      return errorAnswer(
        'rest-json',
        400,
        'InvalidRequestContentException',
        `The harness emulates Invoke only (${call.path})`,
      );
    call.operation = 'Invoke';
    const name = decodeURIComponent(match[1] as string);
    const target = this.lambda.resolve(name);
    const { partition, region, account } = this.lambda.model.deployment;
    const resource =
      target?.arn ??
      (name.startsWith('arn:') ? name : `arn:${partition}:lambda:${region}:${account}:function:${name}`);
    if (!gate.authorize(call, [{ request: { action: 'lambda:InvokeFunction', resource, context: {} } }])) {
      return Endpoint.denied('rest-json', gate, call);
    }
    if (!target) {
      gate.violation({
        kind: 'not-found',
        caller: call.principal.id,
        operation: 'lambda:Invoke',
        detail: `function ${name} is not a function of the template`,
      });
      return errorAnswer('rest-json', 404, 'ResourceNotFoundException', `Function not found: ${resource}`);
    }
    const type = String(call.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const event = call.body.length ? JSON.parse(call.body.toString('utf8')) : {};
    if (type === 'DryRun') return { status: 204, body: '' };
    const cause = { kind: 'call', seq: servingCall.getStore()?.seq ?? call.record.seq } as const;
    if (type === 'Event') {
      this.lambda.queue(target, event, { ...cause, queued: true });
      return { status: 202, body: '' };
    }
    const outcome = await this.lambda.invoke(target, event, undefined, cause);
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (outcome.ok) return { status: 200, headers, body: outcome.payload };
    return {
      status: 200,
      headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
      body: JSON.stringify({
        errorType: outcome.errorType,
        errorMessage: outcome.errorMessage,
        trace: outcome.trace ?? [],
      }),
    };
  }
}
