// The keeper: a tiny Node program that leads a local run's process group. It starts the training
// command, writes its stdout/stderr to the log with a timestamp per line, and when the command
// exits writes {code, signal} to an exit file. It outlives the engine (detached, own session), so a
// supervisor that attaches later still learns how the run ended: that is why it exists instead of
// a plain `sh -c 'cmd; echo $? > file'` (which could not tell a signal from exit code 128+n, nor
// stamp lines). It ignores SIGINT/SIGTERM/SIGHUP itself (a group signal reaches the command
// directly) so it can record the command's exit; SIGKILL ends it like everything else.
//
// Log line format: `<ISO-8601 UTC time> <out|err|sup> <text>`; `\r`-separated progress-bar
// updates become separate lines; blank ones are dropped.

export interface KeeperSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  exitPath: string;
}

export interface KeeperExit {
  code: number | null;
  signal: string | null;
  endedAt: number;
  /** Set when the command could not be started (e.g. ENOENT). */
  error?: string;
}

/** Plain ES2020 CommonJS, run with `node -e KEEPER_SOURCE <spec.json>`. Kept small and dependency-free. */
export const KEEPER_SOURCE = String.raw`'use strict';
const fs = require('fs');
const { spawn } = require('child_process');
const spec = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const log = fs.createWriteStream(spec.logPath, { flags: 'a' });
const stamp = (tag, text) => new Date().toISOString() + ' ' + tag + ' ' + text + '\n';
let done = false;
function finish(result) {
  if (done) return;
  done = true;
  const r = Object.assign({ endedAt: Date.now() }, result);
  const tmp = spec.exitPath + '.tmp';
  try { fs.writeFileSync(tmp, JSON.stringify(r)); fs.renameSync(tmp, spec.exitPath); } catch (e) { /* the supervisor reports a missing exit file */ }
  const what = r.error ? 'could not start: ' + r.error : r.signal ? 'killed by ' + r.signal : 'exited with code ' + r.code;
  log.end(stamp('sup', what), () => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
function pipe(stream, tag, onEnd) {
  let rest = '';
  stream.setEncoding('utf8');
  const put = (text) => { if (text.trim() !== '' && !log.write(stamp(tag, text))) { stream.pause(); log.once('drain', () => stream.resume()); } };
  stream.on('data', (chunk) => {
    rest += chunk;
    const parts = rest.split(/\r\n|\n|\r/);
    rest = parts.pop();
    for (const p of parts) put(p);
    if (rest.length > 1048576) { put(rest); rest = ''; }
  });
  stream.on('error', () => {});
  stream.on('close', () => { put(rest); rest = ''; onEnd(); });
}
let child;
try {
  child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  finish({ code: 127, signal: null, error: String(e && e.message || e) });
}
if (child) {
  let open = 2;
  let exited = null;
  const settle = () => { if (exited && open === 0) finish(exited); };
  child.on('error', (e) => finish({ code: 127, signal: null, error: e.code === 'ENOENT' ? 'command not found: ' + spec.command : String(e.message) }));
  if (child.pid) log.write(stamp('sup', 'started pid ' + child.pid + ': ' + [spec.command].concat(spec.args).join(' ')));
  pipe(child.stdout, 'out', () => { open--; settle(); });
  pipe(child.stderr, 'err', () => { open--; settle(); });
  child.on('exit', (code, signal) => {
    exited = { code: code, signal: signal };
    settle();
    // A worker that inherited stdout may keep the pipes open: record the exit anyway.
    setTimeout(() => finish(exited), 2000).unref();
  });
}
`;
