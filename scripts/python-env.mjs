// Idempotent Python environment for the real TRL GRPO example (examples/sample-grpo/train.py) and the
// demo's image runs. Creates <repo>/.venv/sample-grpo (git-ignored) and installs CPU torch + TRL from the machine's
// LOCAL PyPI mirror. Why these rules (docs/testing.md#python-side):
//  - the image lists its mirrors only as *extra* indexes; without PIP_INDEX_URL pointing at one of
//    them pip keeps retrying the unreachable public index (7 minutes instead of 1);
//  - torch is pinned to the +cpu build, else pip first tries a CUDA build it cannot complete;
//  - never install globally: everything goes into the ignored venv.
// Usage: `import { ensurePythonEnv } from './python-env.mjs'` or `node scripts/python-env.mjs`
// (prints the venv's python path on stdout; progress goes to stderr).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const venvDir = path.join(repoRoot, '.venv', 'sample-grpo');
// pillow: the demo's procedural image runs (examples/gui_grounding/make_run.py) draw their screenshots with it;
// >= 10.1 for the scalable built-in font. Kept in this venv so the demo provisions one environment, not two.
export const requirements = ['torch==2.13.0+cpu', 'transformers', 'trl', 'tokenizers', 'datasets', 'pyarrow', 'pillow>=10.1'];
const basePython = process.env.PYTHON || 'python3';

/**
 * The first `file://` URL among pip's configured extra-index-url values whose folder exists.
 * Returns { url, checked } where `checked` lists what was looked at (for the error message).
 */
export function findLocalMirror(python = basePython) {
  let out = '';
  try {
    out = execFileSync(python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`could not run \`${python} -m pip config list\`: ${e.message}`);
  }
  const checked = [];
  for (const line of out.split('\n')) {
    // Lines look like: global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'
    const m = /^[^=]*extra-index-url='?([^']*)'?\s*$/.exec(line.trim());
    if (!m) continue;
    for (const url of m[1].split(/\s+/).filter(Boolean)) {
      if (!url.startsWith('file://')) continue;
      const dir = fileURLToPath(url);
      checked.push(dir);
      if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return { url, checked };
    }
  }
  return { url: undefined, checked };
}

function run(cmd, args, env, quiet) {
  const r = spawnSync(cmd, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 2, 2], env, encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = quiet ? `\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(-4000) : '';
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})${tail}`);
  }
}

/**
 * Makes sure the venv <repo>/.venv/<name> exists with `requirements` installed from the local mirror;
 * returns its python path. A stamp file inside the venv records the requirement list, so a second
 * call returns at once. Without a mirror it throws a message saying what to install by hand.
 */
export async function ensureVenv({ name, requirements: reqs, purpose, quiet }) {
  const log = (msg) => {
    if (!quiet) process.stderr.write(`[python-env] ${msg}\n`);
  };
  const dir = path.join(repoRoot, '.venv', name);
  const stamp = path.join(dir, '.rollout-lens-requirements');
  const py = path.join(dir, 'bin', 'python');
  const want = reqs.join('\n');
  if (fs.existsSync(py) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === want) {
    return py;
  }
  const t0 = Date.now();
  const { url, checked } = findLocalMirror();
  if (!url) {
    throw new Error(
      'No local PyPI mirror found: `pip config list` shows no `extra-index-url` with a file:// folder that exists' +
        (checked.length ? ` (checked: ${checked.join(', ')})` : '') +
        `. ${purpose} needs ${reqs.join(', ')}. Install by hand:\n` +
        `  ${basePython} -m venv ${dir}\n` +
        `  ${dir}/bin/pip install --index-url <your index> ${reqs.map((r) => `'${r}'`).join(' ')}\n` +
        `  printf '%s\\n' ${reqs.map((r) => `'${r}'`).join(' ')} > ${stamp}`,
    );
  }
  if (!fs.existsSync(py)) {
    log(`creating virtual environment ${path.relative(repoRoot, dir)}`);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    run(basePython, ['-m', 'venv', dir], process.env, quiet);
  }
  log(`installing ${reqs.join(' ')} from ${url}`);
  const env = { ...process.env, PIP_INDEX_URL: url, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  run(py, ['-m', 'pip', 'install', ...(quiet ? ['-q'] : []), ...reqs], env, quiet);
  fs.writeFileSync(stamp, want + '\n');
  log(`python environment ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${py}`);
  return py;
}

/** The sample GRPO run's venv (about 1 minute, 1.4 GB the first time). */
export function ensurePythonEnv({ quiet } = {}) {
  return ensureVenv({ name: 'sample-grpo', requirements, purpose: 'The sample GRPO run', quiet });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write((await ensurePythonEnv()) + '\n');
  } catch (e) {
    process.stderr.write(`[python-env] ${e.message}\n`);
    process.exitCode = 1;
  }
}
