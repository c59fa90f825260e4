// prime-rl's effective/ traces beside all/ (docs/formats.md#prime-rl-verifiers-traces): the trained-on
// subset of the rollouts all/ already holds. Read for the ids of the traces the trainer trained on,
// never stored as samples a second time; the writer marks the all/ samples from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Split } from '../../shared/rollout';
import type { ParsedRecord } from './records';
import { describe, parseObjectLine } from './jsonLine';

/**
 * True for `rollouts/step_{N}/{kind}/effective/traces.jsonl` of a run that writes all/ too: its own
 * step's all/ file, or any step's of the same kind (a batch cut from rollouts carried over from an
 * earlier step can ship in a step where no new rollout arrived, so it has no all/ of its own).
 */
export function effectiveBesideAll(file: string): boolean {
  const dir = path.dirname(file);
  if (path.basename(file) !== 'traces.jsonl' || path.basename(dir) !== 'effective') return false;
  const kindDir = path.dirname(dir);
  if (fs.existsSync(path.join(kindDir, 'all', 'traces.jsonl'))) return true;
  const kind = path.basename(kindDir);
  const stepDir = path.dirname(kindDir);
  if (!/^step_\d+$/.test(path.basename(stepDir))) return false;
  const rollouts = path.dirname(stepDir);
  let steps: string[];
  try {
    steps = fs.readdirSync(rollouts);
  } catch {
    return false;
  }
  return steps.some((s) => /^step_\d+$/.test(s) && fs.existsSync(path.join(rollouts, s, kind, 'all', 'traces.jsonl')));
}

/** One effective/ episode line → the ids of its traces, trained on in the batch of the file's step. */
export function parseEffectiveLine(text: string, split: Split, step: number | undefined): ParsedRecord {
  if (text.trim() === '') return { kind: 'skip' };
  const o = parseObjectLine(text);
  if (typeof o === 'string') return { kind: 'error', message: o };
  if (step === undefined) return { kind: 'error', message: 'an effective/ file outside a step_{N} folder' };
  const traces = o['traces'];
  const episode = typeof o['id'] === 'string' ? o['id'] : '?';
  if (!Array.isArray(traces) || traces.length === 0)
    return { kind: 'error', message: `effective/ episode ${episode} has no traces; its rollouts cannot be marked as trained` };
  const traceIds: string[] = [];
  for (let i = 0; i < traces.length; i++) {
    const t: unknown = traces[i];
    const id = t && typeof t === 'object' ? (t as Record<string, unknown>)['id'] : undefined;
    if (typeof id !== 'string' || id === '')
      return { kind: 'error', message: `effective/ episode ${episode} traces[${i}].id must be a non-empty string, got ${describe(id)}` };
    traceIds.push(id);
  }
  return { kind: 'trained', split, step, traceIds };
}
