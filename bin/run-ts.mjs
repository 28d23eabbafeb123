#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, fault scripts) under the same loader as the CLI.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const script = process.argv[2];
if (!script) {
  console.error('usage: run-ts.mjs SCRIPT.ts [args…]');
  process.exit(2);
}
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(script)).href);
