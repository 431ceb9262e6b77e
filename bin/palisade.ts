// The CDK app entry (`cdk synth`, `cdk deploy`): context → settings → stacks, with cdk-nag on every synth.
// A bad context value stops here with its key named, before anything is synthesised.
import { App } from 'aws-cdk-lib';
import { SettingsError } from '../lambdas/kernel/settings.js';
import { composeApp } from '../lib/app.js';
import { CONTEXT_KEYS } from '../lib/config.js';

const app = new App();
try {
  // The CLI sets CDK_DEFAULT_ACCOUNT when it has credentials; without them the stacks stay account-agnostic.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  composeApp(app, account ? { account } : {});
} catch (err) {
  if (err instanceof SettingsError) {
    console.error(
      `${err.message}\nContext keys (cdk.json "palisade" object or -c key=value): ${CONTEXT_KEYS.join(', ')}`,
    );
    process.exit(1);
  }
  throw err;
}
app.synth();
