/** The pure attribution core, shared by the Lambda, the CLI and the benchmarks. */
export * from './actions';
export * from './attribute';
export * from './identity';
export * from './launch';
export * from './record';
export * from './shapes';
export * from './time';
export * from './user-agent';
