// I2 zone rules of lambdas/ (kernel, contexts, composition root): a pure import checker used by boundaries.test.ts.
//
// Zones, from a path relative to the repository root:
//   lambdas/kernel/** (and the legacy lambdas/kernel/**)   the kernel, shared by every context
//   lambdas/<name>.ts (catalogue.ts, openapi.ts …)          the composition root
//   lambdas/<context>/**                                    a context: every other directory directly under lambdas/
//   anything else (local/, test/, bench/, lib/ …)           outside; no rule applies to these files
// Imports are read with the TypeScript parser (static, re-exports, `import x = require()`, dynamic `import()`,
// `require()` and `import('…')` types); relative specifiers are resolved to files (`.js` → `.ts`, directories →
// index.ts). Nothing is written and nothing is cached: the same tree gives the same violations in the same order.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The five rules, in report order. */
export const RULES = [
  'kernel-imports-context',
  'cross-context',
  'domain-imports-runtime-sdk',
  'lambdas-imports-outside',
  'context-cycle',
] as const;

export type Rule = (typeof RULES)[number];

export interface Violation {
  rule: Rule;
  /** The importing file, relative to the root, with `/` separators. */
  file: string;
  /** 1-based line of the import. */
  line: number;
  /** The specifier as written in the source. */
  importPath: string;
  message: string;
}

/** One import found in a source file. */
export interface ImportRef {
  specifier: string;
  line: number;
  kind: 'import' | 'export' | 'import-equals' | 'dynamic' | 'require' | 'import-type';
  /** Erased at compile time: `import type`, `export type`, `import type x = require()`, `import('…')` types. */
  typeOnly: boolean;
  /**
   * `import { type A, type B }` / `export { type A }`: every name is a type, but under verbatimModuleSyntax the
   * statement is emitted as `import {} from '…'` and still loads the module, so it is not type-only.
   */
  typeNamesOnly: boolean;
}

/** Directories directly under lambdas/ that form the kernel rather than a context (`shared` is the legacy name). */
export const KERNEL_DIRS: readonly string[] = ['kernel', 'shared'];

/** Top-level directories that nothing under lambdas/ may import from. */
export const OUTSIDE_DIRS: readonly string[] = ['local', 'test', 'bench', 'lib'];

/** Packages that only handlers, wiring, routes and AWS adapters may load at run time. */
export const RUNTIME_SDK_PACKAGES: readonly string[] = [
  '@aws-sdk',
  '@aws-crypto',
  '@middy',
  '@aws-lambda-powertools',
];

const SOURCE_FILE = /\.(?:[cm]?ts|tsx)$/;

type Zone =
  | { kind: 'kernel' }
  | { kind: 'root' }
  | { kind: 'context'; context: string; inner: string }
  | { kind: 'outside'; top: string };

/** The zone of a root-relative path (`/` separators). */
function zoneOf(rel: string): Zone {
  const segments = rel.split('/');
  const [top = '', second = ''] = segments;
  if (top !== 'lambdas') return { kind: 'outside', top };
  if (segments.length === 2) return { kind: 'root' };
  if (KERNEL_DIRS.includes(second)) return { kind: 'kernel' };
  return { kind: 'context', context: second, inner: segments.slice(2).join('/') };
}

/**
 * Files outside handlers/, wiring.ts and aws/ that are runtime or adapter code by their role, each with why: the
 * kernel's handler wiring and the stores that speak to an SDK directly. Paths relative to lambdas/.
 */
export const ADAPTER_FILES: Readonly<Record<string, string>> = {
  'kernel/http.ts': 'the middy + Powertools wiring of every API handler',
  'kernel/task.ts': 'the middy + Powertools wiring of every workflow task',
  'kernel/observability.ts':
    'the Powertools logger and metrics singletons, the port domain code emits through',
  'kernel/integrity/signed-table.ts':
    'the one DynamoDB adapter of signed rows (conditional writes, SDK errors)',
  'kernel/integrity/signed-rows.ts':
    'the composition of the signed-rows layer (signer, verifier, integrity metric)',
  'kernel/privacy/field-cipher.ts': 'the AWS Encryption SDK adapter behind the FieldCipher port',
  'kernel/shield/shield-store.ts':
    'the Shield table adapter (atomic conditional updates of the bot-shield counters)',
  'kernel/idempotency.ts': 'the Powertools idempotency adapter on the idempotency table',
};

/**
 * A domain file: under lambdas/, not in a handlers/ folder, not wiring.ts or routes.ts, not an `aws-*.ts` file,
 * not under the kernel's aws/ or runtime/ folder, not under a context's aws/ folder.
 */
