// Bundled with the production options by test/unit/lambda-invoke-bundle.test.ts and run in a fresh node: the
// kernel's signed Invoke (lambdas/kernel/aws/lambda-invoke.ts) against a local HTTP server standing in for the
// Lambda API, which answers by the function name: an echo, a function error, a throttle then an echo, a
// missing function. It prints what each call came back with, and what the server saw.
import { createServer } from 'node:http';
import { invoker, queuedInvoker } from '../../lambdas/kernel/aws/lambda-invoke.js';

const seen: {
  path: string | undefined;
  authorization: string | undefined;
  trace: string | undefined;
  type?: string | undefined;
}[] = [];
let throttled = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    seen.push({
      path: req.url,
      authorization: req.headers.authorization?.split(' ')[0],
      trace: req.headers['x-amzn-trace-id'] as string | undefined,
      type: req.headers['x-amz-invocation-type'] as string | undefined,
    });
    const name = decodeURIComponent(req.url?.split('/')[3] ?? '');
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-amzn-requestid', 'req-1');
    if (name === 'palisade-boom') {
      res.setHeader('x-amz-function-error', 'Unhandled');
      res.end(JSON.stringify({ errorType: 'Boom', errorMessage: 'no' }));
    } else if (name === 'palisade-fails') {
      res.setHeader('x-amz-function-error', 'Unhandled');
      res.end(JSON.stringify({ errorType: 'SmsCountryNotAllowed', errorMessage: 'no' }));
    } else if (name === 'palisade-throttled' && throttled++ < 1) {
      res.statusCode = 429;
      res.setHeader('x-amzn-errortype', 'TooManyRequestsException');
      res.end(
        JSON.stringify({
          Type: 'User',
          message: 'Rate exceeded',
          Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        }),
      );
    } else if (name === 'palisade-mail' && req.headers['x-amz-invocation-type'] === 'Event') {
      // Lambda takes an asynchronous invocation with 202 and an empty body.
      res.statusCode = 202;
      res.end();
    } else if (name === 'palisade-missing') {
      res.statusCode = 404;
      res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
      res.end(JSON.stringify({ Type: 'User', message: 'Function not found' }));
    } else {
      res.end(JSON.stringify({ echoed: JSON.parse(body) }));
    }
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${port}`,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_LAMBDA_FUNCTION_NAME: 'caller',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  VAULT_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:palisade-vault',
  SMS_FUNCTION: 'palisade-fails',
  DURESS_FUNCTION: 'palisade-throttled',
  KYC_CHECK_FUNCTION: 'palisade-missing',
  TASK_ANSWER_FUNCTION: 'palisade-boom',
  USER_MAIL_FUNCTION: 'palisade-mail',
});
type Variable = Parameters<typeof invoker>[0];
const outcome = async (variable: Variable, request: unknown) => {
  try {
    return { ok: await invoker(variable)(request) };
  } catch (error) {
    const e = error as Error & { errorType?: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, errorType: e.errorType, status: e.$metadata?.httpStatusCode };
  }
};
const results = {
  echo: await outcome('VAULT_FUNCTION', { x: 1 }),
  fails: await outcome('SMS_FUNCTION', {}),
  throttled: await outcome('DURESS_FUNCTION', { y: 2 }),
  missing: await outcome('KYC_CHECK_FUNCTION', {}),
  boom: await outcome('TASK_ANSWER_FUNCTION', {}),
  queued: await queuedInvoker('USER_MAIL_FUNCTION')({ z: 3 }).then(
    () => ({ ok: true }),
    (error: Error) => ({ error: error.name }),
  ),
  seen,
};
server.close();
console.log(JSON.stringify(results));
