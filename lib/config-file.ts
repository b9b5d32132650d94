/** The deploy config's file name, shared by `cdk deploy` and the CLI (which must not pull in the CDK). */
export const DEFAULT_CONFIG_FILE = 'ec2trail.config.json';
