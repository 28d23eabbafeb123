#!/usr/bin/env node
// The `guichet` command from the compiled JavaScript in dist/ (npm run build), as `npm start`
// runs it: no TypeScript loader in the process, about 50 MB less memory than bin/guichet.mjs.
const { runCli } = await import('../dist/cli.js');
process.exitCode = await runCli(process.argv.slice(2));
