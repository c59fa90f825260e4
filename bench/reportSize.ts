// The size of a shared report (rollout-lens report) of one 64-sample group, the figure docs/webviews.md
// states: 64 responses of 1,024 tokens (about 5,000 characters each, token ids and sampler logprobs
// logged), no image, a 20-step run behind the dashboard. It writes the report through the built CLI
// and splits the file into the inlined bundles and the embedded data. Nothing is timed.
// `node scripts/build.mjs --production && node --import tsx bench/reportSize.ts`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng, runCliJson, tempDir, writeJsonl } from '../test/helpers';

const G = 64;
const TOKENS = 1024;
const STEPS = 20;
const WORDS = ['the', 'answer', 'is', 'so', 'we', 'get', 'x', '=', 'then', 'check', 'step', 'sum', 'of', 'both', 'sides', '2', '7', 'wait'];

const rand = prng(64);
const rows: object[] = [];
for (let step = 1; step <= STEPS; step++) {
  for (let i = 0; i < G; i++) {
    const ids = Array.from({ length: TOKENS }, () => Math.floor(rand() * 150_000));
    const response = ids.map((id) => WORDS[id % WORDS.length]).join(' ');
    rows.push({
      step,
      group: `s${step}-g0`,
      index: i,
      prompt: 'Solve for x: 3x + 7 = 22. Show your work.',
      response,
      response_ids: ids,
      logprobs: ids.map(() => -rand() * 3),
      reward: rand() < 0.5 ? 1 : 0,
      ground_truth: '5',
    });
  }
}
const dir = tempDir('rl-report-size-');
const db = path.join(dir, 'r.db');
writeJsonl(path.join(dir, 'r.jsonl'), rows);
runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'size']);
const out = path.join(dir, 'report.html');
const r = runCliJson(['report', '--db', db, '--run', 'size', '--step', '10', '--group', 's10-g0', '--out', out]) as {
  bytes: number;
};
const html = fs.readFileSync(out, 'utf8');
const blockSize = (id: string): number => {
  const start = html.indexOf(`id="${id}">`);
  return start < 0 ? 0 : Buffer.byteLength(html.slice(start, html.indexOf('</script>', start)));
};
const data = blockSize('rl-report-data');
const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
process.stdout.write(
  `64-sample group report: ${mb(r.bytes)} in all; data ${mb(data)}; group bundle ${mb(blockSize('rl-app-group'))}; ` +
    `dashboard bundle ${mb(blockSize('rl-app-dashboard'))}\n`,
);
