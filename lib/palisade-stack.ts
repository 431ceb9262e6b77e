// The primary Region's stack: composes the constructs and wires each catalogue function to the resources
// its Access list names. A new catalogue entry (route, task, workflow) needs no change here.

import * as path from 'node:path';
import { CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ADMIN_AUTHORIZER,
  AUDIT_CHECKPOINT,
  INVOKABLE,
  OPERATOR_FUNCTIONS,
  OUTBOX_SWEEPER,
  PLATFORM_KEY_INIT,
  ROUTES,
  type RouteSpec,
  SCHEDULED,
  USER_AUTHORIZER,
  WORKFLOW_SCHEDULES,
  WORKFLOWS,
} from '../lambdas/catalogue.js';
import { TABLES, type TableId, type TableSpec } from '../lambdas/kernel/tables.js';
import { Api } from './api.js';
import { AuditTrail } from './audit-trail.js';
import { Backups } from './backups.js';
import type { DeployConfig } from './config.js';
import { Console } from './console.js';
import { Custody } from './custody.js';
import { Data } from './data.js';
import { Firewall } from './firewall.js';
import { Functions, type PalisadeFunction, PROJECT_ROOT } from './functions.js';
import { type GrantContext, grantAccess } from './grants/index.js';
import { startsWorkflows, stateMachinesEnvironment } from './grants/workflows.js';
import { Identity } from './identity.js';
import { Logging } from './logging.js';
import { Messaging } from './messaging.js';
import { Monitoring } from './monitoring.js';
import { QueuedMail } from './queued-mail.js';
import { Schedules } from './schedules.js';
import { WorkflowSchedules } from './workflow-schedules.js';
import { Workflows } from './workflows.js';

/** The variable each table's physical name reaches the functions by (lambdas/kernel/tables.ts). */
function tableEnvironment(
  tables: Record<TableId, { tableName: string }>,
): Record<TableSpec['envVar'], string> {
  return Object.fromEntries(
    (Object.keys(TABLES) as TableId[]).map((id) => [TABLES[id].envVar, tables[id].tableName]),
  ) as Record<TableSpec['envVar'], string>;
}

export interface PalisadeStackProps extends StackProps {
  config: DeployConfig;
  /** Inline stub code instead of esbuild bundles (infra tests that do not check bundling). */
  stubCode?: boolean;
}

export class PalisadeStack extends Stack {
  readonly config: DeployConfig;
  readonly logging: Logging;
  readonly identity: Identity;
  readonly data: Data;
  readonly messaging: Messaging;
  readonly backups: Backups;
  readonly custody: Custody;
  readonly queuedMail: QueuedMail;
  readonly functions: Functions;
  readonly workflows: Workflows;
  /** F1: the workflows started on a schedule (EventBridge Scheduler), beside their state machines. */
  readonly workflowSchedules: WorkflowSchedules;
  readonly api: Api;
  readonly http: NestedStack;
  /** The invoked functions, the workflow tasks and the state machines (a nested stack). */
  readonly internal: NestedStack;
  /** The route functions, a nested stack per route auth (public, user, admin). */
  readonly routeStacks: Record<RouteSpec['auth'], NestedStack>;
  readonly firewall: Firewall;
  readonly monitoring: Monitoring;
  /** Functions run on a schedule (D3: the audit checkpoint writer). */
  readonly schedules: Schedules;
  readonly auditTrail?: AuditTrail;
  /** X5: the admin console's hosting (private bucket behind CloudFront). */
  readonly console: Console;
  /** The function serving each route, by route id. */
  readonly routeFunctions = new Map<string, PalisadeFunction>();
  readonly authorizerFunction: PalisadeFunction;
  readonly adminAuthorizerFunction: PalisadeFunction;
  readonly vault: PalisadeFunction;
  /** The operators' one-off functions (catalogue OPERATOR_FUNCTIONS), by id. */
  readonly operatorFunctions = new Map<string, PalisadeFunction>();

