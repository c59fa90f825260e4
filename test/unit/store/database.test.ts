import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store, validateRunName } from '../../../src/core/store/store';
import { SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { tempDir } from '../../helpers';

function expectLensError(fn: () => unknown, code: ErrorCode, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LensError, `expected a LensError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('opening the store', () => {
  it('creates a WAL database at the current schema version with 16 KiB pages', () => {
    const file = path.join(tempDir(), 'a.db');
    const store = Store.open(file);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('page_size', { simple: true }), 16384);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    for (const t of ['runs', 'prompts', 'steps', 'groups', 'samples', 'metrics', 'files', 'samples_fts']) {
      assert.ok(tables.includes(t), `missing table ${t}`);
    }
    store.close();
  });

  it('refuses a database written by a newer schema, naming the file and both versions', () => {
    const file = path.join(tempDir(), 'new.db');
    const store = Store.open(file);
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    store.close();
    expectLensError(
      () => Store.open(file),
      ErrorCode.DatabaseTooNew,
      new RegExp(`new\\.db.*schema ${SCHEMA_VERSION + 5}.*up to ${SCHEMA_VERSION}`),
    );
  });

  it('refuses a file that is not a database and leaves it untouched', () => {
    const file = path.join(tempDir(), 'notes.db');
    fs.writeFileSync(file, 'this is not sqlite, just text that happens to be long enough to have a header '.repeat(10));
    const before = fs.readFileSync(file);
    expectLensError(() => Store.open(file), ErrorCode.DatabaseUnusable, /notes\.db: not a usable Rollout Lens database/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('names the missing folder of an unreadable database path', () => {
    const file = path.join(tempDir(), 'no', 'such', 'dir', 'x.db');
    expectLensError(() => Store.open(file), ErrorCode.DatabaseUnusable, /x\.db: the folder .*dir does not exist/);
  });

  it('reports a database locked by another writer as locked, and keeps earlier rows', () => {
    const file = path.join(tempDir(), 'locked.db');
    const a = Store.open(file);
    a.ensureRun('kept', 'native');
    const b = Store.open(file, { busyTimeoutMs: 50 });
    a.db.prepare('BEGIN IMMEDIATE').run();
    expectLensError(() => b.ensureRun('other', null), ErrorCode.DatabaseLocked, /locked\.db: the database is locked by another process/);
    a.db.prepare('ROLLBACK').run();
    assert.deepEqual(
      b.listRuns().map((r) => r.run),
      ['kept'],
    );
    a.close();
    b.close();
  });
});

describe('run names', () => {
  it('accepts ordinary names', () => {
    assert.equal(validateRunName('qwen-7b_grpo.v2@lr=1e-6'), 'qwen-7b_grpo.v2@lr=1e-6');
  });
  for (const bad of ['', '../etc', 'a/b', '-flag', 'x'.repeat(129), 'a b', "x'; DROP TABLE runs;--"]) {
    it(`refuses ${JSON.stringify(bad.slice(0, 20))}`, () => {
      expectLensError(() => validateRunName(bad), ErrorCode.BadInput, /invalid run name/);
    });
  }
});

describe('migration 4 on an existing database', () => {
  it('adds the per-token columns and the run grouping to a version-3 database and keeps its rows', () => {
    const file = path.join(tempDir(), 'old.db');
    const store = Store.open(file);
    store.db.exec(`
      ALTER TABLE samples DROP COLUMN train_logprobs; ALTER TABLE samples DROP COLUMN ref_logprobs;
      ALTER TABLE samples DROP COLUMN entropy; ALTER TABLE runs DROP COLUMN grouping;
      ALTER TABLE runs DROP COLUMN success_rule; ALTER TABLE runs DROP COLUMN success_threshold; ALTER TABLE groups DROP COLUMN tool_n;
      DROP TABLE step_components;
      ALTER TABLE samples DROP COLUMN images; ALTER TABLE samples DROP COLUMN boxes; DROP TABLE images; DROP TABLE step_boxes;
      ALTER TABLE samples DROP COLUMN video; ALTER TABLE samples DROP COLUMN segments; DROP TABLE step_segments;
      ALTER TABLE samples DROP COLUMN pairwise; ALTER TABLE samples DROP COLUMN verdict; ALTER TABLE samples DROP COLUMN reward_models; ALTER TABLE samples DROP COLUMN p_reward; ALTER TABLE samples DROP COLUMN logp_reward; ALTER TABLE samples DROP COLUMN answer_offset; ALTER TABLE samples DROP COLUMN stage; ALTER TABLE groups DROP COLUMN judged_n; ALTER TABLE groups DROP COLUMN verdict_sum; ALTER TABLE groups DROP COLUMN against_n; ALTER TABLE groups DROP COLUMN won_n; ALTER TABLE groups DROP COLUMN p_n; ALTER TABLE groups DROP COLUMN p_sum; ALTER TABLE groups DROP COLUMN p_zero_n; ALTER TABLE groups DROP COLUMN direct_n; ALTER TABLE groups DROP COLUMN direct_success_n; ALTER TABLE groups DROP COLUMN decompose_n; ALTER TABLE groups DROP COLUMN decompose_success_n; ALTER TABLE groups DROP COLUMN reflect_stage_n; ALTER TABLE groups DROP COLUMN reflect_success_n; DROP TABLE step_model_pairs; DROP INDEX samples_by_trace; ALTER TABLE samples DROP COLUMN trace_id; ALTER TABLE samples DROP COLUMN trained; ALTER TABLE samples DROP COLUMN filter_reason; ALTER TABLE groups DROP COLUMN trained_n; ALTER TABLE groups DROP COLUMN filtered_n; DROP TABLE trained_batches; DROP TABLE trained_traces;
      DROP TABLE labels;
      DROP TRIGGER prompt_lives_group_added; DROP TRIGGER prompt_lives_group_trainable; DROP TABLE prompt_lives; ALTER TABLE steps DROP COLUMN first_sample_id; ALTER TABLE steps DROP COLUMN last_sample_id;
      DROP TABLE alerts; DROP TABLE alert_step_state; DROP TABLE alert_runs; DROP TABLE alert_detectors;
      INSERT INTO runs (name, created_at) VALUES ('old-run', 1);`);
    store.db.pragma('user_version = 3');
    store.close();
    const again = Store.open(file);
    assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const cols = again.db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    const sampleCols = cols.all('samples') as string[];
    assert.deepEqual(sampleCols.slice(-18), [
      'response',
      'train_logprobs',
      'ref_logprobs',
      'entropy',
      'images',
      'boxes',
      'video',
      'segments',
      'pairwise',
      'verdict',
      'reward_models',
      'p_reward',
      'logp_reward',
      'answer_offset',
      'stage',
      'trace_id',
      'trained',
      'filter_reason',
    ]);
    assert.ok((cols.all('runs') as string[]).includes('grouping'));
    assert.deepEqual(again.db.prepare('SELECT name, grouping FROM runs').all(), [{ name: 'old-run', grouping: null }]);
    again.close();
  });
});

describe('migration 6 on an existing database', () => {
  it('sets the full-text index to merge 16 segments at a time and keeps what it indexed', () => {
    const file = path.join(tempDir(), 'v5.db');
    const store = Store.open(file);
    store.db.exec(`
      INSERT INTO samples_fts (samples_fts, rank) VALUES ('automerge', 4);
      ALTER TABLE runs DROP COLUMN success_rule; ALTER TABLE runs DROP COLUMN success_threshold; ALTER TABLE groups DROP COLUMN tool_n;
      DROP TABLE step_components;
      ALTER TABLE samples DROP COLUMN images; ALTER TABLE samples DROP COLUMN boxes; DROP TABLE images; DROP TABLE step_boxes;
      ALTER TABLE samples DROP COLUMN video; ALTER TABLE samples DROP COLUMN segments; DROP TABLE step_segments;
      ALTER TABLE samples DROP COLUMN pairwise; ALTER TABLE samples DROP COLUMN verdict; ALTER TABLE samples DROP COLUMN reward_models; ALTER TABLE samples DROP COLUMN p_reward; ALTER TABLE samples DROP COLUMN logp_reward; ALTER TABLE samples DROP COLUMN answer_offset; ALTER TABLE samples DROP COLUMN stage; ALTER TABLE groups DROP COLUMN judged_n; ALTER TABLE groups DROP COLUMN verdict_sum; ALTER TABLE groups DROP COLUMN against_n; ALTER TABLE groups DROP COLUMN won_n; ALTER TABLE groups DROP COLUMN p_n; ALTER TABLE groups DROP COLUMN p_sum; ALTER TABLE groups DROP COLUMN p_zero_n; ALTER TABLE groups DROP COLUMN direct_n; ALTER TABLE groups DROP COLUMN direct_success_n; ALTER TABLE groups DROP COLUMN decompose_n; ALTER TABLE groups DROP COLUMN decompose_success_n; ALTER TABLE groups DROP COLUMN reflect_stage_n; ALTER TABLE groups DROP COLUMN reflect_success_n; DROP TABLE step_model_pairs; DROP INDEX samples_by_trace; ALTER TABLE samples DROP COLUMN trace_id; ALTER TABLE samples DROP COLUMN trained; ALTER TABLE samples DROP COLUMN filter_reason; ALTER TABLE groups DROP COLUMN trained_n; ALTER TABLE groups DROP COLUMN filtered_n; DROP TABLE trained_batches; DROP TABLE trained_traces;
      DROP TABLE labels;
      DROP TRIGGER prompt_lives_group_added; DROP TRIGGER prompt_lives_group_trainable; DROP TABLE prompt_lives; ALTER TABLE steps DROP COLUMN first_sample_id; ALTER TABLE steps DROP COLUMN last_sample_id;
      INSERT INTO runs (name, created_at) VALUES ('old-run', 1);
      INSERT INTO steps (run_id, split, step) VALUES (1, 'train', 0);
      INSERT INTO prompts (hash, text) VALUES (x'00', 'q');
      INSERT INTO groups (step_id, uid, prompt_id) VALUES (1, 'g', 1);
      INSERT INTO samples (group_id, idx, reward, length_chars, response) VALUES (1, 0, 1, 18, 'wait, let me check');
      INSERT INTO samples_fts (rowid, response) VALUES (1, 'wait, let me check');`);
    assert.equal(store.db.prepare("SELECT v FROM samples_fts_config WHERE k = 'automerge'").pluck().get(), 4);
    store.db.pragma('user_version = 5');
    store.close();
    const again = Store.open(file);
    assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(again.db.prepare("SELECT v FROM samples_fts_config WHERE k = 'automerge'").pluck().get(), 16);
    assert.deepEqual(again.db.prepare("SELECT rowid FROM samples_fts WHERE samples_fts MATCH 'check'").pluck().all(), [1]);
    again.close();
  });
});

describe('migration 7 on an existing database', () => {
  it('counts solved samples again by the success rule (a correctness component, not R > 0) and tool-use samples', () => {
    const file = path.join(tempDir(), 'v6.db');
    const store = Store.open(file);
    // As version 6 stored them: success_n counted R > 0 for samples without a verdict, so the 0.1
    // format bonus made both samples solved.
    store.db.exec(`
      ALTER TABLE runs DROP COLUMN success_rule; ALTER TABLE runs DROP COLUMN success_threshold; ALTER TABLE groups DROP COLUMN tool_n;
      DROP TABLE step_components;
      ALTER TABLE samples DROP COLUMN images; ALTER TABLE samples DROP COLUMN boxes; DROP TABLE images; DROP TABLE step_boxes;
      ALTER TABLE samples DROP COLUMN video; ALTER TABLE samples DROP COLUMN segments; DROP TABLE step_segments;
      ALTER TABLE samples DROP COLUMN pairwise; ALTER TABLE samples DROP COLUMN verdict; ALTER TABLE samples DROP COLUMN reward_models; ALTER TABLE samples DROP COLUMN p_reward; ALTER TABLE samples DROP COLUMN logp_reward; ALTER TABLE samples DROP COLUMN answer_offset; ALTER TABLE samples DROP COLUMN stage; ALTER TABLE groups DROP COLUMN judged_n; ALTER TABLE groups DROP COLUMN verdict_sum; ALTER TABLE groups DROP COLUMN against_n; ALTER TABLE groups DROP COLUMN won_n; ALTER TABLE groups DROP COLUMN p_n; ALTER TABLE groups DROP COLUMN p_sum; ALTER TABLE groups DROP COLUMN p_zero_n; ALTER TABLE groups DROP COLUMN direct_n; ALTER TABLE groups DROP COLUMN direct_success_n; ALTER TABLE groups DROP COLUMN decompose_n; ALTER TABLE groups DROP COLUMN decompose_success_n; ALTER TABLE groups DROP COLUMN reflect_stage_n; ALTER TABLE groups DROP COLUMN reflect_success_n; DROP TABLE step_model_pairs; DROP INDEX samples_by_trace; ALTER TABLE samples DROP COLUMN trace_id; ALTER TABLE samples DROP COLUMN trained; ALTER TABLE samples DROP COLUMN filter_reason; ALTER TABLE groups DROP COLUMN trained_n; ALTER TABLE groups DROP COLUMN filtered_n; DROP TABLE trained_batches; DROP TABLE trained_traces;
      DROP TABLE labels;
      DROP TRIGGER prompt_lives_group_added; DROP TRIGGER prompt_lives_group_trainable; DROP TABLE prompt_lives; ALTER TABLE steps DROP COLUMN first_sample_id; ALTER TABLE steps DROP COLUMN last_sample_id;
      INSERT INTO runs (name, created_at) VALUES ('old-run', 1);
      INSERT INTO steps (run_id, split, step, dirty) VALUES (1, 'train', 0, 0);
      INSERT INTO prompts (hash, text) VALUES (x'00', 'q');
      INSERT INTO groups (step_id, uid, prompt_id, size, reward_sum, reward_min, reward_max, positive_n, success_n, chars_sum, chars_correct)
        VALUES (1, 'g', 1, 2, 1.2, 0.1, 1.1, 2, 2, 7, 7);
      INSERT INTO samples (group_id, idx, reward, components, length_chars, response)
        VALUES (1, 0, 1.1, '{"correctness":1,"format":0.1}', 3, 'yes'), (1, 1, 0.1, '{"correctness":0,"format":0.1}', 4, 'nope');
      UPDATE samples SET turns = '[{"role":"assistant","content":"calc","trained":true},{"role":"tool","content":"4","trained":false}]'
        WHERE idx = 1;`);
    store.db.pragma('user_version = 6');
    store.close();
    const again = Store.open(file);
    assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(again.db.prepare('SELECT success_n, chars_correct, chars_wrong, tool_n FROM groups').get(), {
      success_n: 1,
      chars_correct: 3,
      chars_wrong: 4,
      tool_n: 1,
    });
    assert.deepEqual(again.listRuns()[0]!.success_rule, 'component:correctness');
    // The dashboard's component sums, filled from the samples.
    assert.deepEqual(again.db.prepare('SELECT name, sum, n FROM step_components ORDER BY name').raw().all(), [
      ['correctness', 1, 2],
      ['format', 0.2, 2],
    ]);
    const [row] = again.stepStats(1);
    assert.equal(row!.all_correct_ratio, 0);
    assert.deepEqual(row!.pass_at_k, { '1': 0.5, '2': 1 });
    assert.equal(row!.success_rule, 'component:correctness');
    again.close();
  });
});

describe('migrations 8 and 9 on an existing database', () => {
  it('adds image references, boxes, the image table, video and segments to a version-7 database and keeps its samples', () => {
    const file = path.join(tempDir(), 'v7.db');
    const store = Store.open(file);
    store.db.exec(`
      ALTER TABLE samples DROP COLUMN images; ALTER TABLE samples DROP COLUMN boxes; DROP TABLE images; DROP TABLE step_boxes;
      ALTER TABLE samples DROP COLUMN video; ALTER TABLE samples DROP COLUMN segments; DROP TABLE step_segments;
      ALTER TABLE samples DROP COLUMN pairwise; ALTER TABLE samples DROP COLUMN verdict; ALTER TABLE samples DROP COLUMN reward_models; ALTER TABLE samples DROP COLUMN p_reward; ALTER TABLE samples DROP COLUMN logp_reward; ALTER TABLE samples DROP COLUMN answer_offset; ALTER TABLE samples DROP COLUMN stage; ALTER TABLE groups DROP COLUMN judged_n; ALTER TABLE groups DROP COLUMN verdict_sum; ALTER TABLE groups DROP COLUMN against_n; ALTER TABLE groups DROP COLUMN won_n; ALTER TABLE groups DROP COLUMN p_n; ALTER TABLE groups DROP COLUMN p_sum; ALTER TABLE groups DROP COLUMN p_zero_n; ALTER TABLE groups DROP COLUMN direct_n; ALTER TABLE groups DROP COLUMN direct_success_n; ALTER TABLE groups DROP COLUMN decompose_n; ALTER TABLE groups DROP COLUMN decompose_success_n; ALTER TABLE groups DROP COLUMN reflect_stage_n; ALTER TABLE groups DROP COLUMN reflect_success_n; DROP TABLE step_model_pairs; DROP INDEX samples_by_trace; ALTER TABLE samples DROP COLUMN trace_id; ALTER TABLE samples DROP COLUMN trained; ALTER TABLE samples DROP COLUMN filter_reason; ALTER TABLE groups DROP COLUMN trained_n; ALTER TABLE groups DROP COLUMN filtered_n; DROP TABLE trained_batches; DROP TABLE trained_traces;
      DROP TABLE labels;
      DROP TRIGGER prompt_lives_group_added; DROP TRIGGER prompt_lives_group_trainable; DROP TABLE prompt_lives; ALTER TABLE steps DROP COLUMN first_sample_id; ALTER TABLE steps DROP COLUMN last_sample_id;
      INSERT INTO runs (name, created_at) VALUES ('old-run', 1);
      INSERT INTO steps (run_id, split, step) VALUES (1, 'train', 0);
      INSERT INTO prompts (hash, text) VALUES (x'00', 'q');
      INSERT INTO groups (step_id, uid, prompt_id) VALUES (1, 'g', 1);
      INSERT INTO samples (group_id, idx, reward, length_chars, response) VALUES (1, 0, 1, 3, 'yes');`);
    store.db.pragma('user_version = 7');
    store.close();
    const again = Store.open(file);
    assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(again.db.prepare('SELECT idx, response, images, boxes FROM samples').all(), [
      { idx: 0, response: 'yes', images: null, boxes: null },
    ]);
    assert.deepEqual(again.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('images'), [
      'hash',
      'mime',
      'width',
      'height',
      'bytes',
    ]);
    again.close();
  });
});