export function isDomainFile(rel: string): boolean {
  const segments = rel.split('/');
  if (segments[0] !== 'lambdas') return false;
  if (ADAPTER_FILES[segments.slice(1).join('/')] !== undefined) return false;
  const base = segments.at(-1) ?? '';
  if (base === 'wiring.ts' || base === 'routes.ts' || base.startsWith('aws-')) return false;
  const folders = segments.slice(1, -1);
  if (folders.includes('handlers')) return false;
  const [zoneDir = '', firstFolder] = folders;
  if (firstFolder === 'aws') return false;
  if (firstFolder === 'runtime' && KERNEL_DIRS.includes(zoneDir)) return false;
  return true;
}

/** Every import of one source file, in source order. */
export function parseImports(fileName: string, text: string): ImportRef[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const found: ImportRef[] = [];
  const add = (node: ts.Node, specifier: ts.Node | undefined, ref: Omit<ImportRef, 'specifier' | 'line'>) => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier: specifier.text, line, ...ref });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeNamesOnly =
        clause !== undefined &&
        !clause.isTypeOnly &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier, {
        kind: 'import',
        typeOnly: clause?.isTypeOnly ?? false,
        typeNamesOnly,
      });
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause;
      const typeNamesOnly =
        !node.isTypeOnly &&
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier, { kind: 'export', typeOnly: node.isTypeOnly, typeNamesOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, {
        kind: 'import-equals',
        typeOnly: node.isTypeOnly,
        typeNamesOnly: false,
      });
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, node.arguments[0], { kind: 'dynamic', typeOnly: false, typeNamesOnly: false });
      } else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        add(node, node.arguments[0], { kind: 'require', typeOnly: false, typeNamesOnly: false });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, { kind: 'import-type', typeOnly: true, typeNamesOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names; when none exists, the most likely name (so its zone is still known). */
function resolveSpecifier(fromFile: string, specifier: string): string {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const ext = path.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  const candidates =
    ext === '.js' || ext === '.jsx'
      ? [`${stem}.ts`, `${stem}.tsx`, `${stem}.d.ts`, base]
      : ext === '.mjs'
        ? [`${stem}.mts`, `${stem}.d.mts`, base]
        : ext === '.cjs'
          ? [`${stem}.cts`, `${stem}.d.cts`, base]
          : [
              base,
              `${base}.ts`,
              `${base}.tsx`,
              `${base}.d.ts`,
              path.join(base, 'index.ts'),
              path.join(base, 'index.tsx'),
            ];
  return candidates.find(isFile) ?? candidates[0] ?? base;
}

function toRel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Source files under `dir` (root-relative), sorted; node_modules and dot-folders are skipped. */
export function listSourceFiles(root: string, dir = 'lambdas'): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && SOURCE_FILE.test(entry.name)) out.push(toRel(root, child));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

function runtimePackage(specifier: string): string | undefined {
  return RUNTIME_SDK_PACKAGES.find((name) => specifier === name || specifier.startsWith(`${name}/`));
}

interface Edge {
  file: string;
  line: number;
  importPath: string;
  typeOnly: boolean;
}

