// A profile made concrete for one launch: variables expanded, defaults applied, and the trainer's
// conventional output locations worked out when `outputs` is "auto".
import * as path from 'node:path';
import type { FormatChoice } from '../../shared/rollout';
import type { ProfileInfo, RunBackend, Trainer } from '../../shared/runs';
import type { RunProfile } from './profiles';

export interface ResolvedProfile {
  name: string;
  description: string | null;
  trainer: Trainer;
  backend: RunBackend;
  command: string;
  args: string[];
  cwd: string;
  /** Only the profile's own variables; the launcher adds them to its environment. */
  env: Record<string, string>;
  outputs: string[];
  format: FormatChoice;
  logMetrics: boolean;
  sigintMs: number;
  sigtermMs: number;
  slurm: NonNullable<RunProfile['slurm']>;
  ray: NonNullable<RunProfile['ray']>;
  warnings: string[];
}

export interface ResolveContext {
  workspaceFolder: string;
  profileDir: string;
  run: string;
  /** Folder of this run's logs and files; `${runDir}`. */
  runDir: string;
  env?: NodeJS.ProcessEnv;
}

/** Where a run's files go by default: `<workspace>/.rollout-lens/runs/<run>`. */
export function defaultRunDir(workspaceFolder: string, run: string): string {
  return path.join(workspaceFolder, '.rollout-lens', 'runs', run);
}

export function expand(s: string, ctx: ResolveContext): string {
  return s.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder') return ctx.workspaceFolder;
    if (name === 'profileDir') return ctx.profileDir;
    if (name === 'runDir') return ctx.runDir;
    if (name === 'run') return ctx.run;
    if (name.startsWith('env:')) return (ctx.env ?? process.env)[name.slice(4)] ?? '';
    return whole;
  });
}

function expandDeep(v: unknown, ctx: ResolveContext): unknown {
  if (typeof v === 'string') return expand(v, ctx);
  if (Array.isArray(v)) return v.map((x) => expandDeep(x, ctx));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandDeep(x, ctx)]));
  return v;
}

/** Value of `--name X`, `--name=X` (dashes or underscores) or a Hydra-style `name=X` in args. */
export function argValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === `--${n}` && i + 1 < args.length) return args[i + 1];
      if (a.startsWith(`--${n}=`)) return a.slice(n.length + 3);
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

/** The trainer's conventional outputs (docs/runs.md "Where the data comes from"). */
function autoOutputs(
  trainer: Trainer,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): { paths: string[]; format: FormatChoice; warnings: string[] } {
  const abs = (p: string): string => path.resolve(cwd, p);
  if (trainer === 'trl') {
    const out = argValue(args, ['output-dir', 'output_dir']);
    if (!out)
      return {
        paths: [],
        format: 'trl',
        warnings: ['trl: no --output_dir / --output-dir in args; set "outputs" to where the trainer writes (its completions/ folder)'],
      };
    return { paths: [abs(out)], format: 'trl', warnings: [] };
  }
  if (trainer === 'verl') {
    const paths: string[] = [];
    const rollout = argValue(args, ['trainer.rollout_data_dir']);
    const val = argValue(args, ['trainer.validation_data_dir']);
    if (rollout) paths.push(abs(rollout));
    if (val) paths.push(abs(val));
    const logger = env['VERL_FILE_LOGGER_PATH'];
    if (logger) paths.push(abs(logger));
    const warnings = rollout ? [] : ['verl: no trainer.rollout_data_dir=… in args, so no rollouts are dumped; add it, or set "outputs"'];
    return { paths, format: 'verl', warnings };
  }
  return {
    paths: [],
    format: 'auto',
    warnings: ['native: "outputs" is "auto" but a native logger has no conventional location; set "outputs.paths"'],
  };
}

export function resolveProfile(p: RunProfile, ctx: ResolveContext): ResolvedProfile {
  const e = (s: string): string => expand(s, ctx);
  const cwd = path.resolve(ctx.workspaceFolder, e(p.cwd ?? '${workspaceFolder}'));
  const args = (p.args ?? []).map(e);
  const env = Object.fromEntries(Object.entries(p.env ?? {}).map(([k, v]) => [k, e(v)]));
  const trainer = p.trainer ?? 'native';
  let outputs: string[];
  let format: FormatChoice;
  let warnings: string[] = [];
  if (p.outputs === undefined || p.outputs === 'auto') {
    const auto = autoOutputs(trainer, args, env, cwd);
    ({ paths: outputs, format, warnings } = auto);
  } else {
    outputs = p.outputs.paths.map((x) => path.resolve(cwd, e(x)));
    format = p.outputs.format ?? 'auto';
  }
  return {
    name: p.name,
    description: p.description ?? null,
    trainer,
    backend: p.backend ?? 'local',
    command: e(p.command),
    args,
    cwd,
    env,
    outputs,
    format,
    logMetrics: p.logMetrics ?? true,
    sigintMs: p.stopTimeouts?.sigintMs ?? 15_000,
    sigtermMs: p.stopTimeouts?.sigtermMs ?? 10_000,
    slurm: (expandDeep(p.slurm ?? {}, ctx) as ResolvedProfile['slurm']) ?? {},
    ray: (expandDeep(p.ray ?? {}, ctx) as ResolvedProfile['ray']) ?? {},
    warnings,
  };
}

/** Quotes for a POSIX shell only where needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(r: Pick<ResolvedProfile, 'command' | 'args'>): string {
  return [r.command, ...r.args].map(shellQuote).join(' ');
}

export function profileInfo(r: ResolvedProfile): ProfileInfo {
  return {
    name: r.name,
    description: r.description,
    backend: r.backend,
    trainer: r.trainer,
    commandLine: commandLine(r),
    cwd: r.cwd,
    outputs: r.outputs,
    format: r.format,
    warnings: r.warnings,
  };
}
