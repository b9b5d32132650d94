/** The CDK app entry: `cdk synth` / `cdk deploy` run this. */
import { App } from 'aws-cdk-lib';
import { buildApp, loadConfig } from '../lib/app';
import { ConfigError } from '../lib/config';

const app = new App();
try {
  buildApp(app, loadConfig(app));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A configuration mistake is the user's to fix: say what, without a stack trace.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
