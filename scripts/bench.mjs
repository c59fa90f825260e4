// `npm run bench`: set up (idempotent), then run bench/run.ts. Flags pass through: --quick, --json, --only=NAME.
import { spawnSync } from 'node:child_process';
import { build, ensureNodeModules, ensureRuntimesQuietly, log, setQuiet } from './setup.mjs';

// With --json, stdout carries exactly one JSON object: setup output goes to stderr.
setQuiet(process.argv.includes('--json'));
ensureNodeModules();
build();
// The drivers bench runs the engine on Node 22 with each driver: it needs the runtimes `npm test`
// makes. Without them it is skipped with the reason; the other benchmarks still run.
const env = { ...process.env };
try {
  const runtimes = await ensureRuntimesQuietly();
  const node22 = runtimes.find((r) => r.version.startsWith('22.'));
  if (node22) env.ROLLOUT_LENS_BENCH_NODE22 = node22.nodeBin;
} catch (e) {
  const why = e instanceof Error ? e.message : String(e);
  log(`runtimes not ready, the drivers bench is skipped: ${why}`);
  env.ROLLOUT_LENS_BENCH_NO_RUNTIMES = why;
}
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exitCode = r.status ?? 1;
