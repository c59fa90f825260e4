// `npm run bench`: set up (idempotent), then run bench/run.ts. Flags pass through: --quick, --json, --only=NAME.
import { spawnSync } from 'node:child_process';
import { build, ensureNodeModules } from './setup.mjs';

const quiet = process.argv.includes('--json');
ensureNodeModules({ quiet });
build({ quiet });
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
