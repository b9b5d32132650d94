/**
 * ec2trail as a library: `import { Ec2Trail } from 'ec2trail'` in a CDK app of your own.
 * Everything exported here is the public API (docs/library.md); the rest is internal.
 */

export { PolicyError } from '../lambda/domain/policy/load';
export { RECORD_SCHEMA_VERSION, ROW_SCHEMA_VERSION } from '../lambda/schema/public-schema';
export { restoreRow } from '../lambda/schema/row-codec';
export { buildApp, loadConfig } from './app';
export { ConfigError, type Ec2TrailConfig, parseConfig } from './config';
export { Ec2Trail, type Ec2TrailPolicy, type Ec2TrailProps } from './ec2trail';
export { Ec2TrailStack, type Ec2TrailStackProps } from './ec2trail-stack';
export type { MemberPart } from './features/feature';
export { LogArchiveStack, type LogArchiveStackProps } from './features/trail-path/log-archive-stack';
export { ForwarderStack, type ForwarderStackProps } from './forwarder-stack';
export { readPolicyFile } from './policy-file';
