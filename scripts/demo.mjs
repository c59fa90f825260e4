// `npm run demo`: a real VS Code (code-server for the newest generation in GENERATIONS, VS Code
// 1.139 on Node 24) on 127.0.0.1 with Rollout Lens installed and a demo workspace whose
// `.rollout-lens/runs.json` holds two runs:
// - `realistic-grpo`, launched before the workbench opens: a procedural writer (NOT a model,
//   examples/realistic-run) that writes GRPO-shaped math rollouts with long chain-of-thought
//   responses, 64 steps over about a minute;
// - `sample-grpo`, the real tiny TRL GRPO run on CPU, which "Open Sample Run" launches; it is paced
//   (--min-step-seconds) so the explorer fills step by step.
// Two finished image runs are ingested into the database (not profiles: nothing to launch):
// `gui-grounding-procedural` and `vision-zero-procedural`, written by a procedural generator (NOT a
// model, examples/gui_grounding/make_run.py) with generated screenshots and shape scenes; the first
// raises the box_growth alert.
// Ctrl-C stops everything this script started (code-server by process group, runs through `stop`).
// `npm run demo -- --headless`: the sample run through the CLI, printing a per-step summary.
// Options: --port=N (default 8080, or a free one), --steps=N (sample run, default 40),
// --vscode=1.100|1.117|1.139 (the VS Code generation; default the newest).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { childEnv } from './childEnv.mjs';
import { codeServerArgs, ensureE2e, GENERATIONS } from './e2e-setup.mjs';
import { ensurePythonEnv } from './python-env.mjs';
import { build, ensureNodeModules } from './setup.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const headless = process.argv.includes('--headless');
const steps = arg('steps', '40');
const say = (m) => process.stdout.write(`[demo] ${m}\n`);
const timed = async (what, fn) => {
  const t0 = Date.now();
  say(`${what}…`);
  const r = await fn();
  say(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return r;
};

const demo = path.join(root, '.demo');
const workspace = path.join(demo, 'workspace');
const db = path.join(demo, 'demo.db');
const cli = path.join(root, 'bin', 'rollout-lens.js');
const generated = path.join(demo, 'generated');
const IMAGE_RUNS = ['gui-grounding-procedural', 'vision-zero-procedural', 'video-grounding-procedural'];
/** Runs whose rewards no rule checks, from the test fixtures (each folder's README says how it was made). */
const JUDGED_RUNS = [
  { run: 'brpo-trl', file: path.join('test', 'fixtures', 'trl-brpo'), format: 'trl' },
  { run: 'longwriter-three-rms', file: path.join('test', 'fixtures', 'longwriter-rm', 'rollouts.jsonl'), format: 'native' },
  { run: 'verifree-p-reference', file: path.join('test', 'fixtures', 'verifree', 'rollouts.jsonl'), format: 'native' },
];

/** An ffmpeg for the procedural videos: on PATH, else the npm package the tests use (a devDependency), else none. */
function findFfmpeg() {
  const onPath = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (onPath.status === 0) return 'ffmpeg';
  const bundled = path.join(root, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');
  return fs.existsSync(bundled) ? bundled : undefined;
}
const REALISTIC_TOKENIZER = path.join(workspace, '.rollout-lens', 'runs', 'realistic-grpo', 'tokenizer', 'tokenizer.json');

/** The demo workspace: the sample profile with absolute paths into this repository and its venv. */
function writeWorkspace(python) {
  const src = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'sample-grpo', 'runs.json'), 'utf8'));
  const sample = src.profiles.find((p) => p.name === 'sample-grpo');
  const profile = {
    ...sample,
    description: `The real tiny TRL GRPO run on CPU: a 2-layer model learns small additions, ${steps} steps, one a second`,
    command: python,
    args: [
      path.join(root, 'examples', 'sample-grpo', 'train.py'),
      '--output-dir',
      '${runDir}/output',
      '--steps',
      steps,
      '--min-step-seconds',
      '1',
    ],
    cwd: root,
  };
  const realistic = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'realistic-run', 'runs.json'), 'utf8')).profiles[0];
  const realisticProfile = {
    ...realistic,
    command: process.execPath,
    args: [path.join(root, 'examples', 'realistic-run', 'writer.mjs'), ...realistic.args.slice(1), '--interval-ms=1000'],
    cwd: root,
  };
  fs.mkdirSync(path.join(workspace, '.rollout-lens'), { recursive: true });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, '.rollout-lens', 'runs.json'),
    JSON.stringify({ version: 1, profiles: [realisticProfile, profile] }, null, 2) + '\n',
  );
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      { 'rolloutLens.databasePath': db, 'workbench.startupEditor': 'readme', 'rolloutLens.tokenizerPath': REALISTIC_TOKENIZER },
      null,
      2,
    ) + '\n',
  );
  fs.writeFileSync(
    path.join(workspace, 'README.md'),
    [
      '# Rollout Lens demo',
      '',
      'Open the **Rollout Lens** view (activity bar). The runs:',
      '',
      '- **realistic-grpo** is already filling: a procedural writer (not a model) of GRPO-shaped math rollouts,',
      '  long chain-of-thought responses, 8 samples per prompt that branch, 64 steps over about a minute.',
      '  Expand it, a step, a group, and click the tree icon (Open Group View); the graph icon on the run opens its dashboard.',
      '- **sample-grpo** is a real (tiny) TRL GRPO run on CPU: start it with "… → Open Sample Run" in the view\'s title bar.',
      '- **gui-grounding-procedural** and **vision-zero-procedural** are finished runs with images, also procedural (not a model):',
      '  GUI grounding on generated screenshots whose predicted boxes grow under an IoU-only reward (a box-growth alert),',
      '  and "who\'s the spy" games on generated shape scenes. See examples/gui_grounding/README.md in the repository.',
      '- **video-grounding-procedural**: temporal grounding on generated videos (examples/video_grounding/README.md).',
      '- **brpo-trl**, **longwriter-three-rms** and **verifree-p-reference** are rewards without a verifier: a real tiny TRL run',
      '  trained with BRPO against a stand-in pairwise judge, three reward models averaged per model, and p(reference) as the',
      '  reward. Open a group: the Judges section shows verdicts, per-model shares and p; the dashboard charts them.',
      '',
      'Help → Get Started → "Inspect a GRPO run with Rollout Lens" walks through the rest (re-score, diff).',
      '',
    ].join('\n'),
  );
}

