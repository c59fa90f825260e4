// The run-launching part of the engine's JSON-RPC surface (docs/runs.md). Same descriptor style as
// ./engine.ts: each method's params schema is validated by the engine before any work.
import { z } from 'zod';
import type { LogPage, ProfileInfo, RunStatus } from '../runs';
import { method } from './methods';
import { runName } from './atoms';
import { notification } from './rpc';

const absPath = z.string().min(1).max(4096);
/** Where `.rollout-lens/runs.json` lives (the workspace folder), or an explicit profiles file. */
const where = {
  workspace: absPath,
  profilesFile: absPath.optional(),
};

export const RunMethods = {
  /** The profiles of a workspace's `.rollout-lens/runs.json` (or of `profilesFile`). */
  profiles: method<ProfileInfo[]>()('runs/profiles', z.object(where).strict()),
  /** Starts a profile as run `run` (default: the profile's name). Refused in an untrusted workspace. */
  launch: method<RunStatus>()('runs/launch', z.object({ ...where, profile: runName, run: z.optional(runName) }).strict()),
  /** Stops a run: SIGINT → SIGTERM → SIGKILL to its process group (local), scancel, or Ray stop. */
  stop: method<RunStatus>()('runs/stop', z.object({ run: runName }).strict()),
  /** Stops the run if it is going, then starts the same resolved profile again (attempt + 1). */
  restart: method<RunStatus>()('runs/restart', z.object({ run: runName }).strict()),
  /** Every launched run with its live state (the latest attempt of each run name). */
  status: method<RunStatus[]>()('runs/status', z.object({ run: z.optional(runName) }).strict()),
  /** A page of the run's log: whole lines from `offset`, at most `limit` bytes. */
  log: method<LogPage>()(
    'runs/log',
    z
      .object({
        run: runName,
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(4 << 20)
          .optional(),
      })
      .strict(),
  ),
} as const;

export const RunNotifications = {
  /** Engine → host: a run's state, step or GPU reading changed; params: RunStatus. */
  runStatus: notification<RunStatus>('runs/statusChanged'),
} as const;
