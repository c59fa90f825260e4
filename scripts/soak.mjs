// `npm run soak [-- --minutes=30]`: set up (idempotent), then bench/soak.ts (docs/architecture.md#performance).
import { spawnSync } from 'node:child_process';
import { build, ensureNodeModules } from './setup.mjs';

ensureNodeModules();
build();
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/soak.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