/** Shortest path from `from` to `to` in the context graph (breadth-first, neighbours in name order). */
function shortestPath(graph: Map<string, Map<string, Edge>>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    if (at === to) {
      const route = [to];
      for (let step = to; step !== from; ) {
        step = previous.get(step) ?? from;
        route.unshift(step);
      }
      return route;
    }
    for (const next of [...(graph.get(at)?.keys() ?? [])].sort()) {
      if (previous.has(next)) continue;
      previous.set(next, at);
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * One shortest cycle through each edge that lies on a cycle, deduplicated and rotated to start at the smallest
 * context name: every edge that takes part in a cycle is shown, without listing every elementary cycle.
 */
function findCycles(graph: Map<string, Map<string, Edge>>): string[][] {
  const cycles = new Map<string, string[]>();
  for (const from of [...graph.keys()].sort()) {
    for (const to of [...(graph.get(from)?.keys() ?? [])].sort()) {
      const back = shortestPath(graph, to, from);
      if (back === undefined) continue;
      const cycle = [from, ...back.slice(0, -1)];
      const start = cycle.indexOf([...cycle].sort()[0] ?? from);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(rotated.join(' → '), rotated);
    }
  }
  return [...cycles.values()];
}

/** Code-unit order, the same on every machine (localeCompare depends on the locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeEdge(from: string, to: string, edge: Edge): string {
  const typeOnly = edge.typeOnly ? ', type-only' : '';
  return `${from} → ${to} at ${edge.file}:${edge.line} ('${edge.importPath}'${typeOnly})`;
}

/**
 * Checks the zone rules on `files` (root-relative or absolute; default: every source file under lambdas/).
 * Files outside lambdas/ are read by no rule. Violations come sorted by rule (RULES order), file and line.
 */
export function checkBoundaries(root: string, files?: string[]): Violation[] {
  const absRoot = path.resolve(root);
  const chosen = files ?? listSourceFiles(absRoot);
  const sources = [...new Set(chosen.map((file) => toRel(absRoot, path.resolve(absRoot, file))))].sort();
  const violations: Violation[] = [];
  const graph = new Map<string, Map<string, Edge>>();

  for (const file of sources) {
    const zone = zoneOf(file);
    if (zone.kind === 'outside') continue;
    const abs = path.join(absRoot, file);
    for (const ref of parseImports(file, readFileSync(abs, 'utf8'))) {
      const { specifier, line } = ref;
      const report = (rule: Rule, message: string) =>
        violations.push({ rule, file, line, importPath: specifier, message });

      if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) {
        const sdk = runtimePackage(specifier);
        if (sdk !== undefined && !ref.typeOnly && isDomainFile(file)) {
          const hint = ref.typeNamesOnly
            ? '; every name is `type`, but verbatimModuleSyntax keeps `import {}` and loads the module: write `import type`'
            : '';
          report(
            'domain-imports-runtime-sdk',
            `domain file loads ${sdk}/* at run time; only handlers/, wiring.ts, routes.ts, aws/ and aws-*.ts may (\`import type\` is fine)${hint}`,
          );
        }
        continue;
      }

      const target = toRel(absRoot, resolveSpecifier(abs, specifier));
      const to = zoneOf(target);

      if (to.kind === 'outside') {
        if (OUTSIDE_DIRS.includes(to.top)) {
          report(
            'lambdas-imports-outside',
            `lambdas/ imports ${target} from ${to.top}/; lambdas/ must stand alone`,
          );
        }
        continue;
      }

      if (zone.kind === 'kernel' && to.kind === 'context') {
        report(
          'kernel-imports-context',
          `the kernel imports ${target} from context ${to.context}; move what it needs into the kernel or pass it in through a port`,
        );
      } else if (zone.kind === 'kernel' && to.kind === 'root') {
        report(
          'kernel-imports-context',
          `the kernel imports the composition root ${target}; the kernel must not know the catalogue`,
        );
      }

      if (zone.kind === 'context' && to.kind === 'context' && zone.context !== to.context) {
        const edges = graph.get(zone.context) ?? new Map<string, Edge>();
        graph.set(zone.context, edges);
        if (!edges.has(to.context))
          edges.set(to.context, { file, line, importPath: specifier, typeOnly: ref.typeOnly });

        const composer = zone.inner === 'wiring.ts' || zone.inner === 'routes.ts';
        const allowed = to.inner === 'contracts.ts' || (composer && to.inner === 'wiring.ts');
        if (!allowed) {
          const also = composer ? ` or lambdas/${to.context}/wiring.ts` : '';
          report(
            'cross-context',
            `${target} is internal to context ${to.context}; context ${zone.context} may import only lambdas/${to.context}/contracts.ts${also}`,
          );
        }
      }
    }
  }

  for (const cycle of findCycles(graph)) {
    const steps = cycle.map((from, index) => {
      const to = cycle[(index + 1) % cycle.length] ?? from;
      const edge = graph.get(from)?.get(to);
      return { from, to, edge };
    });
    const first = steps[0]?.edge;
    if (first === undefined) continue;
    const names = [...cycle, cycle[0]].join(' → ');
    const detail = steps
      .flatMap(({ from, to, edge }) => (edge === undefined ? [] : [describeEdge(from, to, edge)]))
      .join('; ');
    violations.push({
      rule: 'context-cycle',
      file: first.file,
      line: first.line,
      importPath: first.importPath,
      message: `context cycle ${names}: ${detail}`,
    });
  }

  return violations.sort(
    (a, b) =>
      RULES.indexOf(a.rule) - RULES.indexOf(b.rule) ||
      compareText(a.file, b.file) ||
      a.line - b.line ||
      compareText(a.importPath, b.importPath) ||
      compareText(a.message, b.message),
  );
}

/** `file:line  rule  imported path  — message` */
export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line}  ${violation.rule}  ${violation.importPath}  — ${violation.message}`;
}

/** How many violations each rule has (every rule present, zero included). */
export function countByRule(violations: readonly Violation[]): Record<Rule, number> {
  const counts = Object.fromEntries(RULES.map((rule) => [rule, 0])) as Record<Rule, number>;
  for (const violation of violations) counts[violation.rule] += 1;
  return counts;
}

/** All violations, one per line, grouped by rule with a count per rule and a total. */
export function formatReport(violations: readonly Violation[]): string {
  const counts = countByRule(violations);
  const lines = [`${violations.length} boundary violation(s)`];
  for (const rule of RULES) {
    if (counts[rule] === 0) continue;
    lines.push('', `${rule} (${counts[rule]})`);
    for (const violation of violations)
      if (violation.rule === rule) lines.push(`  ${formatViolation(violation)}`);
  }
  return lines.join('\n');
}
