// Run profiles: the workspace file `.rollout-lens/runs.json` (schema: schemas/runs.schema.json,
// docs: docs/runs.md) that says how to launch a training run and where its data appears.
// Errors name the file and the JSON path of the offending value.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ErrorCode, LensError } from '../../shared/errors';
import { RUN_BACKENDS, TRAINERS } from '../../shared/runs';
import { validateRunName } from '../store/store';

export const PROFILES_FILE = path.join('.rollout-lens', 'runs.json');
export const VARIABLES = ['workspaceFolder', 'profileDir', 'runDir', 'run'] as const;

/** zod's message for a missing or mistyped value, ours for the rest of the issue kinds. */
const need = (what: string) => (iss: { code: string; input?: unknown }) =>
  iss.code === 'invalid_type' ? (iss.input === undefined ? `missing: ${what}` : `must be ${what}`) : undefined;

const str = (what: string) => z.string({ error: need(what) });
const nonEmpty = (what: string) => str(what).min(1, { error: `must not be empty (${what})` });
const stringMap = z.record(z.string(), z.string({ error: 'must be a string' }), {
  error: 'must be an object of strings',
});

const slurmSchema = z
  .object({
    partition: nonEmpty('a partition name').optional(),
    gres: nonEmpty('a --gres value, e.g. "gpu:8"').optional(),
    gpus: z.union([z.number().int().min(0), nonEmpty('a --gpus value')]).optional(),
    gpusPerNode: z.union([z.number().int().min(0), nonEmpty('a --gpus-per-node value')]).optional(),
    nodes: z.number().int().min(1).optional(),
    cpusPerTask: z.number().int().min(1).optional(),
    mem: nonEmpty('a --mem value, e.g. "64G"').optional(),
    time: nonEmpty('a --time value, e.g. "04:00:00"').optional(),
    account: nonEmpty('an account').optional(),
    qos: nonEmpty('a QOS').optional(),
    sbatch: z.array(str('a line'), { error: 'must be an array of extra #SBATCH lines' }).optional(),
  })
  .strict();

const raySchema = z
  .object({
    address: nonEmpty('the dashboard address, e.g. "http://127.0.0.1:8265"').optional(),
    entrypointNumCpus: z.number().min(0).optional(),
    entrypointNumGpus: z.number().min(0).optional(),
    entrypointMemory: z.number().int().min(0).optional(),
    entrypointResources: z.record(z.string(), z.number()).optional(),
    runtimeEnv: z.record(z.string(), z.unknown()).optional(),
    metadata: stringMap.optional(),
  })
  .strict();

const outputsSchema = z.union(
  [
    z.literal('auto'),
    z
      .object({
        paths: z.array(nonEmpty('a path'), { error: 'must be an array of paths' }),
        format: z.enum(['auto', 'native', 'verl', 'trl']).optional(),
      })
      .strict(),
  ],
  { error: 'must be "auto" or {"paths": [...], "format"?: "auto" | "native" | "verl" | "trl"}' },
);

const profileSchema = z
  .object({
    name: nonEmpty('the profile name'),
    description: z.string().optional(),
    trainer: z
      .enum(TRAINERS, {
        error: (i) => `unknown trainer ${JSON.stringify(i.input)} (use ${TRAINERS.join(', ')})`,
      })
      .optional(),
    backend: z
      .enum(RUN_BACKENDS, {
        error: (i) => `unknown backend ${JSON.stringify(i.input)} (use ${RUN_BACKENDS.join(', ')})`,
      })
      .optional(),
    command: nonEmpty('the program to run, e.g. "python3"'),
    args: z.array(str('a string'), { error: 'must be an array of strings' }).optional(),
    cwd: nonEmpty('a folder').optional(),
    env: stringMap.optional(),
    outputs: outputsSchema.optional(),
    logMetrics: z.boolean().optional(),
    stopTimeouts: z
      .object({
        sigintMs: z.number().int().min(0).max(600_000).optional(),
        sigtermMs: z.number().int().min(0).max(600_000).optional(),
      })
      .strict()
      .optional(),
    slurm: slurmSchema.optional(),
    ray: raySchema.optional(),
  })
  .strict();

const fileSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'must be 1' }).optional(),
    profiles: z.array(profileSchema, {
      error: (i) => (i.input === undefined ? 'missing: the list of profiles' : 'must be an array of profiles'),
    }),
  })
  .strict();

