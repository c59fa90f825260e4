// Flat as runs grow (issue #31; docs/architecture.md#at-dapo-scale): search, prompt ranking and the
// explorer's text filter on a DAPO-shaped run of 8.19M samples (quick: 1.05M), each beside the query
// it replaced ("before", kept here as SQL) on the same database in the same run. Limit: 300 ms each
// (median of warm runs); `prompts --limit 50` also ≤ 150 MB peak RSS as a CLI process.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { searchText } from '../src/core/store/fts';
import { promptLives, promptTimeline } from '../src/core/store/promptTimeline';
import { listGroups, listSamples, listSteps } from '../src/core/store/reads';
import { Store } from '../src/core/store/store';
import { RUN, scaleRun } from './scaleRun';

const LIMIT_MS = 300;
const LIMIT_MB = 150;
const COMMON = 'recheck';
const PHRASE = '"double-check the arithmetic"';
const RARE = 'zygomorphic';

function median(fn: () => unknown, n: number): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return +xs[Math.floor(xs.length / 2)]!.toFixed(1);
}

/** The search query before issue #31: bm25 over every match, then the top N. */
function searchBefore(store: Store, query: string, limit: number): number {
  return store.db
    .prepare(
      `SELECT s.id, snippet(samples_fts, 0, char(2), char(3), '…', 12) FROM samples_fts f JOIN samples s ON s.id = f.rowid
         JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
        WHERE samples_fts MATCH ? ORDER BY rank LIMIT ?`,
    )
    .all(query, limit).length;
}

/** `prompts` before issue #31: every group of the run grouped by prompt. */
function promptsBefore(store: Store, runId: number, limit: number): number {
  return store.db
    .prepare(
      `SELECT lower(hex(p.hash)) AS prompt_id, COUNT(*) AS appearances,
              SUM(CASE WHEN g.reward_min <> g.reward_max THEN 1 ELSE 0 END) AS trainable, MIN(st.step) AS first_step
         FROM groups g JOIN steps st ON st.id = g.step_id JOIN prompts p ON p.id = g.prompt_id
        WHERE st.run_id = ? AND st.split = 'train' GROUP BY g.prompt_id
        ORDER BY trainable DESC, appearances DESC, first_step, prompt_id LIMIT ?`,
    )
    .all(runId, limit).length;
}

/** A step's page of groups under a text filter before issue #31: every match's id, then the step's groups. */
function textPageBefore(store: Store, stepId: number, text: string): number {
  const ids = store.db.prepare('SELECT rowid FROM samples_fts WHERE samples_fts MATCH ?').pluck().all(text) as number[];
  return store.db
    .prepare(
      `SELECT COUNT(*) FROM groups g WHERE g.step_id = ?
          AND EXISTS (SELECT 1 FROM samples s WHERE s.group_id = g.id AND s.id IN (SELECT value FROM json_each(?)))`,
    )
    .pluck()
    .get(stepId, JSON.stringify(ids)) as number;
}

