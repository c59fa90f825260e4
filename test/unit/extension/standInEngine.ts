// A stand-in engine process for EngineClient tests: a few lines of JSON-RPC over the IPC channel,
// no SQLite. It answers initialize and ping with its pid; `test/emit {run}` sends an engine/log line
// and runs/changed, `test/status {run, state}` sends runs/statusChanged, each before its answer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { EngineClient, type EngineLogger } from '../../../src/extension/engineClient';
import type { MethodDescriptor } from '../../../src/shared/protocol/engine';
import { tempDir } from '../../helpers';

const STAND_IN = `
const info = () => ({ pid: process.pid, version: 'stand-in', sqlite: 'none', db: 'x.db', runtime: 'node', abi: '0' });
const note = (method, params) => process.send({ jsonrpc: '2.0', method, params });
process.on('message', (m) => {
  if (m.method === 'initialize' || m.method === 'ping') return process.send({ jsonrpc: '2.0', id: m.id, result: info() });
  if (m.method === 'test/emit') {
    note('engine/log', { level: 'info', message: 'emitting ' + m.params.run });
    note('runs/changed', { run: m.params.run });
  }
  if (m.method === 'test/status') note('runs/statusChanged', { run: m.params.run, state: m.params.state });
  process.send({ jsonrpc: '2.0', id: m.id, result: null });
});
process.on('disconnect', () => process.exit(0));
`;

export const emit: MethodDescriptor<{ run: string }, null> = { name: 'test/emit', params: z.object({ run: z.string() }) };
export const status: MethodDescriptor<{ run: string; state: string }, null> = {
  name: 'test/status',
  params: z.object({ run: z.string(), state: z.string() }),
};

/** An EngineClient on the stand-in engine; `lines` collects what it logs (trace left out). */
export function standInClient(): { engine: EngineClient; lines: string[] } {
  const dir = tempDir('rl-client-');
  const enginePath = path.join(dir, 'standIn.cjs');
  fs.writeFileSync(enginePath, STAND_IN);
  const lines: string[] = [];
  const log: EngineLogger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    trace: () => {},
  };
  return { engine: new EngineClient({ enginePath, dbPath: path.join(dir, 'a.db'), log, nodePath: process.execPath }), lines };
}
