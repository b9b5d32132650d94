import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Policy } from '../lambda/domain/policy/schema';
import type { Ec2TrailConfig } from './config';
import { Ec2Trail } from './ec2trail';

/** The config and policy the stack's one Ec2Trail is built from. */
export interface Ec2TrailStackProps extends StackProps {
  /** The config as read from `ec2trail.config.json` and `-c` values. */
  readonly config: Ec2TrailConfig;
  /** The validated launch policy. */
  readonly policy: Policy;
}

/**
 * The stack this repository's app deploys: one Ec2Trail and nothing else. The construct's id is
 * `Default`, which the CDK leaves out of logical ids, so its resources keep the ids they had
 * when they were the stack's own, and an existing deploy updates in place.
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { Ec2TrailStack, parseConfig, readPolicyFile } from 'ec2trail';
 *
 * const config = parseConfig({ alertEmails: ['team@example.com'] }, 'my app');
 * new Ec2TrailStack(new App(), 'Ec2Trail', { config, policy: readPolicyFile('policy.yaml') });
 */
export class Ec2TrailStack extends Stack {
  public readonly ec2trail: Ec2Trail;

  constructor(scope: Construct, id: string, props: Ec2TrailStackProps) {
    super(scope, id, props);
    const { stackName: _name, account, region, policyFile: _file, tags: _tags, ...fields } = props.config;
    this.ec2trail = new Ec2Trail(this, 'Default', {
      ...fields,
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      policy: props.policy,
    });
  }

  get table() {
    return this.ec2trail.table;
  }
  get alerts() {
    return this.ec2trail.alerts;
  }
  get deadLetters() {
    return this.ec2trail.deadLetters;
  }
  get attribution() {
    return this.ec2trail.attribution;
  }
  get lifecycleRule() {
    return this.ec2trail.lifecycleRule;
  }
  get monitoring() {
    return this.ec2trail.monitoring;
  }
  get trailPath() {
    return this.ec2trail.trailPath;
  }
  get remediation() {
    return this.ec2trail.remediation;
  }
  get memberForwarders() {
    return this.ec2trail.memberForwarders;
  }
}
