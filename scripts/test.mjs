// `npm test`: installs what it needs (idempotently), builds, then runs every suite and ends with
// the line "N passed, N failed". Options: --only <substring> (test files), --suite <name>[,<name>],
// --skip-setup.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, ensureNodeModules, ensureRuntimesQuietly } from './setup.mjs';
import { suites as extraSuites } from './suites.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt('--only');
const wanted = opt('--suite')?.split(',');

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** A check that is one test: passes when the command exits 0. */
function checkSuite(name, cmd, cmdArgs) {
  return {
    name,
    run() {
      const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
      const ok = r.status === 0;
      return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, failures: ok ? [] : [`${name} failed`] };
    },
  };
}

/**
 * node:test over TypeScript files (tsx), counted by scripts/count-reporter.mjs. `dirs` are folders or
 * single test files; `node` runs them on another Node binary (the driver matrix).
 */
export function nodeTestSuite(name, dirs, extraEnv = {}, node = () => process.execPath) {
  return {
    name,
    run() {
      const files = dirs.flatMap((d) => (d.endsWith('.test.ts') ? [d] : findTests(d))).filter((f) => !only || f.includes(only));
      if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, failures: [] };
      fs.mkdirSync('.artifacts', { recursive: true });
      const countsFile = path.join('.artifacts', `${name}-counts.json`);
      fs.rmSync(countsFile, { force: true });
      const r = spawnSync(
        node(),
        [
          '--import',
          'tsx',
          '--test',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=./scripts/count-reporter.mjs',
          `--test-reporter-destination=${countsFile}`,
          ...files,
        ],
        { stdio: 'inherit', env: { ...process.env, ...extraEnv } },
      );
      if (!fs.existsSync(countsFile)) {
        return { passed: 0, failed: 1, skipped: 0, failures: [`${name}: the test runner crashed (exit ${r.status})`] };
      }
      const counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
      if (r.status !== 0 && counts.failed === 0) {
        counts.failed = 1;
        counts.failures.push(`${name}: runner exited ${r.status}`);
      }
      return counts;
    },
  };
}

const suites = [
  checkSuite('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']),
  checkSuite('typecheck-webview', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'webview/tsconfig.json']),
  checkSuite('manifest', process.execPath, ['scripts/check-manifest.mjs']),
  checkSuite('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']),
  // One code style (.prettierrc.json), checked rather than hoped for: `npm run format` fixes it.
  checkSuite('format', process.execPath, [
    'node_modules/prettier/bin/prettier.cjs',
    '--check',
    '--log-level=warn',
    'src',
    'webview',
    'test',
    'scripts',
    'bench',
  ]),
  nodeTestSuite('unit', ['test/unit', 'test/contract', 'test/reliability']),
  ...extraSuites(nodeTestSuite),
];

if (!args.includes('--skip-setup')) {
  ensureNodeModules();
  build();
  await ensureRuntimesQuietly();
  // The sample run's venv (torch from the local mirror) before the suites: the slime converter's
  // tests need torch, and the Slurm and e2e suites reuse it. Without a mirror those tests say so.
  try {
    const { ensurePythonEnv } = await import('./python-env.mjs');
    await ensurePythonEnv();
  } catch (e) {
    process.stdout.write(`[setup] no Python environment with torch: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

const total = { passed: 0, failed: 0, skipped: 0, failures: [] };
for (const s of suites) {
  if (wanted && !wanted.includes(s.name)) continue;
  if (only && ['typecheck', 'typecheck-webview', 'lint', 'format', 'manifest'].includes(s.name)) continue;
  const t0 = Date.now();
  process.stdout.write(`\n=== ${s.name} ===\n`);
  const r = await s.run();
  process.stdout.write(
    `=== ${s.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  total.failures.push(...r.failures);
}
if (total.failures.length) {
  process.stdout.write('\nFailures:\n' + total.failures.map((f) => `  - ${f}`).join('\n') + '\n');
}
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
process.exitCode = total.failed ? 1 : 0;