export type RunProfile = z.infer<typeof profileSchema>;

export interface ProfilesFile {
  file: string;
  /** Where ${workspaceFolder} points. */
  workspaceFolder: string;
  profiles: RunProfile[];
}

function jsonPath(p: readonly PropertyKey[]): string {
  return (
    '$' +
    p
      .map((k) =>
        typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `.${String(k)}` : `[${JSON.stringify(String(k))}]`,
      )
      .join('')
  );
}

function positionOf(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}: `;
}

/** Every string inside a value, with its JSON path (for variable checks). */
function* strings(v: unknown, p: PropertyKey[]): Generator<[string, PropertyKey[]]> {
  if (typeof v === 'string') yield [v, p];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* strings(v[i], [...p, i]);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* strings(x, [...p, k]);
}

/**
 * Reads and validates a profiles file. `workspaceFolder` defaults to the folder holding
 * `.rollout-lens/` when the file sits there, else to `fallbackWorkspace` (the CLI's cwd, the
 * engine's workspace folder).
 */
export function loadProfiles(file: string, fallbackWorkspace: string): ProfilesFile {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LensError(ErrorCode.NotFound, `${abs}: no run profiles file; create it (format in docs/runs.md)`, { file: abs });
    }
    throw new LensError(ErrorCode.Unreadable, `${abs}: cannot read (${(e as Error).message})`, { file: abs });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const msg = (e as Error).message;
    throw new LensError(ErrorCode.BadInput, `${abs}: not valid JSON: ${positionOf(text, msg)}${msg}`, {
      file: abs,
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LensError(ErrorCode.BadInput, `${abs}: ${jsonPath(issue.path)}: ${issue.message}`, {
      file: abs,
      path: jsonPath(issue.path),
    });
  }
  const seen = new Map<string, number>();
  parsed.data.profiles.forEach((p, i) => {
    const at = `${abs}: ${jsonPath(['profiles', i, 'name'])}`;
    try {
      validateRunName(p.name);
    } catch (e) {
      throw new LensError(ErrorCode.BadInput, `${at}: ${(e as Error).message}`, { file: abs });
    }
    const prev = seen.get(p.name);
    if (prev !== undefined) {
      throw new LensError(
        ErrorCode.BadInput,
        `${at}: duplicate profile name ${JSON.stringify(p.name)} (also ${jsonPath(['profiles', prev, 'name'])})`,
        { file: abs },
      );
    }
    seen.set(p.name, i);
    if (p.backend !== 'slurm' && p.slurm)
      throw new LensError(ErrorCode.BadInput, `${abs}: ${jsonPath(['profiles', i, 'slurm'])}: only for "backend": "slurm"`, { file: abs });
    if (p.backend !== 'ray' && p.ray)
      throw new LensError(ErrorCode.BadInput, `${abs}: ${jsonPath(['profiles', i, 'ray'])}: only for "backend": "ray"`, { file: abs });
    for (const [s, sp] of strings(p, ['profiles', i])) {
      for (const m of s.matchAll(/\$\{([^}]*)\}/g)) {
        const name = m[1]!;
        if (!(VARIABLES as readonly string[]).includes(name) && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new LensError(
            ErrorCode.BadInput,
            `${abs}: ${jsonPath(sp)}: unknown variable \${${name}} (use ${VARIABLES.map((v) => `\${${v}}`).join(', ')} or \${env:NAME})`,
            { file: abs },
          );
        }
      }
    }
  });
  const dir = path.dirname(abs);
  const workspaceFolder = path.basename(dir) === '.rollout-lens' ? path.dirname(dir) : path.resolve(fallbackWorkspace);
  return { file: abs, workspaceFolder, profiles: parsed.data.profiles };
}

/** The profiles file of a workspace folder, or an explicit one. */
export function profilesFileFor(workspace: string, explicit?: string): string {
  return explicit ? path.resolve(workspace, explicit) : path.join(workspace, PROFILES_FILE);
}

export function findProfile(pf: ProfilesFile, name: string): RunProfile {
  const p = pf.profiles.find((x) => x.name === name);
  if (!p) {
    const names = pf.profiles.map((x) => x.name).join(', ') || 'none';
    throw new LensError(ErrorCode.NotFound, `${pf.file}: no profile named ${JSON.stringify(name)} (profiles: ${names})`);
  }
  return p;
}
