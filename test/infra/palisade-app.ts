// Test helper: synthesises the Palisade app exactly as bin/palisade.ts does (cdk.json context, composeApp,
// cdk-nag), with inline stub code unless a test checks bundling, into a throw-away output directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { composeApp, type PalisadeApp } from '../../lib/app.js';
import { STUB_CODE_CONTEXT_KEY } from '../../lib/config.js';
import { PROJECT_ROOT } from '../../lib/functions.js';

const CDK_JSON = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** cdk.json's context (feature flags and the `palisade` object), as the CLI hands it to the app. */
export const cdkJsonContext = (): Record<string, unknown> => structuredClone(CDK_JSON.context);

export interface Synthesised extends PalisadeApp {
  app: App;
  outdir: string;
  template: Template;
  /** The nested stack of the REST API and its firewall. */
  apiTemplate: Template;
  replicaTemplate: Template;
  cleanup(): void;
}

/** Context as the CLI would pass it (cdk.json, then `-c` overrides); stub code unless `bundle` is set. */
export function synthPalisade(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'palisade-cdk-'));
  const app = new App({
    outdir,
    context: { ...CDK_JSON.context, [STUB_CODE_CONTEXT_KEY]: !options.bundle, ...context },
  });
  const built = composeApp(app);
  app.synth();
  return {
    ...built,
    app,
    outdir,
    template: Template.fromStack(built.primary),
    apiTemplate: Template.fromStack(built.primary.http),
    replicaTemplate: Template.fromStack(built.replica),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  } satisfies Synthesised;
}

/** The CloudFormation logical id of a construct (its default child for L2 constructs). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export const getAttArn = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every statement of every inline policy attached to a role, plus the role's managed policy ARNs. */
export function roleStatements(template: Template, roleLogicalId: string) {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties?.Roles ?? []) as unknown[];
    if (!roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    statements.push(...(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  return { statements, managedPolicies: (role?.Properties?.ManagedPolicyArns ?? []) as unknown[] };
}

export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/**
 * How the API's nested stack refers to a construct of the primary stack: the `{Ref}` of the parameter the
 * primary stack fills with that construct's ARN (CDK passes cross-stack references as parameters).
 */
export function apiRefToArn(s: Pick<Synthesised, 'template'>, construct: IConstruct): { Ref: string } {
  const wanted = JSON.stringify(getAttArn(construct));
  for (const nested of Object.values(s.template.findResources('AWS::CloudFormation::Stack'))) {
    const parameters = (nested.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const name = Object.keys(parameters).find((key) => JSON.stringify(parameters[key]) === wanted);
    if (name) return { Ref: name };
  }
  throw new Error(`No nested-stack parameter carries the ARN of ${construct.node.path}`);
}
