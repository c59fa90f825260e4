#!/usr/bin/env node
// The realistic demo run: a PROCEDURAL WRITER, NOT A MODEL. It writes what a GRPO run on math word
// problems would log (Rollout Lens native JSONL, docs/native-format.md), live, one step at a time:
// long chain-of-thought responses (300–4000 tokens) with token ids and log-probabilities from a real
// byte-level BPE tokenizer.json (trained here on the writer's own text), G samples per prompt that
// share prefixes and branch, reflection words ("wait", "recheck", "alternatively") that become more
// frequent over the steps, responses cut at the length limit, reward components, and a few
// multi-turn tool-use groups. Everything is deterministic from --seed.
//
//   node examples/realistic-run/writer.mjs --out DIR [--steps 64] [--seed 7] [--groups 4] [--size 8]
//     [--interval-ms 800] [--burst 4] [--tokenizer FILE]
// Writes DIR/rollouts.jsonl and DIR/metrics.jsonl (appended and flushed per step) and the tokenizer
// at --tokenizer (default DIR/../tokenizer/tokenizer.json, outside DIR so it is not ingested).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { trainByteLevelBpe } from './bpe.mjs';
import { Decisions, Stream, mix } from './decisions.mjs';
import { makeProblem } from './problems.mjs';
import { reason } from './reasoning.mjs';

const SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';
const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const TOOL_SYSTEM = `${SYSTEM} You may call a calculator: <tool_call>{"name": "calculator", "arguments": {"expression": "..."}}</tool_call>`;
export const MAX_TOKENS = 4096;
const OVERLONG_CACHE = 1024; // DAPO's soft overlong punishment window (Yu et al. 2025, arXiv:2503.14476, section 3.4; docs/rewards.md)

function args(argv) {
  const get = (name, dflt) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const out = get('out');
  if (!out) throw new Error('usage: writer.mjs --out=DIR [--steps=64] [--seed=7] [--groups=4] [--size=8] [--interval-ms=800] [--burst=4]');
  const size = Number(get('size', '8'));
  if (![2, 4, 8, 16].includes(size)) throw new Error(`--size must be 2, 4, 8 or 16, got ${size}`);
  return {
    out: path.resolve(out),
    steps: Number(get('steps', '64')),
    seed: Number(get('seed', '7')),
    groups: Number(get('groups', '4')),
    size,
    intervalMs: Number(get('interval-ms', '800')),
    burst: Number(get('burst', '4')),
    tokenizer: path.resolve(get('tokenizer', path.join(out, '..', 'tokenizer', 'tokenizer.json'))),
  };
}

/** How the simulated policy behaves at training progress t ∈ [0, 1]. */
export function knobsAt(t, lengthJitter) {
  return {
    reflect: 0.04 + 0.72 * t ** 1.3, // the "aha" curve
    slip: 0.32 - 0.26 * t, // arithmetic errors get rarer
    // The policy learns the answer format: more \boxed{N}, fewer unboxed answers.
    forms: [55 + 37 * t, 7, 5, 33 - 31 * t],
    chars: (1050 + 7700 * t ** 1.1) * lengthJitter, // ~4.5 characters per token (numbers cost more)
    loop: 0.001 + 0.012 * t ** 1.5,
    tool: false,
  };
}

