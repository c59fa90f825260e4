// The engine process: forked by the extension host (process.execPath, ELECTRON_RUN_AS_NODE=1) and
// spoken to over the IPC channel with JSON-RPC. It owns SQLite; the host never does.
import { RpcEndpoint, type RpcMessage, type Transport } from '../shared/protocol/rpc';
import { EngineServer } from './server';

function ipcTransport(): Transport {
  if (!process.send) throw new Error('the engine must be started with an IPC channel (child_process.fork)');
  return {
    send: (m: RpcMessage) => {
      if (process.connected) process.send!(m);
    },
    onMessage: (h) => process.on('message', h),
  };
}

const rpc = new RpcEndpoint(ipcTransport(), (why) => process.stderr.write(`engine: bad message: ${why}\n`));
const server = new EngineServer(rpc);

/** How long shutting down may take (the supervisor lets go of its runs) before the engine exits anyway. */
const SHUTDOWN_MS = 5000;

function exitAfterDispose(code: number): void {
  const timer = setTimeout(() => process.exit(code), SHUTDOWN_MS);
  void server.dispose().finally(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

// The host went away (window closed, host crashed): nothing to serve, and no orphan left behind.
process.on('disconnect', () => exitAfterDispose(0));
// State after an unexpected throw cannot be trusted: exit and let the host restart a clean engine.
// SQLite transactions that were open roll back, so nothing committed is lost.
process.on('uncaughtException', (e) => {
  process.stderr.write(`engine: uncaught: ${e.stack ?? e.message}\n`);
  exitAfterDispose(70);
});
// A library's stray promise rejection is logged, not fatal: it carries no engine state.
process.on('unhandledRejection', (e) => {
  server.log('warn', `unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
});
server.log('info', `engine ${process.pid} started (node ${process.versions.node}, ABI ${process.versions.modules})`);
