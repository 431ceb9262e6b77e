// What one catalogue Access grants, as data: the IAM statements it adds to a function's role and the
// environment variables it hands the function (those ACCESS_ENV names that the stack does not hand already).
import { type CfnElement, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { Access } from '../../lambdas/catalogue.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import type { ACCESS_ENV, BaseEnvName } from '../../lambdas/kernel/runtime/access-env.js';
import type { Custody } from '../custody.js';
import type { Data } from '../data.js';
import type { PalisadeFunction } from '../functions.js';
import type { Identity } from '../identity.js';
import type { Messaging } from '../messaging.js';
import type { QueuedMail } from '../queued-mail.js';

/** The resources grants point at; the later ones are filled in as the stack builds them. */
export interface GrantContext {
  data: Data;
  identity: Identity;
  messaging: Messaging;
  /** Functions invoked by others (catalogue INVOKABLE), built before any function that invokes them. */
  invokables?: Map<Access, PalisadeFunction>;
  /** The workflows a function may start: those built before it. */
  stateMachines?: ReadonlyMap<WorkflowName, sfn.IStateMachine>;
  /** C3: the custody system's transfer queue. */
  custody?: Custody;
  /** The on-failure queue of the user-mail function's queued emails. */
  queuedMail?: QueuedMail;
}

/**
 * Variables the stack hands functions itself: BASE_ENV to every function, STATE_MACHINES to every one
 * that may start a workflow (lib/grants/workflows.ts).
 */
type StackEnvName = BaseEnvName | 'STATE_MACHINES';

/** The variables the grant of an access must hand its function itself. */
export type GrantEnvName<A extends Access> = Exclude<(typeof ACCESS_ENV)[A][number], StackEnvName>;

interface GrantApply {
  apply(fn: PalisadeFunction, ctx: GrantContext): void;
}

/** The grant of one access; `env` is required exactly when the access needs a variable of its own. */
export type Grant<A extends Access> = GrantApply &
  ([GrantEnvName<A>] extends [never]
    ? { env?: undefined }
    : { env(fn: PalisadeFunction, ctx: GrantContext): Record<GrantEnvName<A>, string> });

export type GrantTable = { [A in Access]: Grant<A> };

/** One Allow statement on the function's own role. */
export function allow(
  fn: PalisadeFunction,
  actions: string[],
  resources: string[],
  conditions?: Record<string, unknown>,
): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
  );
}

/** One Deny statement on the function's own role: it overrides any Allow, this one's or a later one's. */
export function deny(
  fn: PalisadeFunction,
  actions: string[],
  resources: string[],
  conditions: Record<string, unknown>,
): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ effect: iam.Effect.DENY, actions, resources, conditions }),
  );
}

/** The table key is only usable through DynamoDB, never for direct KMS calls. */
export const viaDynamoDb = (fn: PalisadeFunction) => ({
  StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` },
});

/**
 * How cdk-nag names the ARN of `resource` (its default child) in a statement of `fn`'s role: `<Id.Arn>` in the
 * same stack; from a nested stack, CDK hands it as a parameter (`referenceto<unique id>Arn`), named so.
 */
export function nagArnOf(fn: PalisadeFunction, resource: IConstruct): string {
  const element = (resource.node.defaultChild ?? resource) as CfnElement;
  const home = Stack.of(element);
  return Stack.of(fn) === home
    ? `<${home.getLogicalId(element)}.Arn>`
    : `<referenceto${Names.nodeUniqueId(element.node)}Arn>`;
}