function chatPrompt(system, question) {
  return `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
}

/** The last \boxed{…} of a text (braces balanced), or undefined. */
export function lastBoxed(text) {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return undefined;
  let depth = 0;
  for (let i = at + 6; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(at + 7, i);
  }
  return undefined;
}

/** Rewards as the simulated trainer logs them: a strict string match, a format bonus, DAPO's overlong penalty. */
export function rewardOf(text, tokens, finish, answer) {
  const boxed = finish === 'stop' ? lastBoxed(text) : undefined;
  const correctness = boxed !== undefined && boxed.trim() === String(answer) ? 1 : 0;
  const format = boxed !== undefined ? 0.1 : 0;
  const over = tokens - (MAX_TOKENS - OVERLONG_CACHE);
  const overlong = over > 0 ? -Math.min(1, over / OVERLONG_CACHE) : 0;
  const r = (x) => Math.round(x * 10000) / 10000;
  return { reward: r(correctness + format + overlong), components: { correctness, format, overlong: r(overlong) } };
}

/** Log-probabilities that depend only on the prefix, so shared prefixes have identical ones. */
function logprobsOf(ids, groupSeed) {
  let h = groupSeed;
  return ids.map((id) => {
    h = mix(h, id);
    const u = h / 2 ** 32;
    const lp = u < 0.82 ? -(u / 0.82) * 0.08 : u < 0.97 ? -0.08 - ((u - 0.82) / 0.15) * 0.9 : -1 - ((u - 0.97) / 0.03) * 3;
    return Math.round(lp * 10000) / 10000;
  });
}

/**
 * The trainer's recomputed log-probabilities (native `train_logprobs`) for the same tokens:
 * procedural, not a second forward pass. The sampler's value plus a small drift (|Δ| mostly under
 * 0.02, a little wider late in the run, as a policy drifts from the weights that sampled) and, on
 * about 1 token in 150, a larger deviation (|Δ| 0.25–1.2, the ratio exp(Δ) far outside a 0.2 clip
 * range), so the mismatch overlay and chart have something to show. Like `logprobsOf` it depends
 * only on the prefix, so shared prefixes keep equal values.
 */
function trainLogprobsOf(ids, lps, groupSeed, progress) {
  let h = mix(groupSeed, 0x7a1);
  const width = 0.012 + 0.02 * progress;
  return ids.map((id, j) => {
    h = mix(h, id);
    const u = h / 2 ** 32;
    const v = mix(h, 0x5e) / 2 ** 32;
    const delta = v < 1 / 150 ? (u < 0.5 ? -1 : 1) * (0.25 + 0.95 * (v * 150)) : (u - 0.5) * 2 * width;
    return Math.round(Math.min(0, lps[j] + delta) * 10000) / 10000;
  });
}

const tokenTexts = new Map();
/** One token's text, for display (a token holding part of a UTF-8 character decodes to U+FFFD). */
function tokenText(tok, id) {
  let t = tokenTexts.get(id);
  if (t === undefined) tokenTexts.set(id, (t = tok.decode([id])));
  return t;
}

function loadOrTrainTokenizer(file, seed) {
  if (!fs.existsSync(file)) {
    const t0 = Date.now();
    const texts = [];
    for (let k = 0; k < 160; k++) {
      const r = new Stream(seed, 0x70c, k);
      const p = makeProblem(r);
      texts.push(chatPrompt(SYSTEM, p.question));
      const knobs = { ...knobsAt(r.next(), 0.5), tool: k % 8 === 0 };
      const res = reason(p, new Decisions(mix(seed, 0x70c, k), 0, 8), knobs);
      texts.push(res.text ?? res.turns.map((t) => t.content).join(''));
    }
    const json = trainByteLevelBpe(texts, { merges: 1800, special: SPECIAL });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file + '.tmp', JSON.stringify(json));
    fs.renameSync(file + '.tmp', file);
    log(`trained a byte-level BPE tokenizer (${Object.keys(json.model.vocab).length} + ${SPECIAL.length} tokens) in ${Date.now() - t0} ms -> ${file}`);
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  return new Tokenizer(json, {});
}

function log(m) {
  process.stdout.write(`[realistic-run] ${m}\n`);
}

/** One group: G samples of one prompt. Returns native JSONL objects. */
export function writeGroup(tok, { seed, step, steps, g, groups, size, pool }) {
  const problem = pool[(step * groups + g) % pool.length];
  const groupSeed = mix(seed, step, g);
  const gs = new Stream(groupSeed, 0x9e);
  const tool = g === groups - 1 && step % 3 === 1;
  const knobs = { ...knobsAt(steps > 1 ? step / (steps - 1) : 1, 0.6 + 0.8 * gs.next()), tool };
  const prompt = chatPrompt(tool ? TOOL_SYSTEM : SYSTEM, problem.question);
  const progress = steps > 1 ? (step - 1) / (steps - 1) : 1;
  const withLogprobs = (ids) => {
    const logprobs = logprobsOf(ids, groupSeed);
    return { logprobs, train_logprobs: trainLogprobsOf(ids, logprobs, groupSeed, progress) };
  };
  const rows = [];
  for (let i = 0; i < size; i++) {
    const res = reason(problem, new Decisions(groupSeed, i, size), knobs);
    const row = { step, group: `s${step}-p${(step * groups + g) % pool.length}`, index: i, prompt };
    if (res.turns) {
      const text = res.turns.map((t) => t.content).join('');
      // Ids over every turn, as a multi-turn logger writes them; without a loss mask Rollout Lens
      // cannot tell the policy's tokens from the tool's, so its tree re-tokenises the trained turns.
      const ids = tok.encode(text, { add_special_tokens: false }).ids;
      Object.assign(row, rewardOf(text, ids.length, 'stop', problem.answer), {
        turns: res.turns,
        finish_reason: 'stop',
        response_ids: ids,
        ...withLogprobs(ids),
      });
    } else {
      let ids = tok.encode(res.text, { add_special_tokens: false }).ids;
      let text = res.text;
      let finish = 'stop';
      if (ids.length > MAX_TOKENS) {
        ids = ids.slice(0, MAX_TOKENS);
        text = tok.decode(ids);
        finish = 'length';
      }
      Object.assign(row, { response: text }, rewardOf(text, ids.length, finish, problem.answer), {
        finish_reason: finish,
        response_ids: ids,
        response_tokens: ids.map((id) => tokenText(tok, id)),
        ...withLogprobs(ids),
      });
    }
    Object.assign(row, { ground_truth: String(problem.answer), data_source: 'procedural-math' });
    rows.push(row);
  }
  // GRPO's advantage, as the trainer would log it: (r − mean) / (std + 1e-6) within the group.
  const mean = rows.reduce((a, r) => a + r.reward, 0) / rows.length;
  const std = Math.sqrt(rows.reduce((a, r) => a + (r.reward - mean) ** 2, 0) / (rows.length - 1));
  for (const r of rows) r.advantage = Math.round(((r.reward - mean) / (std + 1e-6)) * 10000) / 10000;
  return rows;
}

function metricsOf(step, rows) {
  const lengths = rows.map((r) => r.response_ids?.length ?? 0).filter((n) => n > 0);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const lps = rows.flatMap((r) => r.logprobs ?? []);
  const t = step / 64;
  const r4 = (x) => Math.round(x * 10000) / 10000;
  return {
    step,
    metrics: {
      'critic/score/mean': r4(mean(rows.map((r) => r.reward))),
      'critic/correctness/mean': r4(mean(rows.map((r) => r.components.correctness))),
      'response_length/mean': r4(mean(lengths)),
      'response_length/max': Math.max(0, ...lengths),
      'response_length/clip_ratio': r4(mean(rows.map((r) => (r.finish_reason === 'length' ? 1 : 0)))),
      'actor/entropy': r4(-mean(lps)),
      'actor/kl_loss': r4(0.0004 + 0.003 * t + 0.0005 * Math.sin(step)),
      'actor/pg_loss': r4(0.02 * Math.cos(step * 1.7)),
      'actor/grad_norm': r4(0.35 + 0.1 * Math.sin(step * 0.9) + 0.2 * t),
      'actor/lr': 1e-6,
    },
  };
}

async function main() {
  const a = args(process.argv.slice(2));
  log('a procedural writer, not a model: text, token ids and rewards are generated from templates and a seed');
  fs.mkdirSync(a.out, { recursive: true });
  const tok = loadOrTrainTokenizer(a.tokenizer, a.seed);
  const pool = Array.from({ length: 40 }, (_, k) => makeProblem(new Stream(a.seed, 0x9001, k)));
  const rollouts = path.join(a.out, 'rollouts.jsonl');
  const metrics = path.join(a.out, 'metrics.jsonl');
  // A new run, not a resume: start both files empty.
  fs.writeFileSync(rollouts, '');
  fs.writeFileSync(metrics, '');
  for (let step = 1; step <= a.steps; step++) {
    const t0 = Date.now();
    const rows = [];
    for (let g = 0; g < a.groups; g++) rows.push(...writeGroup(tok, { ...a, step, g, pool }));
    // One append per step: the explorer gets whole steps, as from a trainer that flushes per step.
    fs.appendFileSync(rollouts, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    fs.appendFileSync(metrics, JSON.stringify(metricsOf(step, rows)) + '\n');
    const m = metricsOf(step, rows).metrics;
    log(`step ${step}/${a.steps}: reward ${m['critic/score/mean'].toFixed(3)}, mean length ${m['response_length/mean'].toFixed(0)} tokens, truncated ${(m['response_length/clip_ratio'] * 100).toFixed(0)}%`);
    const wait = step <= a.burst ? 0 : a.intervalMs - (Date.now() - t0);
    if (wait > 0 && step < a.steps) await new Promise((r) => setTimeout(r, wait));
  }
  log(`done: ${a.steps} steps -> ${a.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`[realistic-run] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
