// Bundled in place of @aws-lambda-powertools/jmespath (esbuild aliases in lib/functions.ts). Powertools'
// idempotency imports the JMESPath engine for its key and payload expressions, and ours are fixed
// (kernel/idempotency.ts: `[userId, idempotencyKey]` and `terms`): the engine, its lexer, parser, interpreter
// and ~50 built-in functions (~23 KB minified and ~5 ms of RequestWithdrawal's init) evaluate two field reads.
// This module evaluates the subset of JMESPath those expressions are written in — identifiers, dotted paths
// and multiselect lists of them — with JMESPath's semantics (a field of anything but an object is null, a
// multiselect list of null is null), and refuses any other expression when it is first used, naming this file.
// test/unit/jmespath-subset.test.ts compares it with the engine; test/cloud/journeys.test.ts runs the bundle.

type Json = unknown;
type Path = readonly string[];
/** A path, or a multiselect list of paths. */
type Compiled = { path: Path } | { list: readonly Path[] };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const compiled = new Map<string, Compiled>();

function unsupported(expression: string): never {
  throw new Error(
    `JMESPath expression ${JSON.stringify(expression)} is outside the bundled subset (identifiers, dotted ` +
      'paths, multiselect lists of them): lambdas/kernel/runtime/jmespath-subset.ts',
  );
}

function pathOf(text: string, expression: string): Path {
  const parts = text.split('.').map((p) => p.trim());
  if (!parts.every((p) => IDENTIFIER.test(p))) unsupported(expression);
  return parts;
}

function compile(expression: string): Compiled {
  const text = expression.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1);
    if (inner.trim() === '') unsupported(expression);
    return { list: inner.split(',').map((item) => pathOf(item, expression)) };
  }
  return { path: pathOf(text, expression) };
}

/** The engine's own test of an object (Powertools commons' isRecord). */
const isRecord = (value: Json): value is Record<string, Json> =>
  Object.prototype.toString.call(value) === '[object Object]';

/** The engine's field visit, along the path: the field of a record that has it, else null. */
function read(data: Json, path: Path): Json {
  let value = data;
  for (const field of path) value = isRecord(value) && field in value ? value[field] : null;
  return value;
}

/** `search` of @aws-lambda-powertools/jmespath for the subset above; the options (custom functions) unused. */
export function search(expression: string, data: Json, _options?: unknown): Json {
  let expr = compiled.get(expression);
  if (!expr) {
    expr = compile(expression);
    compiled.set(expression, expr);
  }
  if ('path' in expr) return read(data, expr.path);
  if (data === null) return null;
  return expr.list.map((path) => read(data, path));
}

/** @aws-lambda-powertools/jmespath/functions: IdempotencyConfig builds one as its default custom functions. */
export class PowertoolsFunctions {}
