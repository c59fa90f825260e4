// Suites beyond typecheck, lint and the node:test unit suite. Each returns
// {passed, failed, skipped, failures}; scripts/test.mjs adds them up.
import { spawnSync } from 'node:child_process';
import { NODE_VERSIONS, ensureNode } from './runtimes.mjs';

/** Python's unittest (stdlib only: the companion logger and the reward adapter run with system python3). */
function pythonSuite() {
  return {
    name: 'python',
    run() {
      const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'test/python', '-v'], { encoding: 'utf8' });
      process.stdout.write(r.stdout);
      process.stdout.write(r.stderr);
      const ran = /Ran (\d+) tests?/.exec(r.stderr);
      const failed = /FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?/.exec(r.stderr);
      const skipped = /skipped=(\d+)/.exec(r.stderr);
      const total = ran ? Number(ran[1]) : 0;
      const bad = failed ? Number(failed[1] ?? 0) + Number(failed[2] ?? 0) : r.status === 0 ? 0 : 1;
      const skip = skipped ? Number(skipped[1]) : 0;
      const failures = [...r.stderr.matchAll(/^(?:FAIL|ERROR): (.+)$/gm)].map((m) => `python: ${m[1]}`);
      if (bad && failures.length === 0) failures.push(`python: unittest exited ${r.status}`);
      return { passed: Math.max(0, total - bad - skip), failed: bad, skipped: skip, failures };
    },
  };
}

/**
 * A real VS Code (code-server) and Chromium: installs what it needs first (scripts/e2e-setup.mjs).
 * `generation` picks the VS Code (and so the Node its extension host runs on); `env` reaches the
 * extension host and the engine it forks.
 */
function e2eSuite(nodeTestSuite, name, generation, env = {}) {
  const inner = nodeTestSuite(name, ['test/e2e'], { ROLLOUT_LENS_E2E_VSCODE: generation, ...env });
  return {
    name,
    async run() {
      try {
        const { ensureE2e } = await import('./e2e-setup.mjs');
        await ensureE2e(generation);
      } catch (e) {
        return { passed: 0, failed: 1, skipped: 0, failures: [`e2e setup: ${e instanceof Error ? e.message : String(e)}`] };
      }
      return inner.run();
    },
  };
}

/** A real single-node Slurm (munge, slurmctld, slurmd), installed and started as root first. */
function slurmSuite(nodeTestSuite) {
  const inner = nodeTestSuite('slurm', ['test/slurm']);
  return {
    name: 'slurm',
    async run() {
      try {
        const { ensureSlurm } = await import('./slurm-setup.mjs');
        await ensureSlurm();
      } catch (e) {
        return { passed: 0, failed: 1, skipped: 0, failures: [`slurm setup: ${e instanceof Error ? e.message : String(e)}`] };
      }
      return inner.run();
    },
  };
}

/** The webview bundles in Debian's headless Chromium against a fake host (needs apt chromium). */
function webviewSuite(nodeTestSuite) {
  const inner = nodeTestSuite('webview', ['test/webview']);
  return {
    name: 'webview',
    async run() {
      try {
        const { ensureApt } = await import('./e2e-setup.mjs');
        ensureApt();
      } catch (e) {
        return { passed: 0, failed: 1, skipped: 0, failures: [`webview setup: ${e instanceof Error ? e.message : String(e)}`] };
      }
      return inner.run();
    },
  };
}

/**
 * The store, ingest, explorer and re-score contract suites on every runtime × driver a VS Code server
 * may give the engine (docs/packaging.md#runtimes): better-sqlite3 on Node 22 and 24 (Node 20 is the
 * main unit suite), node:sqlite on Node 22 and 24. The Node binaries come from the npm registry
 * (scripts/runtimes.mjs, cached), so each leg runs a real runtime.
 */
const DRIVER_SUITE_FILES = [
  'test/unit/store',
  'test/unit/ingest',
  'test/unit/rewards/rescore.test.ts',
  'test/contract',
  'test/reliability/dbFaults.test.ts',
  'test/reliability/processFaults.test.ts',
];

function driverMatrixSuites(nodeTestSuite) {
  const legs = [];
  for (const major of ['22', '24']) {
    for (const driver of ['better-sqlite3', 'node:sqlite']) {
      const node = () => {
        const v = NODE_VERSIONS[major];
        return ensureNode(v);
      };
      legs.push(
        nodeTestSuite(`node${major}-${driver.replace(':', '-')}`, DRIVER_SUITE_FILES, { ROLLOUT_LENS_SQLITE_DRIVER: driver }, node),
      );
    }
  }
  return legs;
}

export function suites(nodeTestSuite) {
  return [
    ...driverMatrixSuites(nodeTestSuite),
    pythonSuite(),
    webviewSuite(nodeTestSuite),
    slurmSuite(nodeTestSuite),
    nodeTestSuite('packaging', ['test/packaging']),
    // A new machine's setup, into an empty cache, under this npm's environment (test/setup): one
    // prebuild for another ABI and one non-default code-server, about 5 minutes.
    nodeTestSuite('cold-setup', ['test/setup']),
    e2eSuite(nodeTestSuite, 'e2e', '1.100'),
    e2eSuite(nodeTestSuite, 'e2e-vscode-1.117', '1.117'),
    // The newest VS Code runs the engine on node:sqlite end to end, as a VS Code whose ABI no prebuild
    // matches would: the installed VSIX has its prebuilds removed, the working tree's engine is told
    // to (code-server's environment only: the test process itself stays on Node 20).
    e2eSuite(nodeTestSuite, 'e2e-vscode-1.139', '1.139', { ROLLOUT_LENS_E2E_ENGINE_DRIVER: 'node:sqlite' }),
  ];
}
