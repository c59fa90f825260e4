// rollout-lens launch | status | stop: run profiles from the command line (docs/runs.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProfiles, profilesFileFor } from '../../core/runs/profiles';
import { RunSupervisor } from '../../core/runs/supervisor';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError } from '../../shared/errors';
import type { RunStatus } from '../../shared/runs';
import { jsonOption, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';

/** Without --db: the workspace's own database next to its profiles. */
function dbPath(v: Values, create: boolean): string {
  const explicit = str(v['db']);
  if (explicit) return explicit;
  const file = path.resolve('.rollout-lens', 'rollout-lens.db');
  if (create) fs.mkdirSync(path.dirname(file), { recursive: true });
  else if (!fs.existsSync(file)) throw new LensError(ErrorCode.NotFound, `${file}: no database here; pass --db FILE`);
  return file;
}

const PREFERRED = [
  /^reward$/,
  /^critic\/score\/mean$/,
  /^rewards\/.*\/mean$/,
  /^loss$/,
  /^actor\/pg_loss$/,
  /^grad_norm$/,
  /^actor\/entropy$/,
  /^entropy$/,
  /^response_length\/mean$/,
  /^completions\/mean_length$/,
];

function fmt(v: number | null): string {
  if (v === null) return 'nan';
  return Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5
      ? v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')
      : v.toExponential(3);
}

function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** One line per step: the step, up to six headline metrics, the ETA when a progress bar gave one. */
export function progressLine(s: RunStatus, metrics: Record<string, number | null>): string {
  const keys = Object.keys(metrics);
  const chosen: string[] = [];
  for (const re of PREFERRED) for (const k of keys) if (re.test(k) && !chosen.includes(k) && chosen.length < 6) chosen.push(k);
  const values = chosen.map((k) => `${k}=${fmt(metrics[k] ?? null)}`).join('  ');
  const total = s.totalSteps ? `/${s.totalSteps}` : '';
  const eta = s.etaSeconds !== null ? `  eta ${clock(s.etaSeconds)}` : '';
  return `${s.run} step ${s.lastStep}${total}${values ? `  ${values}` : ''}${eta}`;
}

export function describeEnd(s: RunStatus): string {
  const how = s.signal ? `, ${s.signal}` : s.exitCode !== null ? `, exit code ${s.exitCode}` : '';
  const msg = s.message ? ` (${s.message})` : '';
  return `${s.run}: ${s.state}${how}${msg}; last step ${s.lastStep ?? '-'}; log ${s.logPath}`;
}

async function launch(v: Values): Promise<number> {
  const profile = str(v['profile']);
  if (!profile) throw new UsageError('--profile NAME is required');
  const workspace = process.cwd();
  const pf = loadProfiles(profilesFileFor(workspace, str(v['profiles'])), workspace);
  const json = v['json'] === true;
  const follow = v['follow'] === true;
  const store = Store.open(dbPath(v, true));
  let printed: number | null = null;
  const sup = new RunSupervisor(store, {
    pollMs: 500,
    ...(follow ? {} : { gpu: false as const }),
    onStatus: (s) => {
      if (!follow || json) return;
      const l = sup.runs.latest(s.run);
      if (!l) return;
      // Every step with metrics, in order, even when several arrived in one pass.
      for (const step of sup.runs.metricStepsAfter(l.run_id, printed ?? -1)) {
        printed = step;
        process.stdout.write(progressLine({ ...s, lastStep: step }, sup.runs.metricsAt(l.run_id, step)) + '\n');
      }
    },
  });
  const stopping = { requested: false };
  let run = str(v['run']) ?? profile;
  const onSigint = (): void => {
    if (stopping.requested) {
      process.stderr.write('still stopping: waiting for the run to end (SIGINT → SIGTERM → SIGKILL)\n');
      return;
    }
    stopping.requested = true;
    process.stderr.write(`stopping ${run} cleanly, then reading what it wrote…\n`);
    void sup.stop(run).catch((e: unknown) => process.stderr.write(`rollout-lens: ${(e as Error).message}\n`));
  };
  try {
    const started = await sup.launch(pf, profile, str(v['run']) ? { run: str(v['run'])! } : {});
    run = started.run;
    if (!follow) {
      if (json) printJson(started);
      else {
        const where = started.pid ? `pid ${started.pid}` : `job ${started.jobId}`;
        process.stdout.write(
          `${started.run}: ${started.state} (${started.backend}, ${where}, attempt ${started.attempt}); log ${started.logPath}\n`,
        );
        process.stdout.write(
          `not following: \`rollout-lens status\` shows it; its outputs are read by \`launch --follow\` or the VS Code extension\n`,
        );
      }
      return 0;
    }
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    if (!json) process.stderr.write(`${run}: ${started.state} (${started.backend}); following its log and outputs, Ctrl-C stops it\n`);
    const end = await sup.waitForEnd(run, 365 * 24 * 3600 * 1000);
    if (json) printJson(end);
    else process.stdout.write(describeEnd(end) + '\n');
    return end.state === 'succeeded' || (end.state === 'stopped' && stopping.requested) ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await sup.dispose();
    store.close();
  }
}

async function status(v: Values): Promise<number> {
  const store = Store.open(dbPath(v, false));
  const sup = new RunSupervisor(store, { gpu: false });
  try {
    const all = await sup.status();
    if (v['json'] === true) {
      printJson(all);
      return 0;
    }
    printTable(
      all.map((s) => ({
        run: s.run,
        state: s.state,
        backend: s.backend,
        'pid/job': s.pid ?? s.jobId,
        attempt: s.attempt,
        step: s.totalSteps ? `${s.lastStep ?? '-'}/${s.totalSteps}` : s.lastStep,
        exit: s.signal ?? s.exitCode,
        gpu: s.gpu ? (s.gpu.available ? `${fmt(s.gpu.utilization)}% ${fmt(s.gpu.runMemoryMiB)} MiB` : 'none') : null,
        message: s.message,
      })),
      ['run', 'state', 'backend', 'pid/job', 'attempt', 'step', 'exit', 'gpu', 'message'],
    );
    return 0;
  } finally {
    await sup.dispose();
    store.close();
  }
}

async function stop(v: Values, positionals: string[]): Promise<number> {
  const run = positionals[0];
  if (!run || positionals.length > 1) throw new UsageError('stop takes one run name');
  const store = Store.open(dbPath(v, false));
  const sup = new RunSupervisor(store, { gpu: false });
  try {
    const s = await sup.stop(run);
    if (v['json'] === true) printJson(s);
    else process.stdout.write(describeEnd(s) + '\n');
    return s.state === 'stopping' ? 1 : 0;
  } finally {
    await sup.dispose();
    store.close();
  }
}

export const RUN_COMMANDS: Record<string, CommandSpec> = {
  launch: {
    usage: 'launch --profile NAME [--profiles FILE] [--run NAME] [--db FILE] [--follow] [--json]',
    summary: 'start a run from .rollout-lens/runs.json; with --follow ingest it live and stop it on Ctrl-C',
    options: {
      ...jsonOption,
      db: { type: 'string' },
      profile: { type: 'string' },
      profiles: { type: 'string' },
      run: { type: 'string' },
      follow: { type: 'boolean' },
    },
    run: (v) => launch(v),
  },
  status: {
    usage: 'status [--db FILE] [--json]',
    summary: 'launched runs with their live state, step, exit and GPU use',
    options: { ...jsonOption, db: { type: 'string' } },
    run: (v) => status(v),
  },
  stop: {
    usage: 'stop NAME [--db FILE] [--json]',
    summary: 'stop a launched run (its whole process group, its Slurm job or its Ray job)',
    options: { ...jsonOption, db: { type: 'string' } },
    run: (v, pos) => stop(v, pos),
  },
};
