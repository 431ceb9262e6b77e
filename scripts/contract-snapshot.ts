// `npm run contract:update`: the contract snapshot (OpenAPI document, synthesised resources) that
// test/infra/contract.test.ts holds the code to; without --update, prints the difference and exits 1 on one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { buildOpenApi } from '../lambdas/openapi.js';
import { logicalId, synthPalisade } from '../test/infra/palisade-app.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONTRACT_DIR = path.join(ROOT, 'test', 'infra', 'contract');
export const OPENAPI_SNAPSHOT = path.join(CONTRACT_DIR, 'openapi.json');
export const RESOURCES_SNAPSHOT = path.join(CONTRACT_DIR, 'resources.json');
export const UPDATE_COMMAND = 'npm run contract:update';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Any JSON-able value with every object's keys sorted (arrays keep their order); undefined is dropped. */
export function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort(byCodePoint)) {
      if (value[key] !== undefined) out[key] = sortKeys(value[key]);
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/** Pretty JSON with sorted keys: the semantic form the test compares (the file itself is biome-formatted). */
export const stableJson = (value: unknown) => `${JSON.stringify(sortKeys(value), null, 2)}\n`;

// ---------------------------------------------------------------------------------------------------------
// OpenAPI

/** The document /openapi.json serves (local/local-routes.ts), without `servers`: that is the local URL. */
export const openApiSnapshot = (): Json => sortKeys(buildOpenApi());

// ---------------------------------------------------------------------------------------------------------
// CloudFormation

/**
 * A CloudFormation value with its intrinsics as strings: `Ref:X`, `GetAtt:X.Attr`; a Join becomes one string
 * with `${…}` around each intrinsic; any other intrinsic becomes `Fn::Name(<rendered argument>)`.
 */
export function render(value: unknown): Json {
  if (Array.isArray(value)) return value.map(render);
  if (!isRecord(value)) return sortKeys(value);
  const keys = Object.keys(value);
  const [only] = keys;
  if (keys.length === 1 && only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    const arg = value[only];
    if (only === 'Ref' && typeof arg === 'string') return `Ref:${arg}`;
    if (only === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return `GetAtt:${String(id)}.${String(attribute)}`;
    }
    if (only === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      const separator = arg[0];
      const parts = arg[1].map((part: unknown) => {
        if (typeof part === 'string') return part;
        const rendered = render(part);
        return `\${${typeof rendered === 'string' ? rendered : JSON.stringify(rendered)}}`;
      });
      return parts.join(separator);
    }
    return `${only}(${JSON.stringify(render(arg))})`;
  }
  const out: JsonObject = {};
  for (const key of keys.sort(byCodePoint)) out[key] = render(value[key]);
  return out;
}

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const sortedStrings = (values: Json[]) =>
  [...new Set(values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))].sort(byCodePoint);

/** One policy statement, order-free: Action/Resource lists sorted, intrinsics rendered as strings. */
export function normaliseStatement(statement: unknown): JsonObject {
  if (!isRecord(statement)) return { unparsed: render(statement) };
  const out: JsonObject = { Effect: render(statement.Effect) };
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (statement[key] !== undefined) out[key] = sortedStrings(asList(statement[key]).map(render));
  }
  for (const key of ['Sid', 'Principal', 'NotPrincipal', 'Condition'] as const) {
    if (statement[key] !== undefined) out[key] = render(statement[key]);
  }
  return sortKeys(out) as JsonObject;
}

/** A policy document's statements, normalised and sorted (statement order carries no meaning in IAM). */
export function normaliseDocument(document: unknown): Json[] {
  const statements = isRecord(document) ? asList(document.Statement) : [];
  return statements.map(normaliseStatement).sort((a, b) => byCodePoint(JSON.stringify(a), JSON.stringify(b)));
}

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

function resourcesOf(template: CfnTemplate): Record<string, CfnResource> {
  const out: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (!isRecord(resource)) continue;
    out[id] = {
      Type: String(resource.Type),
      Properties: isRecord(resource.Properties) ? resource.Properties : {},
    };
  }
  return out;
}

const refTarget = (value: unknown) =>
  isRecord(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
const keysOf = (value: unknown) => (isRecord(value) ? Object.keys(value).sort(byCodePoint) : []);

/** Full path of an API Gateway resource id ('' for the root), rebuilt from the parent links. */
function apiPaths(resources: Record<string, CfnResource>) {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const props = resources[id]?.Properties ?? {};
    const parent = refTarget(props.ParentId);
    const full = `${parent && resources[parent] ? pathOf(parent) : ''}/${String(props.PathPart)}`;
    paths.set(id, full);
    return full;
  };
  return (resourceId: unknown) => {
    const id = refTarget(resourceId);
    return id && resources[id]?.Type === 'AWS::ApiGateway::Resource' ? pathOf(id) : '/';
  };
}

