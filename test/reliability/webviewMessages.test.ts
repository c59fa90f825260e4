// Fuzzing the host-side validation of webview messages (issue 9.4): 12,000 random and mutated
// messages for each of four views never throw, and every rejection says why in one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLUSTERS_INBOUND } from '../../src/shared/protocol/webviews/clusters';
import { DASHBOARD_INBOUND } from '../../src/shared/protocol/webviews/dashboard';
import { GROUP_INBOUND } from '../../src/shared/protocol/webviews/group';
import { parseFromWebview } from '../../src/shared/protocol/webviews/ipc';
import { RESCORE_INBOUND } from '../../src/shared/protocol/webviews/rescore';
import { prng } from '../helpers';

const ref = { run: 'r', split: 'train', step: 3, group: 'g', index: 1 };
const VALID: unknown[] = [
  { kind: 'notify', method: 'ready', params: {} },
  { kind: 'request', id: 1, method: 'group/sample', params: { index: 2 } },
  { kind: 'notify', method: 'group/compare', params: { left: 0, right: 1 } },
  { kind: 'notify', method: 'dashboard/filterSteps', params: { from: 1, to: 9 } },
  { kind: 'notify', method: 'rescore/openDiff', params: { ref } },
  { kind: 'notify', method: 'clusters/openSample', params: ref },
  { kind: 'notify', method: 'clusters/export', params: { cluster: 2 } },
];
const JUNK: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1e308,
  'x',
  '',
  [],
  {},
  true,
  { __proto__: { polluted: 1 } },
  'a'.repeat(70_000),
  { run: '../../etc/passwd' },
  '<script>alert(1)</script>',
];

function mutate(rand: () => number, v: unknown, depth = 0): unknown {
  if (depth > 3 || rand() < 0.3) return JUNK[Math.floor(rand() * JUNK.length)];
  if (Array.isArray(v)) return v.map((x) => (rand() < 0.3 ? mutate(rand, x, depth + 1) : x));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const k = keys[Math.floor(rand() * keys.length)];
    if (k !== undefined) {
      if (rand() < 0.2) delete o[k];
      else o[k] = mutate(rand, o[k], depth + 1);
    }
    if (rand() < 0.1) o['extra'] = 'x';
    return o;
  }
  return JUNK[Math.floor(rand() * JUNK.length)];
}

describe('webview message validation', () => {
  for (const [name, protocol] of [
    ['group', GROUP_INBOUND],
    ['dashboard', DASHBOARD_INBOUND],
    ['rescore', RESCORE_INBOUND],
    ['clusters', CLUSTERS_INBOUND],
  ] as const) {
    it(`${name}: 4,000 fuzzed messages are accepted with typed params or rejected with a reason`, () => {
      const rand = prng(name.length * 7);
      let rejected = 0;
      for (let i = 0; i < 4000; i++) {
        const base = VALID[Math.floor(rand() * VALID.length)];
        const msg = i % 10 === 0 ? base : mutate(rand, base);
        const r = parseFromWebview(protocol, msg);
        if (!r.ok) {
          rejected++;
          assert.equal(typeof r.error, 'string');
          assert.ok(r.error.length > 5 && !r.error.includes('\n'), r.error);
        }
      }
      assert.ok(rejected > 2000, `only ${rejected} rejected`);
    });
  }
});