/** `prompts --limit 50 --json` as a CLI process: wall seconds and peak RSS (GNU time), or null without it. */
function promptsCli(db: string): { wall_ms: number; peak_mb: number } | null {
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M', process.execPath, cli, 'prompts', '--db', db, '--run', RUN, '--limit', '50', '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) return null;
  return { wall_ms: Math.round(Number(m[1]) * 1000), peak_mb: Math.round(Number(m[2]) / 1024) };
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const steps = opts.quick ? 128 : 1000;
  const made = await scaleRun(steps, (s) => process.stderr.write(`${s}\n`));
  // A database made before migration 12 is migrated by this open: timed, since users meet it once.
  const t0 = performance.now();
  const store = Store.open(made.db);
  const openS = +((performance.now() - t0) / 1000).toFixed(1);
  const runId = store.requireRun(RUN).id;
  const mid = Math.ceil(steps / 2);
  const midStep = store.db
    .prepare("SELECT id FROM steps WHERE run_id = ? AND split = 'train' AND step = ?")
    .pluck()
    .get(runId, mid) as number;
  const page = { run: RUN, split: 'train' as const, step: mid };
  const n = 5;
  const figures: Record<string, { before_ms?: number; after_ms: number }> = {};
  for (const [name, q] of [
    ['search_common_top100', COMMON],
    ['search_phrase_top100', PHRASE],
    ['search_rare_top100', RARE],
  ] as const) {
    figures[name] = {
      after_ms: median(() => searchText(store, q, { run: RUN, limit: 100 }), n),
      before_ms: median(() => searchBefore(store, q, 100), 3),
    };
  }
  // A phrase of a rare word and a word in every response: FTS5 walks the common word's doclist.
  figures['search_phrase_rare_in_common'] = { after_ms: median(() => searchText(store, '"flower so"', { run: RUN, limit: 100 }), n) };
  const counts = Object.fromEntries(
    [COMMON, PHRASE, RARE].map((q) => [q, store.db.prepare('SELECT COUNT(*) FROM samples_fts WHERE samples_fts MATCH ?').pluck().get(q)]),
  );
  figures['prompts_limit50'] = {
    after_ms: median(() => promptLives(store, RUN, { limit: 50 }), n),
    before_ms: median(() => promptsBefore(store, runId, 50), 3),
  };
  // The engine's explorer requests (the handlers call these functions): a step's page of groups, the
  // steps that have a matching group, a group's samples, each under a text filter; the search view.
  figures['explorer_groups_page_text_common'] = {
    after_ms: median(() => listGroups(store, page, { offset: 0, limit: 200, filter: { text: COMMON } }), n),
    before_ms: median(() => textPageBefore(store, midStep, COMMON), 3),
  };
  figures['explorer_groups_page_text_rare'] = {
    after_ms: median(() => listGroups(store, page, { offset: 0, limit: 200, filter: { text: RARE } }), n),
    before_ms: median(() => textPageBefore(store, midStep, RARE), 3),
  };
  figures['explorer_steps_page_text_common'] = {
    after_ms: median(() => listSteps(store, RUN, 0, 200, 'train', { filter: { text: COMMON } }), n),
  };
  figures['explorer_steps_page_text_rare'] = {
    after_ms: median(() => listSteps(store, RUN, 0, 200, 'train', { filter: { text: RARE } }), n),
  };
  figures['explorer_samples_text'] = {
    after_ms: median(() => listSamples(store, { ...page, group: `${mid}-7` }, { filter: { text: COMMON } }), n),
  };
  figures['search_view_common_limit200'] = { after_ms: median(() => searchText(store, COMMON, { limit: 200 }), n) };
  // Untouched reads, for "nothing else slower".
  figures['steps_page'] = { after_ms: median(() => listSteps(store, RUN, 0, 200, 'train'), n) };
  figures['groups_page'] = { after_ms: median(() => listGroups(store, page, { offset: 0, limit: 200, sort: 'reward' }), n) };
  figures['prompt_timeline'] = { after_ms: median(() => promptTimeline(store, RUN, { text: promptText(store) }), n) };
  store.close();
  const cli = promptsCli(made.db);
  const budgeted = [
    'search_common_top100',
    'search_phrase_top100',
    'search_rare_top100',
    'prompts_limit50',
    'explorer_groups_page_text_common',
    'explorer_steps_page_text_common',
  ];
  const worst = Math.max(...budgeted.map((k) => figures[k]!.after_ms));
  return {
    scale: {
      samples: made.samples,
      steps,
      built_s: made.built_s,
      open_s: openS,
      matches: counts,
      ...figures,
      prompts_cli: cli ?? 'GNU time not found',
      limit_ms: LIMIT_MS,
      limit_peak_mb: LIMIT_MB,
      ratio_to_limit: +Math.max(worst / LIMIT_MS, cli ? cli.peak_mb / LIMIT_MB : 0).toFixed(3),
    },
  };
}

/** A prompt of the run (the first stored), for the timeline. */
function promptText(store: Store): string {
  return store.db.prepare('SELECT text FROM prompts ORDER BY id LIMIT 1').pluck().get() as string;
}