/**
 * What one resource contributes to the snapshot: always its Type, and for the kinds the contract cares about
 * the properties that cannot embed an asset hash, a code location or a source path (Lambda and role
 * descriptions name the handler's file, so they are left out on purpose).
 */
function describe(id: string, resource: CfnResource, pathOf: (resourceId: unknown) => string): JsonObject {
  const p = resource.Properties;
  const type = resource.Type;
  switch (type) {
    case 'AWS::Lambda::Function': {
      const environment = isRecord(p.Environment) ? p.Environment.Variables : undefined;
      return {
        Type: type,
        Architectures: render(p.Architectures ?? null),
        EnvironmentVariableNames: keysOf(environment),
        Handler: render(p.Handler ?? null),
        MemorySize: render(p.MemorySize ?? null),
        Role: render(p.Role ?? null),
        Runtime: render(p.Runtime ?? null),
        Timeout: render(p.Timeout ?? null),
      };
    }
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return {
        Type: type,
        Roles: sortedStrings(asList(p.Roles).map(render)),
        Statements: normaliseDocument(p.PolicyDocument),
      };
    case 'AWS::IAM::Role': {
      const inline: JsonObject = {};
      for (const policy of asList(p.Policies)) {
        if (isRecord(policy)) inline[String(policy.PolicyName)] = normaliseDocument(policy.PolicyDocument);
      }
      return {
        Type: type,
        AssumeRolePolicy: normaliseDocument(p.AssumeRolePolicyDocument),
        InlinePolicies: inline,
        ManagedPolicyArns: sortedStrings(asList(p.ManagedPolicyArns).map(render)),
      };
    }
    case 'AWS::KMS::Key':
      return { Type: type, KeyPolicy: normaliseDocument(p.KeyPolicy) };
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SQS::QueuePolicy':
    case 'AWS::SNS::TopicPolicy':
      return { Type: type, Statements: normaliseDocument(p.PolicyDocument) };
    case 'AWS::ApiGateway::Resource':
      return { Type: type, Path: pathOf({ Ref: id }), PathPart: render(p.PathPart) };
    case 'AWS::ApiGateway::Method': {
      const integration = isRecord(p.Integration) ? p.Integration : {};
      return {
        Type: type,
        Path: pathOf(p.ResourceId),
        HttpMethod: render(p.HttpMethod),
        AuthorizationType: render(p.AuthorizationType ?? null),
        AuthorizerId: render(p.AuthorizerId ?? null),
        RequestModelKeys: keysOf(p.RequestModels),
        RequestParameterKeys: keysOf(p.RequestParameters),
        IntegrationType: render(integration.Type ?? null),
        IntegrationUri: render(integration.Uri ?? null),
      };
    }
    case 'AWS::CloudFormation::Stack':
      // TemplateURL names the nested template's asset hash; the parameters are the cross-stack references.
      return { Type: type, Parameters: render(p.Parameters ?? {}) };
    default:
      return { Type: type };
  }
}

/** The snapshot of one template: every resource by logical id, and the outputs. */
export function summariseTemplate(template: CfnTemplate): JsonObject {
  const resources = resourcesOf(template);
  const pathOf = apiPaths(resources);
  const summary: JsonObject = {};
  for (const [id, resource] of Object.entries(resources)) {
    summary[id] = describe(id, resource, pathOf);
  }
  const outputs: JsonObject = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (!isRecord(output)) continue;
    outputs[name] = render(
      output.Export === undefined ? { Value: output.Value } : { Value: output.Value, Export: output.Export },
    );
  }
  return sortKeys({ Resources: summary, Outputs: outputs }) as JsonObject;
}

export interface StackTemplates {
  main: CfnTemplate;
  api: CfnTemplate;
  /** The functions' nested stacks (lib/palisade-stack.ts), by construct id: Internal, UserRoutes, … */
  functions: Record<string, CfnTemplate>;
  replica: CfnTemplate;
}

/** Synthesises the app with stub code (test/infra/palisade-app.ts) and returns the templates. */
export function synthTemplates(): StackTemplates {
  const s = synthPalisade();
  try {
    const stacks = [s.primary.internal, ...Object.values(s.primary.routeStacks)];
    return {
      main: s.template.toJSON() as CfnTemplate,
      api: s.apiTemplate.toJSON() as CfnTemplate,
      functions: Object.fromEntries(
        stacks.map((stack) => [
          stack.node.id,
          s.nestedTemplates.get(logicalId(stack.nestedStackResource as CfnElement))?.toJSON() as CfnTemplate,
        ]),
      ),
      replica: s.replicaTemplate.toJSON() as CfnTemplate,
    };
  } finally {
    s.cleanup();
  }
}