  constructor(scope: Construct, id: string, props: PalisadeStackProps) {
    super(scope, id, props);
    const { settings, infra } = props.config;
    this.config = props.config;

    this.logging = new Logging(this, 'Logging');
    this.identity = new Identity(this, 'Identity');
    this.data = new Data(this, 'Data');
    this.messaging = new Messaging(this, 'Messaging', {
      mailFrom: infra.mailFrom,
      replicaRegion: settings.replicaRegion,
    });
    this.backups = new Backups(this, 'Backups', {
      tables: this.data.tables,
      vaultKey: this.data.dataKeyRef,
      replicaRegion: settings.replicaRegion,
    });

    // BASE_ENV (lambdas/kernel/runtime/access-env.ts), parsed by aws-env.ts; ids and names only, no secrets.
    this.functions = new Functions(this, 'Functions', {
      logging: this.logging,
      stubCode: props.stubCode ?? false,
      environment: {
        ...tableEnvironment(this.data.tables),
        USER_POOL_ID: this.identity.userPool.userPoolId,
        USER_POOL_CLIENT_ID: this.identity.userPoolClient.userPoolClientId,
        ADMIN_POOL_ID: this.identity.adminPool.userPoolId,
        ADMIN_POOL_CLIENT_ID: this.identity.adminPoolClient.userPoolClientId,
        SIGNING_KEY_ID: this.data.signingKey.keyArn,
        DATA_KEY_ID: this.data.dataKey.attrArn,
        MAIL_FROM: infra.mailFrom,
        PALISADE_SETTINGS: JSON.stringify(settings),
      },
    });
    this.custody = new Custody(this, 'Custody');
    // The functions (4 resources each: role, policy, log group, function) live in nested stacks, so the
    // primary stack keeps the shared resources (tables, keys, buckets, pools, queues, secrets, alarms) and far
    // fewer than CloudFormation's 500 resources as contexts add functions. A nested stack's grants only write
    // its own roles' policies (the parent's resources come in as parameters), so what refers to a nested stack
    // (Http, a stack calling its functions, the alarms on the state machines) reads its outputs and no cycle
    // forms. The authorizers stay here: API Gateway's authorizer permission is made beside the function and
    // names the authorizer of Http (from a nested stack, it would refer to Http and Http to it). The scheduled
    // functions and the platform key's initialiser, few, stay beside what names them here (their rules and
    // alarms, the checkpoint bucket's policy, the custom resource).
    this.internal = new NestedStack(this, 'Internal', {
      description: 'Palisade: invoked functions, workflow tasks and state machines',
    });
    this.routeStacks = {
      public: new NestedStack(this, 'PublicRoutes', {
        description: 'Palisade: the public routes’ functions',
      }),
      user: new NestedStack(this, 'UserRoutes', { description: 'Palisade: the user routes’ functions' }),
      admin: new NestedStack(this, 'AdminRoutes', { description: 'Palisade: the admin routes’ functions' }),
    };
    const targets: GrantContext = {
      data: this.data,
      identity: this.identity,
      messaging: this.messaging,
      custody: this.custody,
    };
    const wire = (fn: PalisadeFunction) => grantAccess(fn, fn.spec.access, targets);
    // Invoked functions first, in catalogue order: each caller gets their names and the right to call them.
    // One that starts a workflow (lib/grants/workflows.ts) waits for the workflows (whose tasks may
    // themselves invoke the others).
    this.queuedMail = new QueuedMail(this.internal, 'QueuedMail');
    targets.queuedMail = this.queuedMail;
    targets.invokables = new Map();
    const invokables = targets.invokables;
    for (const { access, spec } of INVOKABLE.filter((i) => !startsWorkflows(i.spec.access))) {
      const fn = this.functions.create(spec, {}, this.internal);
      wire(fn);
      invokables.set(access, fn);
    }
    this.vault = invokables.get('vault:invoke') as PalisadeFunction;
    // A login's emails are asynchronous invocations of the user-mail function: their failures are kept.
    this.queuedMail.attach((invokables.get('user-mail:send') as PalisadeFunction).fn);
    // B3: the platform key is generated during the first deploy, by a function CloudFormation runs.
    const platformKeyInit = this.functions.create(PLATFORM_KEY_INIT);
    wire(platformKeyInit);
    const platformKey = this.messaging.initPlatformKey(platformKeyInit);

    // Workflow tasks first: the state machines need their ARNs, and the other functions get the machines'.
    this.workflows = new Workflows(this.internal, 'Workflows', {
      workflows: WORKFLOWS,
      functions: this.functions,
      logging: this.logging,
      // D2: a task that starts another workflow (the admin plane's execution task) gets the workflows built
      // before its own, their ARNs in STATE_MACHINES; WORKFLOWS orders them so that none is missing.
      onTask: (fn, built) => {
        if (startsWorkflows(fn.spec.access)) {
          targets.stateMachines = built;
          for (const [name, value] of Object.entries(stateMachinesEnvironment(this, built))) {
            fn.addEnvironment(name, value);
          }
        }
        wire(fn);
        delete targets.stateMachines;
      },
    });
    this.workflowSchedules = new WorkflowSchedules(this.internal, 'WorkflowSchedules', {
      schedules: WORKFLOW_SCHEDULES,
      stateMachines: this.workflows.stateMachines,
    });
    // Entry functions (routes, authorizers, invoked functions that start workflows) know every workflow.
    const entryEnvironment = stateMachinesEnvironment(this, this.workflows.stateMachines);
    targets.stateMachines = this.workflows.stateMachines;
    for (const invokable of INVOKABLE.filter((i) => startsWorkflows(i.spec.access))) {
      const fn = this.functions.create(invokable.spec, { environment: entryEnvironment }, this.internal);
      wire(fn);
      invokables.set(invokable.access, fn);
    }

    // F2: the operators' one-off functions (the roster backfill), beside the workflows they start; their names
    // are outputs, which the operator scripts read.
    for (const spec of OPERATOR_FUNCTIONS) {
      const fn = this.functions.create(spec, { environment: entryEnvironment }, this.internal);
      wire(fn);
      this.operatorFunctions.set(spec.id, fn);
    }

    this.authorizerFunction = this.functions.create(USER_AUTHORIZER, { environment: entryEnvironment });
    wire(this.authorizerFunction);
    this.adminAuthorizerFunction = this.functions.create(ADMIN_AUTHORIZER, { environment: entryEnvironment });
    wire(this.adminAuthorizerFunction);
    const routes = ROUTES.map((route: RouteSpec) => {
      const fn = this.functions.create(
        route,
        { environment: entryEnvironment },
        this.routeStacks[route.auth],
      );
      wire(fn);
      this.routeFunctions.set(route.id, fn);
      return { route, handler: fn.fn };
    });

    // The REST API (resources, methods, models, gateway responses: about a third of the stack) lives in its own
    // nested stack, so the stack stays under CloudFormation's 500 resources as routes are added. It only
    // references the functions; the routes' invoke permissions are made beside their methods, in Http.
    this.http = new NestedStack(this, 'Http', {
      description: 'Palisade: the REST API (routes, authorizers, validation, gateway responses)',
    });
    this.api = new Api(this.http, 'Api', {
      routes,
      authorizer: this.authorizerFunction.fn,
      adminAuthorizer: this.adminAuthorizerFunction.fn,
      logging: this.logging,
      ...(infra.publicBaseUrl ? { publicBaseUrl: infra.publicBaseUrl } : {}),
      corsOrigins: infra.corsOrigins,
    });
    // The firewall sits beside the stage it protects (cdk-nag checks the association within the stack).
    this.firewall = new Firewall(this.http, 'Firewall', {
      stage: this.api.api.deploymentStage,
      restrictedCountries: settings.restrictedCountries,
      largeBodyRoutes: ROUTES.flatMap(({ method, path, maxBodyBytes }) =>
        maxBodyBytes === undefined ? [] : [{ method, path, maxBodyBytes }],
      ),
      formRoutes: ROUTES.flatMap(({ method, path, link }) => (link === 'action' ? [{ method, path }] : [])),
      logging: this.logging,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      schedules: SCHEDULED,
      functions: this.functions,
      wire,
      workflowEnvironment: entryEnvironment,
    });
    const checkpointWriter = this.schedules.scheduled.get(AUDIT_CHECKPOINT.id)?.fn;
    const outboxSweeper = this.schedules.scheduled.get(OUTBOX_SWEEPER.id)?.fn;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachines: this.workflows.stateMachines,
      ...(checkpointWriter ? { checkpointWriter: checkpointWriter.fn } : {}),
      ...(outboxSweeper ? { outboxSweeper: outboxSweeper.fn } : {}),
      mailFailures: this.queuedMail.failures,
      ...(infra.alarmEmail ? { alarmEmail: infra.alarmEmail } : {}),
    });
    // X5: the admin console's bucket and distribution (a handful of resources, beside the access logs).
    this.console = new Console(this, 'Console', {
      apiUrl: this.api.api.url,
      accessLogs: this.data.accessLogs,
      distDir: path.join(PROJECT_ROOT, 'console', 'dist'),
      stubCode: props.stubCode ?? false,
      ...(infra.consoleDomain && infra.consoleCertificateArn
        ? { domain: { name: infra.consoleDomain, certificateArn: infra.consoleCertificateArn } }
        : {}),
    });
    if (infra.cloudTrail) {
      this.auditTrail = new AuditTrail(this, 'AuditTrail', {
        accessLogs: this.data.accessLogs,
        dataBuckets: [this.data.kycDocuments],
      });
    }

    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'AdminPoolId', { value: this.identity.adminPool.userPoolId });
    new CfnOutput(this, 'AdminPoolClientId', { value: this.identity.adminPoolClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'X5: the admin console (name its origin in corsOrigins so the page may call the API)',
      value: `https://${infra.consoleDomain ?? this.console.distribution.distributionDomainName}/console/`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    // D3: `npm run audit:verify -- --table … --checkpoint-bucket <this>` checks the chain against it.
    new CfnOutput(this, 'AuditCheckpointBucket', { value: this.data.checkpoints.bucket.bucketName });
    // F2: `npm run screening:backfill -- --aws --function-name <this>` runs the roster backfill.
    const backfill = this.operatorFunctions.get('BackfillRoster');
    if (backfill) {
      new CfnOutput(this, 'ScreeningBackfillFunctionName', {
        description: 'F2: the roster backfill (npm run screening:backfill -- --aws --function-name …)',
        value: backfill.fn.functionName,
      });
    }
    new CfnOutput(this, 'PgpKeyFingerprint', {
      description:
        'B3: the platform OpenPGP key that signs mail (as GET /v1/pgp-key and gpg --fingerprint show it)',
      value: platformKey.getAttString('Fingerprint'),
    });
  }
}
