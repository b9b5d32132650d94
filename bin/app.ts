/** The CDK app entry: `cdk synth` / `cdk deploy` run this. */
import { App } from 'aws-cdk-lib';
import { buildApp, isUserError, loadConfig } from '../lib/app';
import { requireNode } from './node-version.mjs';

requireNode('cdk synth (ec2trail)');

const app = new App();
try {
  buildApp(app, loadConfig(app));
} catch (error) {
  if (!isUserError(error)) throw error;
  // A configuration or policy mistake is the user's to fix: say what, without a stack trace.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