/** The resources snapshot of the main stack, its nested stacks (API, functions) and the replica stack. */
export function templateSnapshot(templates: StackTemplates = synthTemplates()): Json {
  return sortKeys({
    main: summariseTemplate(templates.main),
    api: summariseTemplate(templates.api),
    functions: Object.fromEntries(
      Object.entries(templates.functions).map(([id, template]) => [id, summariseTemplate(template)]),
    ),
    replica: summariseTemplate(templates.replica),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Comparison

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const child = (at: string, key: string | number) =>
  typeof key === 'number'
    ? `${at}[${key}]`
    : IDENTIFIER.test(key)
      ? `${at}.${key}`
      : `${at}[${JSON.stringify(key)}]`;
const brief = (value: Json, max = 140) => {
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};
const isPrimitiveList = (value: Json[]) => value.every((v) => v === null || typeof v !== 'object');

/** Every difference between two JSON values, one line each: `+ path: value`, `- path: value`, `~ path: a → b`. */
export function diffJson(expected: Json, actual: Json, at = '$'): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  if (isRecord(expected) && isRecord(actual)) {
    const lines: string[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort(byCodePoint);
    for (const key of keys) {
      const before = expected[key];
      const after = actual[key];
      if (before === undefined && after !== undefined) lines.push(`+ ${child(at, key)}: ${brief(after)}`);
      else if (after === undefined && before !== undefined)
        lines.push(`- ${child(at, key)}: ${brief(before)}`);
      else if (before !== undefined && after !== undefined)
        lines.push(...diffJson(before, after, child(at, key)));
    }
    return lines;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (isPrimitiveList(expected) && isPrimitiveList(actual)) {
      const was = new Set(expected.map((v) => JSON.stringify(v)));
      const now = new Set(actual.map((v) => JSON.stringify(v)));
      const added = [...now].filter((v) => !was.has(v));
      const removed = [...was].filter((v) => !now.has(v));
      if (added.length === 0 && removed.length === 0)
        return [`~ ${at}: order ${brief(expected)} → ${brief(actual)}`];
      return [...added.map((v) => `+ ${at}[]: ${v}`), ...removed.map((v) => `- ${at}[]: ${v}`)];
    }
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const before = expected[i];
      const after = actual[i];
      if (before === undefined && after !== undefined) lines.push(`+ ${child(at, i)}: ${brief(after)}`);
      else if (after === undefined && before !== undefined) lines.push(`- ${child(at, i)}: ${brief(before)}`);
      else if (before !== undefined && after !== undefined)
        lines.push(...diffJson(before, after, child(at, i)));
    }
    return lines;
  }
  return [`~ ${at}: ${brief(expected)} → ${brief(actual)}`];
}

/** A readable failure message for a snapshot that no longer matches, or undefined when it matches. */
export function mismatchReport(name: string, file: string, expected: Json, actual: Json, limit = 40) {
  const lines = expected === null ? ['the snapshot file is missing'] : diffJson(expected, actual);
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, limit);
  const more = lines.length > limit ? [`… and ${lines.length - limit} more difference(s)`] : [];
  return [
    `${name} differs from ${path.relative(ROOT, file)} (${lines.length} difference(s); + added, - removed, ~ changed):`,
    ...shown.map((line) => `  ${line}`),
    ...more,
    `If this change is intended, run \`${UPDATE_COMMAND}\` and commit the updated snapshot.`,
  ].join('\n');
}

/** The committed snapshot, or null when the file does not exist yet. */
export function readSnapshot(file: string): Json {
  if (!existsSync(file)) return null;
  return sortKeys(JSON.parse(readFileSync(file, 'utf8')));
}

// ---------------------------------------------------------------------------------------------------------
// CLI

function writeSnapshots(snapshots: [string, Json][]) {
  mkdirSync(CONTRACT_DIR, { recursive: true });
  for (const [file, value] of snapshots) writeFileSync(file, stableJson(value));
  // The files stay in the repository's format (`npm run lint`); the test compares parsed JSON, not text.
  const biome = path.join(ROOT, 'node_modules', '.bin', 'biome');
  execFileSync(biome, ['format', '--write', ...snapshots.map(([file]) => file)], {
    cwd: ROOT,
    stdio: 'ignore',
  });
}

function main(argv: string[]) {
  const update = argv.includes('--update');
  const snapshots: [string, string, Json][] = [
    ['OpenAPI document', OPENAPI_SNAPSHOT, openApiSnapshot()],
    ['Synthesised resources', RESOURCES_SNAPSHOT, templateSnapshot()],
  ];
  if (update) {
    writeSnapshots(snapshots.map(([, file, value]) => [file, value]));
    for (const [, file] of snapshots) console.log(`wrote ${path.relative(ROOT, file)}`);
    return 0;
  }
  let failed = false;
  for (const [name, file, actual] of snapshots) {
    const report = mismatchReport(name, file, readSnapshot(file), actual);
    if (report) {
      failed = true;
      console.error(report);
    } else console.log(`${name}: matches ${path.relative(ROOT, file)}`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
