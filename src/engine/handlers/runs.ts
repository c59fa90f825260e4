// Run requests: profiles, launch, stop, restart, status, log; `runs/statusChanged` notifications. One
// RunSupervisor per open database: it adopts runs left by an earlier engine (reattach) and is
// replaced when `initialize` opens another database.
import { loadProfiles, profilesFileFor } from '../../core/runs/profiles';
import { defaultRunDir, profileInfo, resolveProfile } from '../../core/runs/resolve';
import { RunSupervisor } from '../../core/runs/supervisor';
import type { Store } from '../../core/store/store';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import { RunMethods, RunNotifications } from '../../shared/protocol/runs';
import * as path from 'node:path';
import type { EngineServer } from '../server';

const supervisors = new WeakMap<EngineServer, { store: Store; supervisor: RunSupervisor }>();

/** Optional engine setting (ms); the extension passes `rolloutLens.gpuPollIntervalMs`. */
function gpuInterval(server: EngineServer): number | undefined {
  return server.settings.gpuPollIntervalMs;
}

/**
 * The supervisor of the database open now, created (and reattached to the runs an earlier engine
 * left going) on first use. Call it right after `initialize` so runs are followed at once.
 */
export function ensureRunSupervisor(server: EngineServer): RunSupervisor {
  const store = server.requireStore();
  const cur = supervisors.get(server);
  if (cur && cur.store === store) return cur.supervisor;
  // The old database is already closed (initialize closes it first): just let go of it.
  if (cur) void cur.supervisor.dispose().catch(() => undefined);
  const interval = gpuInterval(server);
  const supervisor = new RunSupervisor(store, {
    adopt: true,
    reflection: server.reflection,
    gpu: interval ? { intervalMs: interval } : {},
    onStatus: (s) => server.notify(RunNotifications.runStatus, s),
    log: (level, message) => server.log(level, message),
  });
  supervisors.set(server, { store, supervisor });
  supervisor.reattach().then(
    (adopted) => adopted.forEach((s) => server.notify(RunNotifications.runStatus, s)),
    (e: unknown) => server.log('warn', `reattaching runs: ${errorMessage(e)}`),
  );
  return supervisor;
}

/** Stops following runs (they keep going, detached); for engine shutdown. */
export async function disposeRunSupervisor(server: EngineServer): Promise<void> {
  const cur = supervisors.get(server);
  supervisors.delete(server);
  await cur?.supervisor.dispose();
}

function requireTrust(server: EngineServer, what: string): void {
  if (server.settings.trusted !== true) {
    throw new LensError(
      ErrorCode.Untrusted,
      `${what} refused: this workspace is not trusted, and a run profile executes commands from the workspace's files. Trust the workspace (Workspaces: Manage Workspace Trust) to launch runs.`,
    );
  }
}

export function registerRunHandlers(server: EngineServer): void {
  server.on(RunMethods.profiles, (p) => {
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
  });

  server.on(RunMethods.launch, async (p) => {
    requireTrust(server, `launching profile ${JSON.stringify(p.profile)}`);
    const pf = loadProfiles(profilesFileFor(p.workspace, p.profilesFile), p.workspace);
    return ensureRunSupervisor(server).launch(pf, p.profile, p.run ? { run: p.run } : {});
  });

  server.on(RunMethods.restart, (p) => {
    requireTrust(server, `restarting run ${JSON.stringify(p.run)}`);
    return ensureRunSupervisor(server).restart(p.run);
  });

  // Stopping only ends processes the user already launched: allowed without trust.
  server.on(RunMethods.stop, (p) => ensureRunSupervisor(server).stop(p.run));

  server.on(RunMethods.status, (p) => ensureRunSupervisor(server).status(p.run));

  server.on(RunMethods.log, (p) => ensureRunSupervisor(server).log(p.run, p.offset ?? 0, p.limit));
}
