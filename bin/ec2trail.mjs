#!/usr/bin/env node
// The ec2trail CLI entry: runs the TypeScript sources through tsx, so there is no build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('../cli/main.ts');
