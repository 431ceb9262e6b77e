// Bundled with the production options by test/unit/lambda-invoke-bundle.test.ts and run in a fresh node: the
// AWS SDK's Lambda client, with the event-stream stub of BUNDLE_ALIASES in place, invokes a function (a local
// HTTP server standing in for the Lambda API) and prints what came back.
import { createServer } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, echoed: JSON.parse(body) }));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const client = new LambdaClient({
  region: 'eu-west-1',
  endpoint: `http://127.0.0.1:${port}`,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const out = await client.send(
  new InvokeCommand({ FunctionName: 'palisade-vault', Payload: Buffer.from('{"x":1}') }),
);
server.close();
console.log(
  JSON.stringify({ status: out.StatusCode, payload: JSON.parse(Buffer.from(out.Payload ?? []).toString()) }),
);
