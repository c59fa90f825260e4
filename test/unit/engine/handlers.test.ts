// Each engine method has exactly one handler: the areas' handler sets do not overlap, and together
// with the server's own (initialize, ping, configure) they cover the method table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineContext } from '../../../src/engine/context';
import { alertHandlers } from '../../../src/engine/handlers/alerts';
import { clusterHandlers } from '../../../src/engine/handlers/clusters';
import { explorerHandlers } from '../../../src/engine/handlers/explorer';
import { ingestHandlers } from '../../../src/engine/handlers/ingest';
import { labelHandlers } from '../../../src/engine/handlers/labels';
import { rescoreHandlers } from '../../../src/engine/handlers/rescore';
import { reportHandlers } from '../../../src/engine/handlers/report';
import { EngineMethods } from '../../../src/shared/protocol/engine';

/** A context no handler is called on here: building the handler sets must not touch it. */
const untouched = new Proxy({} as EngineContext, {
  get: (_t, key) => {
    throw new Error(`building handlers used the engine's ${String(key)}`);
  },
});

describe('engine handler table', () => {
  it('every method of EngineMethods has exactly one handler across the areas', () => {
    const areas = [ingestHandlers, explorerHandlers, rescoreHandlers, alertHandlers, clusterHandlers, labelHandlers, reportHandlers].map(
      (f) => Object.keys(f(untouched)),
    );
    const all = ['initialize', 'ping', 'configure', ...areas.flat()];
    assert.equal(new Set(all).size, all.length, `a method is handled twice: ${all.join(', ')}`);
    assert.deepEqual([...all].sort(), Object.keys(EngineMethods).sort());
  });
});
