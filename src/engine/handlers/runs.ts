// Run requests: profiles, launch, stop, restart, status, log; `runs/statusChanged` notifications. One
// RunSupervisor per open database, through the server's StoreLifecycle hook: it adopts runs left by
// an earlier engine (reattach) when the database opens, and is disposed before the database closes.
import { loadProfiles, profilesFileFor } from '../../core/runs/profiles';
import { defaultRunDir, profileInfo, resolveProfile } from '../../core/runs/resolve';
import { RunSupervisor } from '../../core/runs/supervisor';
import type { Store } from '../../core/store/store';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import { RunMethods, RunNotifications } from '../../shared/protocol/runs';
import * as path from 'node:path';
import { handlersOf, type EngineContext } from '../context';

/** Optional engine setting (ms); the extension passes `rolloutLens.gpuPollIntervalMs`. */
function gpuInterval(engine: EngineContext): number | undefined {
  return engine.settings.gpuPollIntervalMs;
}

function createSupervisor(engine: EngineContext, store: Store): RunSupervisor {
  const interval = gpuInterval(engine);
  const supervisor = new RunSupervisor(store, {
    adopt: true,
    reflection: engine.reflection,
    gpu: interval ? { intervalMs: interval } : {},
    onStatus: (s) => engine.notify(RunNotifications.runStatus, s),
    log: (level, message) => engine.log(level, message),
  });
  supervisor.reattach().then(
    (adopted) => adopted.forEach((s) => engine.notify(RunNotifications.runStatus, s)),
    (e: unknown) => engine.log('warn', `reattaching runs: ${errorMessage(e)}`),
  );
  return supervisor;
}

function requireTrust(engine: EngineContext, what: string): void {
  if (engine.settings.trusted !== true) {
    throw new LensError(
      ErrorCode.Untrusted,
      `${what} refused: this workspace is not trusted, and a run profile executes commands from the workspace's files. Trust the workspace (Workspaces: Manage Workspace Trust) to launch runs.`,
    );
  }
}

/** The run methods, and the supervisor of the database open now (none before one opens). */
export function runHandlers(engine: EngineContext) {
  // The supervisor of the database open now: created (and reattached to the runs an earlier engine
  // left going) as soon as it opens, and disposed before it closes, so no watch outlives its store.
  let current: RunSupervisor | undefined;
  engine.onStore({
    opened: (store) => {
      current = createSupervisor(engine, store);
    },
    closing: async () => {
      const s = current;
      current = undefined;
      await s?.dispose();
    },
  });
  const supervisor = (): RunSupervisor => {
    engine.requireStore();
    if (!current) throw new LensError(ErrorCode.Internal, 'the run supervisor is not running (initialize first)');
    return current;
  };

  const handlers = handlersOf(RunMethods)({
    profiles: (p) => {
      const pf = loadProfiles(profilesFileFor(p.workspace, p.profilesFile), p.workspace);
      return pf.profiles.map((prof) => {
        const runDir = defaultRunDir(pf.workspaceFolder, prof.name);
        return profileInfo(
          resolveProfile(prof, {
            workspaceFolder: pf.workspaceFolder,
            profileDir: path.dirname(pf.file),
            run: prof.name,
            runDir,
          }),
        );
      });
    },
    launch: async (p) => {
      requireTrust(engine, `launching profile ${JSON.stringify(p.profile)}`);
      const pf = loadProfiles(profilesFileFor(p.workspace, p.profilesFile), p.workspace);
      return supervisor().launch(pf, p.profile, p.run ? { run: p.run } : {});
    },
    restart: (p) => {
      requireTrust(engine, `restarting run ${JSON.stringify(p.run)}`);
      return supervisor().restart(p.run);
    },
    // Stopping only ends processes the user already launched: allowed without trust.
    stop: (p) => supervisor().stop(p.run),
    status: (p) => supervisor().status(p.run),
    log: (p) => supervisor().log(p.run, p.offset ?? 0, p.limit),
  });
  return { handlers, supervisor: (): RunSupervisor | undefined => current };
}
