// `npm run bench`: set up (idempotent), then run bench/run.ts. Flags pass through: --quick, --json, --only=NAME.
import { spawnSync } from 'node:child_process';
import { build, ensureNodeModules, setQuiet } from './setup.mjs';

// With --json, stdout carries exactly one JSON object: setup output goes to stderr.
setQuiet(process.argv.includes('--json'));
ensureNodeModules();
build();
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