/**
 * Writes the procedural image runs (once: make_run.py skips runs written by the same sources) and
 * ingests them into the fresh demo database, so they are in the Runs view from the start.
 */
function ingestImageRuns(python) {
  const make = spawnSync(python, [path.join(root, 'examples', 'gui_grounding', 'make_run.py'), '--out', generated], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`examples/gui_grounding/make_run.py failed: ${make.stderr || make.stdout}`);
  const ffmpeg = findFfmpeg();
  const video = spawnSync(
    python,
    [path.join(root, 'examples', 'video_grounding', 'make_run.py'), '--out', generated, ...(ffmpeg ? ['--ffmpeg', ffmpeg] : [])],
    { encoding: 'utf8' },
  );
  if (video.status !== 0) throw new Error(`examples/video_grounding/make_run.py failed: ${video.stderr || video.stdout}`);
  for (const run of IMAGE_RUNS) {
    const file = path.join(generated, run, 'rollouts.jsonl');
    const r = spawnSync(process.execPath, [cli, 'ingest', file, '--db', db, '--run', run, '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not ingest ${file}: ${r.stderr || r.stdout}`);
    say(`${run} (procedural, not a model): ${JSON.parse(r.stdout).samples_added} samples`);
  }
  for (const j of JUDGED_RUNS) {
    const file = path.join(root, j.file);
    const r = spawnSync(process.execPath, [cli, 'ingest', file, '--db', db, '--run', j.run, '--format', j.format, '--json'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`could not ingest ${file}: ${r.stderr || r.stdout}`);
    say(`${j.run} (${j.file}): ${JSON.parse(r.stdout).samples_added} samples`);
  }
}

function cliJson(args) {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8', cwd: workspace });
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

async function runHeadless() {
  say(`launching the sample GRPO run (${steps} steps) through the CLI; rollouts go to ${db}`);
  const launch = spawn(process.execPath, [cli, 'launch', '--profile', 'sample-grpo', '--db', db, '--follow'], {
    cwd: workspace,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => launch.kill('SIGINT');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const shown = new Set();
  const header = () => say('step  samples  reward  eff-grad  reflecting  clip');
  header();
  const print = () => {
    const rows = cliJson(['stats', '--db', db, '--run', 'sample-grpo']) ?? [];
    for (const r of rows) {
      if (shown.has(r.step) || r.split !== 'train') continue;
      shown.add(r.step);
      const f = (v, d = 3) => (v === null || v === undefined ? '-' : Number(v).toFixed(d));
      say(
        `${String(r.step).padStart(4)}  ${String(r.samples).padStart(7)}  ${f(r.reward_mean).padStart(6)}  ${f(r.effective_gradient_ratio).padStart(8)}  ${f(r.reflection?.share_responses).padStart(10)}  ${f(r.clip_ratio, 2).padStart(4)}`,
      );
    }
  };
  const timer = setInterval(() => fs.existsSync(db) && print(), 1000);
  const code = await new Promise((r) => launch.once('exit', (c) => r(c)));
  clearInterval(timer);
  print();
  say(`run finished (exit ${code}); ${shown.size} steps. Database: ${db}`);
  say(`try: npx rollout-lens stats --db ${db} --run sample-grpo`);
  process.exitCode = code ?? 1;
}

async function freePort(wanted) {
  const tryPort = (p) =>
    new Promise((resolve) => {
      const s = net.createServer().once('error', () => resolve(undefined));
      s.listen(p, '127.0.0.1', () => {
        const got = s.address().port;
        s.close(() => resolve(got));
      });
    });
  return (await tryPort(wanted)) ?? (await tryPort(0));
}

async function runVsCode(codeServer) {
  const port = await freePort(Number(arg('port', '8080')));
  const state = path.join(demo, 'code-server');
  const ext = path.join(state, 'extensions');
  fs.mkdirSync(path.join(state, 'data', 'User'), { recursive: true });
  fs.mkdirSync(ext, { recursive: true });
  const link = path.join(ext, 'rollout-lens.rollout-lens-0.1.0');
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(root, link);
  fs.writeFileSync(
    path.join(state, 'data', 'User', 'settings.json'),
    JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'workbench.tips.enabled': false,
      'workbench.startupEditor': 'readme',
      'git.openRepositoryInParentFolders': 'never',
      // The demo folder is generated here, in a profile of its own: asking whether to trust it (or,
      // in VS Code 1.139, opening it in Restricted Mode, where runs cannot be launched) only gets
      // in a new user's way.
      'security.workspace.trust.enabled': false,
      // VS Code 1.139 opens a Chat side bar over a third of the window; the demo is about runs.
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }),
  );
  const child = spawn(
    codeServer.node,
    codeServerArgs({
      entry: codeServer.entry,
      port,
      config: path.join(state, 'config.yaml'),
      data: path.join(state, 'data'),
      extensions: ext,
      workspace,
    }),
    // Not npm's environment: VS Code's terminals and the runs it launches would inherit npm_config_*.
    {
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: childEnv({ XDG_CONFIG_HOME: path.join(state, 'xdg'), XDG_DATA_HOME: path.join(state, 'xdg') }),
    },
  );
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  say(
    `\n\n  Rollout Lens in VS Code: ${url}\n\n  Open the Rollout Lens view (activity bar): the realistic run (procedural, not a model) is filling;\n  "… → Open Sample Run" starts the real TRL run. Ctrl-C stops code-server and both runs.\n`,
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const r of cliJson(['status', '--db', db]) ?? []) {
      if (r.state === 'running' || r.state === 'pending')
        spawnSync(process.execPath, [cli, 'stop', r.run, '--db', db], { cwd: workspace, stdio: 'inherit' });
    }
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      process.exit(0);
    }, 3000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  await new Promise((r) => child.once('exit', r));
  if (!stopping) say('code-server exited');
}

async function main() {
  const t0 = Date.now();
  await timed('npm dependencies', () => ensureNodeModules());
  await timed('building the extension, engine and CLI', () => build());
  // Each demo starts from an empty database: a run re-launched under the same name would repeat
  // identities already stored (docs/runs.md), and a demo should show a run filling from nothing.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
  fs.rmSync(path.join(workspace, '.rollout-lens', 'runs'), { recursive: true, force: true });
  const python = await timed(
    "the demo's Python environment (torch CPU, transformers, trl, pillow from the local mirror; ~60 s the first time)",
    () => ensurePythonEnv(),
  );
  writeWorkspace(python);
  await timed('the procedural image runs (GUI grounding, Vision-Zero games; ~3 s the first time)', () => ingestImageRuns(python));
  if (headless) return runHeadless();
  // The newest VS Code generation the suites run in, unless --vscode asks for another.
  const generation = arg('vscode', Object.keys(GENERATIONS).at(-1));
  const codeServer = await timed(`code-server for VS Code ${generation} (~2 min the first time)`, () => ensureE2e(generation));
  // Started before the workbench: when the Runs view opens, the engine adopts the run (docs/runs.md,
  // "Reattach") and ingests the steps written so far, then follows it live.
  const launched = spawnSync(process.execPath, [cli, 'launch', '--profile', 'realistic-grpo', '--db', db], {
    cwd: workspace,
    encoding: 'utf8',
  });
  if (launched.status !== 0) throw new Error(`could not launch the realistic run: ${launched.stderr || launched.stdout}`);
  say('realistic-grpo (procedural writer, not a model) started: 64 steps over about a minute');
  say(`ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return runVsCode(codeServer);
}

main().catch((e) => {
  process.stderr.write(`[demo] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
