// `npm run demo`: for now (until the VS Code demo lands) ingests the committed real TRL run and
// prints its per-step statistics through the CLI. Idempotent: installs and builds only when needed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build, ensureNodeModules } from './setup.mjs';

ensureNodeModules();
build();
const fixture = path.resolve('test/fixtures/trl-real');
const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-lens-demo-')), 'demo.db');
const cli = (args) => spawnSync(process.execPath, ['bin/rollout-lens.js', ...args], { stdio: 'inherit' }).status;
console.log(`\nIngesting the real TRL GRPO run in ${fixture}…`);
if (cli(['ingest', fixture, '--db', db, '--run', 'trl-sample', '--format', 'trl']) !== 0) process.exit(1);
console.log('\nPer-step statistics:');
cli(['stats', '--db', db, '--run', 'trl-sample']);
console.log(`\nDatabase: ${db}\nTry: npx rollout-lens runs --db ${db}`);
