// The alert thresholds are defined once (ALERT_THRESHOLD_DEFS); the defaults, the engine's settings
// schema, the extension's config reader and the core's resolver are derived from that definition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveThresholds } from '../../../src/core/alerts/update';
import {
  ALERT_THRESHOLD_DEFS,
  ALERT_THRESHOLD_NAMES,
  DEFAULT_ALERT_THRESHOLDS,
  thresholdsFromSettings,
  type AlertThresholds,
} from '../../../src/shared/alerts';
import { EngineMethods } from '../../../src/shared/protocol/engine';

const settings = EngineMethods.configure.params;

describe('alert threshold definitions', () => {
  it('give the defaults, one per threshold, in their order', () => {
    assert.deepEqual(Object.keys(DEFAULT_ALERT_THRESHOLDS), ALERT_THRESHOLD_NAMES);
    for (const name of ALERT_THRESHOLD_NAMES) assert.equal(DEFAULT_ALERT_THRESHOLDS[name], ALERT_THRESHOLD_DEFS[name].default);
    assert.equal(DEFAULT_ALERT_THRESHOLDS.window, 8);
    assert.ok(Object.isFrozen(DEFAULT_ALERT_THRESHOLDS));
  });

  it('the settings schema accepts exactly the thresholds (and enabled), each within its bounds', () => {
    const all: { enabled: boolean } & AlertThresholds = { enabled: false, ...DEFAULT_ALERT_THRESHOLDS };
    assert.deepEqual(settings.parse({ alerts: all }), { alerts: all });
    for (const name of ALERT_THRESHOLD_NAMES) {
      assert.equal(settings.safeParse({ alerts: { [name]: ALERT_THRESHOLD_DEFS[name].default } }).success, true, name);
      assert.equal(settings.safeParse({ alerts: { [name]: -1 } }).success, false, name);
      assert.equal(settings.safeParse({ alerts: { [name]: Number.NaN } }).success, false, name);
    }
    assert.equal(settings.safeParse({ alerts: { lenghtRise: 0.2 } }).success, false);
    assert.equal(settings.safeParse({ alerts: { window: 1 } }).success, false);
    assert.equal(settings.safeParse({ alerts: { window: 1001 } }).success, false);
    assert.equal(settings.safeParse({ alerts: { window: 8.5 } }).success, false);
    assert.equal(settings.safeParse({ alerts: { lengthRise: 5 } }).success, true);
  });

  it('the config reader reads every threshold by its name and keeps bad values out', () => {
    const asked: string[] = [];
    const read = thresholdsFromSettings((name) => {
      asked.push(name);
      return ALERT_THRESHOLD_DEFS[name].default + 1;
    });
    assert.deepEqual(asked, ALERT_THRESHOLD_NAMES);
    for (const name of ALERT_THRESHOLD_NAMES) assert.equal(read[name], ALERT_THRESHOLD_DEFS[name].default + 1, name);

    assert.deepEqual(
      thresholdsFromSettings(() => undefined),
      DEFAULT_ALERT_THRESHOLDS,
    );
    const stored: Record<string, unknown> = { window: '9', lengthRise: -0.1, formatRise: Number.POSITIVE_INFINITY };
    assert.deepEqual(
      thresholdsFromSettings((name) => stored[name]),
      DEFAULT_ALERT_THRESHOLDS,
    );
    // Whole-number thresholds are rounded and held within their bounds.
    assert.equal(thresholdsFromSettings((n) => (n === 'window' ? 1 : undefined)).window, 2);
    assert.equal(thresholdsFromSettings((n) => (n === 'window' ? 5000 : undefined)).window, 1000);
    assert.equal(thresholdsFromSettings((n) => (n === 'window' ? 6.6 : undefined)).window, 7);
  });

  it('the core resolver knows every threshold and checks the whole-number bounds', () => {
    assert.deepEqual(resolveThresholds(), DEFAULT_ALERT_THRESHOLDS);
    for (const name of ALERT_THRESHOLD_NAMES) assert.equal(resolveThresholds({ [name]: 3 })[name], 3);
    assert.throws(() => resolveThresholds({ window: 1 }), /alert threshold window must be an integer from 2 to 1000, got 1/);
    const typo: Partial<AlertThresholds> & Record<string, number> = { lenghtRise: 1 };
    assert.throws(() => resolveThresholds(typo), /unknown alert threshold "lenghtRise"/);
  });
});
