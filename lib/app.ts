// Builds the Palisade CDK app from its context: the primary stack, the replica-Region stack and cdk-nag's
// AwsSolutions checks. Used by bin/palisade.ts and by the infra tests, so both synthesise the same app.
import { type App, ReferenceStrength, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { drVaultName } from './backups.js';
import { type DeployConfig, readDeployConfig, STUB_CODE_CONTEXT_KEY } from './config.js';
import { PalisadeStack } from './palisade-stack.js';
import { ReplicaStack } from './replica-stack.js';

export const PRIMARY_STACK_NAME = 'Palisade';
export const REPLICA_STACK_NAME = 'PalisadeReplica';

export interface PalisadeApp {
  config: DeployConfig;
  primary: PalisadeStack;
  replica: ReplicaStack;
}

export interface ComposeOptions {
  /** The deploying account when the CLI knows it; stacks stay account-agnostic otherwise. */
  account?: string;
}

/** Throws SettingsError (naming the key) on bad context before any construct is created. */
export function composeApp(app: App, options: ComposeOptions = {}): PalisadeApp {
  const config = readDeployConfig(app.node);
  const stubCode = app.node.tryGetContext(STUB_CODE_CONTEXT_KEY) === true;
  const account = options.account ? { account: options.account } : {};

  const primary = new PalisadeStack(app, PRIMARY_STACK_NAME, {
    env: { ...account, region: config.settings.primaryRegion },
    description: 'Palisade: account security backend (API, identity, data, workflows, monitoring)',
    // The primary template nears CloudFormation's 1 MB limit; without indentation it is about half the size.
    suppressTemplateIndentation: true,
    config,
    stubCode,
  });
  const replica = new ReplicaStack(app, REPLICA_STACK_NAME, {
    env: { ...account, region: config.settings.replicaRegion },
    description: 'Palisade: replica-Region keys and backup vault for disaster recovery',
    primaryDataKeyArn: primary.data.dataKey.attrArn,
    primarySigningKeyArn: primary.data.signingKey.keyArn,
    // The primary's stack id by a weak reference (Fn::GetStackOutput), as the data key's ARN.
    drVaultName: drVaultName(
      primary.stackName,
      Stack.consumeReference(primary.stackId, ReferenceStrength.WEAK),
    ),
  });

  Tags.of(app).add('project', 'palisade');
  // Every synth (CLI and tests) runs the AwsSolutions pack; any unacknowledged finding fails synthesis.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, primary, replica };
}
