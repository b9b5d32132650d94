/** The pure attribution core, shared by the Lambda, the CLI and the benchmarks. */
export * from './actions';
export * from './alert';
export * from './attribute';
export * from './identity';
export * from './launch';
export * from './policy/compile';
export * from './policy/evaluate';
export * from './policy/glob';
export * from './policy/load';
export * from './policy/schema';
export * from './record';
export * from './shapes';
export * from './time';
export * from './user-agent';
