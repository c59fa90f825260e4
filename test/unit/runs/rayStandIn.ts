// A stand-in Ray dashboard (Jobs REST API) on 127.0.0.1 for tests: a real Ray dashboard cannot be
// installed here (docs/testing.md#ray). It replays the response shapes captured from Ray 2.58
// (test/fixtures/ray) and plays each job forward in time: PENDING, then RUNNING while it "prints"
// its output lines, then SUCCEEDED (or FAILED with the exit code an entrypoint `exit N` asks for).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { FIXTURES } from '../../helpers';

const RAY = path.join(FIXTURES, 'ray');
/** A captured file: the JSON body on the first line, then "HTTP <status>". */
function captured(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(RAY, name), 'utf8').split('\n')[0]!) as Record<string, unknown>;
}

export interface StandInJob {
  id: string;
  body: Record<string, unknown>;
  submittedAt: number;
  stoppedAt: number | null;
  deleted: boolean;
}

export interface StandInOptions {
  pendingMs?: number;
  /** Output lines the job prints while running, one per `lineEveryMs`. */
  lines?: string[];
  lineEveryMs?: number;
  stopDelayMs?: number;
}

export class RayStandIn {
  readonly jobs = new Map<string, StandInJob>();
  readonly requests: string[] = [];
  private server: http.Server | undefined;
  private readonly template = captured('get_quick.json');
  private readonly logHeader = String(captured('logs_quick.json')['logs']).split('\n')[0]!;
  private n = 0;

  constructor(private readonly opts: StandInOptions = {}) {}

  get address(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.address;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private lines(): string[] {
    return this.opts.lines ?? [];
  }

  /** Where a job is at `now`: status, printed lines, exit code. */
  private state(j: StandInJob, now = Date.now()): { status: string; printed: number; exit: number | null; end: number | null } {
    const pending = this.opts.pendingMs ?? 150;
    const every = this.opts.lineEveryMs ?? 30;
    const startAt = j.submittedAt + pending;
    const runFor = this.lines().length * every + every;
    const exitAsked = /exit (\d+)/.exec(String(j.body['entrypoint']));
    const code = exitAsked ? Number(exitAsked[1]) : 0;
    if (j.stoppedAt !== null && now >= j.stoppedAt + (this.opts.stopDelayMs ?? 100)) {
      return {
        status: 'STOPPED',
        printed: Math.min(this.lines().length, Math.max(0, Math.floor((j.stoppedAt - startAt) / every))),
        exit: null,
        end: j.stoppedAt,
      };
    }
    if (now < startAt) return { status: 'PENDING', printed: 0, exit: null, end: null };
    if (now < startAt + runFor || j.stoppedAt !== null) {
      return {
        status: 'RUNNING',
        printed: Math.min(this.lines().length, Math.floor((now - startAt) / every)),
        exit: null,
        end: null,
      };
    }
    return {
      status: code === 0 ? 'SUCCEEDED' : 'FAILED',
      printed: this.lines().length,
      exit: code,
      end: startAt + runFor,
    };
  }

  private info(j: StandInJob): Record<string, unknown> {
    const s = this.state(j);
    const failed = s.status === 'FAILED';
    return {
      ...this.template,
      submission_id: j.id,
      status: s.status,
      entrypoint: j.body['entrypoint'],
      message:
        s.status === 'SUCCEEDED'
          ? 'Job finished successfully.'
          : failed
            ? `Job entrypoint command failed with exit code ${s.exit}`
            : s.status === 'STOPPED'
              ? 'Job was intentionally stopped.'
              : 'Job is currently running.',
      error_type: failed ? 'JOB_ENTRYPOINT_COMMAND_ERROR' : null,
      start_time: j.submittedAt,
      end_time: s.end,
      metadata: j.body['metadata'] ?? {},
      runtime_env: j.body['runtime_env'] ?? {},
      driver_exit_code: s.exit,
    };
  }

  private logs(j: StandInJob): string {
    const s = this.state(j);
    if (s.status === 'PENDING') return '';
    const head = this.logHeader.replace(/^\S+ \S+/, new Date(j.submittedAt).toISOString().replace('T', ' ').slice(0, 23).replace('.', ','));
    return (
      [head, `Running entrypoint for job ${j.id}: ${String(j.body['entrypoint'])}`, ...this.lines().slice(0, s.printed)].join('\n') + '\n'
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    this.requests.push(`${req.method} ${url}`);
    const json = (status: number, v: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    };
    const text = (status: number, t: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(t);
    };
    if (req.method === 'GET' && url === '/api/version') return json(200, { version: '4', ray_version: '2.58.0' });
    if (req.method === 'POST' && url === '/api/jobs/') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return text(400, `Failed to parse request body: Expecting value: line 1 column 1 (char 0)`);
      }
      const b = parsed as Record<string, unknown>;
      if (typeof b !== 'object' || b === null || typeof b['entrypoint'] !== 'string') {
        return text(400, `Failed to parse request body as JobSubmitRequest: missing or invalid 'entrypoint'`);
      }
      const id = typeof b['submission_id'] === 'string' ? b['submission_id'] : `raysubmit_${(++this.n).toString().padStart(16, 'X')}`;
      if (this.jobs.has(id)) {
        return text(
          500,
          `Traceback (most recent call last):\n  File "/ray/dashboard/modules/job/job_head.py", line 412, in submit_job\n    submission_id = await self._job_manager.submit_job(\nValueError: Job with submission_id ${id} already exists. Please use a different submission_id.\n`,
        );
      }
      this.jobs.set(id, { id, body: b, submittedAt: Date.now(), stoppedAt: null, deleted: false });
      return json(200, { ...captured('post_quick.json'), job_id: id, submission_id: id });
    }
    const m = /^\/api\/jobs\/([^/]+)(\/logs|\/stop)?$/.exec(url);
    const id = m ? decodeURIComponent(m[1]!) : '';
    const j = this.jobs.get(id);
    if (!m || !j || j.deleted) return text(404, `Job ${id} does not exist`);
    if (req.method === 'GET' && !m[2]) return json(200, this.info(j));
    if (req.method === 'GET' && m[2] === '/logs') return json(200, { logs: this.logs(j) });
    if (req.method === 'POST' && m[2] === '/stop') {
      const s = this.state(j).status;
      if (j.stoppedAt !== null || !['PENDING', 'RUNNING'].includes(s)) return json(200, { stopped: false });
      j.stoppedAt = Date.now();
      return json(200, { stopped: true });
    }
    if (req.method === 'DELETE' && !m[2]) {
      j.deleted = true;
      return json(200, { deleted: true });
    }
    return text(405, 'Method Not Allowed');
  }
}
