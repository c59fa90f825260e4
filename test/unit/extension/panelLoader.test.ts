// PanelLoader and Coalescer (src/extension/webviews/panelLoading.ts) on test-driven timers: data
// refreshes coalesce behind the load in flight, a user's request cancels it, hidden views load on ready.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer, PanelLoader } from '../../../src/extension/webviews/panelLoading';
import { manualTimers, settle } from '../../helpers';

/** A load the test finishes by hand; records each call's signal. */
function loads(): { load: (signal: AbortSignal) => Promise<void>; signals: AbortSignal[]; finish(i: number): void } {
  const signals: AbortSignal[] = [];
  const done: Array<() => void> = [];
  return {
    signals,
    load: (signal) =>
      new Promise<void>((resolve) => {
        signals.push(signal);
        done.push(resolve);
      }),
    finish: (i) => done[i]!(),
  };
}

describe('PanelLoader', () => {
  it('coalesces data refreshes: one load in flight, one queued, none cancelled', async () => {
    const clock = manualTimers();
    const l = loads();
    const loader = new PanelLoader(l.load, 500, clock.timers);
    for (let i = 0; i < 3; i++) loader.refresh(true);
    clock.advance(499);
    assert.equal(l.signals.length, 0);
    clock.advance(1);
    assert.equal(l.signals.length, 1);
    for (let i = 0; i < 5; i++) loader.refresh(true);
    clock.advance(10_000);
    assert.equal(l.signals.length, 1);
    l.finish(0);
    await settle();
    clock.advance(499);
    assert.equal(l.signals.length, 1);
    clock.advance(1);
    assert.equal(l.signals.length, 2);
    assert.deepEqual(
      l.signals.map((s) => s.aborted),
      [false, false],
    );
    loader.dispose();
    assert.deepEqual(
      l.signals.map((s) => s.aborted),
      [false, true],
    );
  });

  it('cancels the load in flight for a request the user made, and runs it as soon as that load returns', async () => {
    const clock = manualTimers();
    const l = loads();
    const loader = new PanelLoader(l.load, 500, clock.timers);
    loader.refresh(true);
    clock.advance(500);
    loader.request(true);
    assert.deepEqual(
      l.signals.map((s) => s.aborted),
      [true],
    );
    l.finish(0);
    await settle();
    clock.advance(0);
    assert.equal(l.signals.length, 2);
    assert.deepEqual(
      l.signals.map((s) => s.aborted),
      [true, false],
    );
    loader.dispose();
  });

  it('only marks a hidden view stale, and loads when it is ready again', async () => {
    const clock = manualTimers();
    const l = loads();
    const loader = new PanelLoader(l.load, 500, clock.timers);
    loader.refresh(false);
    clock.advance(10_000);
    assert.equal(l.signals.length, 0);
    loader.ready(true);
    clock.advance(0);
    assert.equal(l.signals.length, 1);
    l.finish(0);
    await settle();
    loader.ready(true);
    clock.advance(10_000);
    assert.equal(l.signals.length, 1, 'a kept snapshot that is not stale is not reloaded');
    loader.ready(false);
    clock.advance(0);
    assert.equal(l.signals.length, 2, 'a view without a snapshot loads');
    loader.dispose();
  });

  it('starts nothing after dispose', () => {
    const clock = manualTimers();
    const l = loads();
    const loader = new PanelLoader(l.load, 500, clock.timers);
    loader.refresh(true);
    loader.dispose();
    assert.equal(clock.pending, 0);
    loader.request(true);
    clock.advance(10_000);
    assert.equal(l.signals.length, 0);
  });
});

describe('Coalescer', () => {
  it('runs one load at a time and queues one more behind it', async () => {
    const clock = manualTimers();
    const l = loads();
    const c = new Coalescer(() => l.load(new AbortController().signal), 5, clock.timers);
    for (let i = 0; i < 10; i++) c.request();
    clock.advance(5);
    assert.equal(l.signals.length, 1);
    for (let i = 0; i < 10; i++) c.request();
    clock.advance(100);
    assert.equal(l.signals.length, 1);
    l.finish(0);
    await settle();
    clock.advance(5);
    assert.equal(l.signals.length, 2);
    l.finish(1);
    await settle();
    clock.advance(100);
    assert.equal(l.signals.length, 2, 'nothing was queued behind the second run');
    c.dispose();
  });
});
