#!/usr/bin/env node
// The ec2trail CLI entry: runs the TypeScript sources through tsx, so there is no build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

// The SDK warns on every run that its 2027 releases will need Node.js 22; the CLI supports 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
createRequire(import.meta.url)('../cli/main.ts');
