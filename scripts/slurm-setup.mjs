// Idempotent single-node Slurm for the Slurm backend tests (test/slurm). Runs as root on a Debian
// machine: installs apt `slurm-wlm munge`, writes a munge key and a minimal slurm.conf, starts
// munged, slurmctld and slurmd (no systemd: the daemons are started directly), and waits until
// `sinfo` shows the node idle. Does nothing when `sinfo` already shows an idle node.
// Why each step is needed: docs/testing.md#slurm.
// Usage: `import { ensureSlurm } from './slurm-setup.mjs'` or `node scripts/slurm-setup.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PARTITION = 'debug';
const CONF = '/etc/slurm/slurm.conf';
const MUNGE_KEY = '/etc/munge/munge.key';
const MARKER = '# written by rollout-lens scripts/slurm-setup.mjs';
const READY_TIMEOUT_MS = 60_000;

function log(msg) {
  process.stderr.write(`[slurm-setup] ${msg}\n`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: opts.env ?? process.env,
  });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim().slice(-2000)}`,
    );
  }
  return r;
}

/** States of this machine's node as `sinfo` reports them (empty when Slurm does not answer). */
export function nodeStates() {
  if (!have('sinfo')) return [];
  const r = spawnSync('sinfo', ['-h', '-N', '-o', '%t'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

function processRunning(name) {
  return spawnSync('pgrep', ['-x', name], { stdio: 'ignore' }).status === 0;
}

function install() {
  if (have('slurmctld') && have('slurmd') && have('sbatch') && have('munged')) return;
  log('installing slurm-wlm and munge from apt (about 25 s)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'slurm-wlm', 'munge'], {
    env,
    allowFail: true,
    timeoutMs: 600_000,
  });
  if (r.status !== 0) {
    run('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
    r = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'slurm-wlm', 'munge'], {
      env,
      timeoutMs: 600_000,
    });
  }
}

function startMunge() {
  if (!fs.existsSync(MUNGE_KEY)) {
    fs.mkdirSync(path.dirname(MUNGE_KEY), { recursive: true });
    fs.writeFileSync(MUNGE_KEY, crypto.randomBytes(1024), { mode: 0o400 });
    run('chown', ['munge:munge', MUNGE_KEY]);
  }
  for (const dir of ['/run/munge', '/var/log/munge', '/var/lib/munge']) {
    fs.mkdirSync(dir, { recursive: true });
    run('chown', ['munge:munge', dir]);
  }
  if (processRunning('munged')) return;
  log('starting munged');
  // munged refuses to run as root; Debian's package creates the munge user.
  run('runuser', ['-u', 'munge', '--', 'munged']);
}

function slurmConf() {
  const host = os.hostname();
  // Slurm drains a node that reports less memory than configured: stay below what it has.
  const memMb = Math.max(512, Math.floor((os.totalmem() / (1 << 20)) * 0.9));
  return `${MARKER}
# A one-node test cluster: no accounting (sacct is unavailable), no cgroups.
ClusterName=rollout-lens
SlurmctldHost=${host}
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Seconds between SIGTERM and SIGKILL when a job is cancelled (default 30): short for tests.
KillWait=5
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=${host} CPUs=${os.cpus().length} RealMemory=${memMb} State=UNKNOWN
PartitionName=${PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
}

function writeConf() {
  const want = slurmConf();
  if (fs.existsSync(CONF)) {
    const have = fs.readFileSync(CONF, 'utf8');
    if (have === want) return false;
    // Never overwrite a configuration somebody else wrote.
    if (!have.startsWith(MARKER)) throw new Error(`${CONF} exists and was not written by this script; not touching it`);
  }
  fs.mkdirSync(path.dirname(CONF), { recursive: true });
  fs.writeFileSync(CONF, want);
  return true;
}

function startSlurm(confChanged) {
  for (const dir of ['/var/spool/slurmctld', '/var/spool/slurmd', '/var/log/slurm']) fs.mkdirSync(dir, { recursive: true });
  if (confChanged && processRunning('slurmctld')) {
    run('scontrol', ['reconfigure'], { allowFail: true });
  }
  if (!processRunning('slurmctld')) {
    log('starting slurmctld');
    run('slurmctld', []);
  }
  if (!processRunning('slurmd')) {
    log('starting slurmd');
    run('slurmd', []);
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitIdle() {
  const t0 = Date.now();
  let resumed = false;
  for (;;) {
    const states = nodeStates();
    if (states.some((s) => s === 'idle' || s === 'mix' || s === 'alloc')) return states;
    // A node left down/drained by an earlier unclean stop comes back with an explicit resume.
    if (!resumed && states.some((s) => /^(down|drain|drng|fail)/.test(s.replace(/[*~#!%$@^-]+$/, '')))) {
      run('scontrol', ['update', `nodename=${os.hostname()}`, 'state=resume'], { allowFail: true });
      resumed = true;
    }
    if (Date.now() - t0 > READY_TIMEOUT_MS) {
      const tail = fs.existsSync('/var/log/slurm/slurmctld.log')
        ? fs.readFileSync('/var/log/slurm/slurmctld.log', 'utf8').split('\n').slice(-15).join('\n')
        : '(no slurmctld log)';
      throw new Error(
        `Slurm did not show an idle node within ${READY_TIMEOUT_MS / 1000} s (sinfo: ${states.join(', ') || 'no answer'}); slurmctld log tail:\n${tail}`,
      );
    }
    sleep(500);
  }
}

/**
 * Makes sure a one-node Slurm answers with an idle node. Returns { partition, host, ms, installed }.
 * Throws with an actionable message when it cannot (not root, apt unreachable, daemons failing).
 */
export async function ensureSlurm() {
  const t0 = Date.now();
  const states = nodeStates();
  if (states.includes('idle')) return { partition: PARTITION, host: os.hostname(), ms: Date.now() - t0, installed: false };
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(
      'Slurm is not running and setting it up needs root (apt-get, /etc/slurm, daemons); run `sudo node scripts/slurm-setup.mjs`',
    );
  }
  install();
  startMunge();
  const changed = writeConf();
  startSlurm(changed);
  const ready = waitIdle();
  const ms = Date.now() - t0;
  log(`Slurm ready in ${(ms / 1000).toFixed(1)} s: node ${os.hostname()} ${ready.join(', ')}, partition ${PARTITION}`);
  return { partition: PARTITION, host: os.hostname(), ms, installed: true };
}

/** Versions, for reports: `sinfo --version`. */
export function slurmVersion() {
  try {
    return execFileSync('sinfo', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = await ensureSlurm();
    process.stdout.write(`${JSON.stringify({ ...r, version: slurmVersion() })}\n`);
  } catch (e) {
    process.stderr.write(`[slurm-setup] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
