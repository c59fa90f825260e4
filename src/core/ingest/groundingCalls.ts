// From the blocks of a debug log's files to samples: which blocks are one reward call, which call of
// one function goes with which call of another, and what each completion becomes
// (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
import * as path from 'node:path';
import type { BoxCoords, ImageRef, SampleBoxes } from '../../shared/media';
import type { Split } from '../../shared/rollout';
import type { DatasetIndex } from './datasetJoin';
import { guiG1AnswerBox, vlmR1AnswerBox } from './groundingAnswers';
import type { FormatEntry, RewardBlock } from './groundingLogParse';
import type { SampleRecord } from './records';
import type { CallSamples } from './rewardLogPass';

/** One file's reward blocks: `suffix` is what its name adds to LOG_PATH (`''`, `_iou`, `_hit`). */
export interface LogFile {
  file: string;
  suffix: string;
  rewards: RewardBlock[];
}

/** The blocks one reward function wrote for one call, under the component name they get. */
interface FunctionCall {
  label: string;
  file: string;
  blocks: RewardBlock[];
}

/** One call of the trainer's reward functions: the completions of a batch and each function's blocks for them. */
export interface RewardCall {
  key: string;
  parts: FunctionCall[];
}

/** Completions with the same answers and targets in the same order are one call's. */
const keyOf = (blocks: readonly RewardBlock[]): string => JSON.stringify(blocks.map((b) => [b.content, b.solutionText]));

/** The names the trainers' --reward_funcs use (VLM-R1 logs "Accuracy" for `accuracy`). */
const label = (name: string): string => name.toLowerCase();

/**
 * One file's blocks as function calls. GUI-G1 stamps every block of a call with one time, so a call
 * is the blocks that share it (ranks writing one file interleave by block, never within one).
 * VLM-R1 stamps each completion: a call is then a run of consecutive blocks with the same image,
 * instruction and target, or `groupSize` blocks.
 */
function functionCalls(f: LogFile, groupSize: number | undefined): Array<{ name: string; blocks: RewardBlock[] }> {
  const perCompletion = f.rewards.some((b) => b.problem !== undefined);
  if (!perCompletion) {
    const byTime = new Map<string, { name: string; blocks: RewardBlock[] }>();
    for (const b of f.rewards) {
      const k = `${b.name} ${b.time}`;
      const c = byTime.get(k);
      if (c) c.blocks.push(b);
      else byTime.set(k, { name: b.name, blocks: [b] });
    }
    return [...byTime.values()];
  }
  const out: Array<{ name: string; blocks: RewardBlock[] }> = [];
  const same = (a: RewardBlock, b: RewardBlock): boolean =>
    a.name === b.name && a.imagePath === b.imagePath && a.problem === b.problem && a.solutionText === b.solutionText;
  for (const b of f.rewards) {
    const cur = out[out.length - 1];
    const fits = cur && (groupSize ? cur.blocks.length < groupSize && cur.name === b.name : same(cur.blocks[0]!, b));
    if (fits) cur.blocks.push(b);
    else out.push({ name: b.name, blocks: [b] });
  }
  return out;
}

/**
 * Pairs the calls of every function, in file order: the n-th call of a function with the first
 * call that has the same completions and no block of that function yet. GUI-G1's box reward writes
 * to `_iou.txt` under the header "iou reward" after the iou reward's own blocks (run.sh:
 * `--reward_funcs iou hit box`), so the second call there with the same completions is `box`.
 */
export function rewardCalls(files: readonly LogFile[], groupSize: number | undefined): RewardCall[] {
  const calls: RewardCall[] = [];
  const byKey = new Map<string, RewardCall[]>();
  for (const f of files) {
    for (const fc of functionCalls(f, groupSize)) {
      const key = keyOf(fc.blocks);
      const base = label(fc.name);
      const candidates = f.suffix === '_iou' && base === 'iou' ? ['iou', 'box'] : [base];
      const same = byKey.get(key) ?? [];
      let placed = false;
      for (const l of candidates) {
        const into = same.find((c) => !c.parts.some((p) => p.label === l) && (l !== 'box' || c.parts.some((p) => p.label === 'iou')));
        if (into) {
          into.parts.push({ label: l, file: f.file, blocks: fc.blocks });
          placed = true;
          break;
        }
      }
      if (placed) continue;
      const call: RewardCall = { key, parts: [{ label: candidates[0]!, file: f.file, blocks: fc.blocks }] };
      calls.push(call);
      byKey.set(key, [...same, call]);
    }
  }
  return calls;
}

/** What the samples of one call need from outside the log. */
export interface SampleContext {
  split: Split;
  /** 1-based position of the call: the sample's step. */
  step: number;
  groupSize: number | undefined;
  dataset: DatasetIndex | undefined;
  /** Relative VLM-R1 image paths are resolved against it (else against the log's folder). */
  imageRoot: string | undefined;
  /** VLM-R1's format log, matched to completions by their answer, first unused first. */
  formats: FormatQueue;
}

/** Format entries by answer text, each taken once. */
export class FormatQueue {
  private readonly byContent = new Map<string, FormatEntry[]>();
  readonly size: number;

  constructor(entries: readonly FormatEntry[]) {
    for (const e of entries) {
      const list = this.byContent.get(e.content);
      if (list) list.push(e);
      else this.byContent.set(e.content, [e]);
    }
    this.size = entries.length;
  }

  take(content: string): FormatEntry | undefined {
    return this.byContent.get(content)?.shift();
  }
}

/** The component names in the order the trainers call them. */
const ORDER = ['accuracy', 'format', 'iou', 'hit', 'box'];
const ordered = (a: string, b: string): number => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b);

/** The samples of one call: one per completion, its reward the sum of its functions' rewards. */
export function callSamples(call: RewardCall, labels: ReadonlySet<string>, ctx: SampleContext): CallSamples {
  const parts = [...call.parts].sort((a, b) => ordered(a.label, b.label));
  const anchor = parts[0]!;
  const where = `${path.basename(anchor.file)} line ${anchor.blocks[0]!.line}`;
  const warnings: string[] = [];
  const n = anchor.blocks.length;
  const samples: SampleRecord[] = [];
  let join: { images?: ImageRef[]; prompt?: string } | undefined;
  const first = anchor.blocks[0]!;
  if (first.imagePath === undefined && ctx.dataset && first.solution) {
    const m = ctx.dataset.match(first.solution);
    if (m.ok)
      join = {
        ...(m.row.image ? { images: [{ path: m.row.image }] } : {}),
        ...(m.row.problem !== undefined ? { prompt: m.row.problem } : {}),
      };
    else warnings.push(`${where} (step ${ctx.step}, samples 0-${n - 1}): ${m.why}; stored without an image`);
  } else if (first.imagePath === undefined && ctx.dataset) {
    warnings.push(
      `${where} (step ${ctx.step}, samples 0-${n - 1}): the target ${first.solutionText} is not a box; stored without an image`,
    );
  }
  let missingFormat = false;
  for (let k = 0; k < n; k++) {
    const b = anchor.blocks[k]!;
    const components: Record<string, number> = {};
    for (const p of parts) components[p.label] = p.blocks[k]!.reward;
    if (ctx.formats.size) {
      const f = ctx.formats.take(b.content);
      if (f) components['format'] = f.hasFormat ? 1 : 0;
      else missingFormat = true;
    }
    const reward = Object.values(components).reduce((s, v) => s + v, 0);
    const vlm = b.problem !== undefined;
    const pred: BoxCoords | null = vlm ? vlmR1AnswerBox(b.content) : guiG1AnswerBox(b.content);
    const images: ImageRef[] | undefined =
      b.imagePath !== undefined ? [{ path: path.resolve(ctx.imageRoot ?? path.dirname(anchor.file), b.imagePath) }] : join?.images;
    // VLM-R1 answers in the model's input pixels and scores against a target in the image's; the
    // input size is not logged, so only the prediction is drawn, in its own frame (docs say why).
    const boxes: SampleBoxes | undefined = vlm
      ? pred
        ? { pred: [pred], gt: [], image: 0, frame: 'input' }
        : undefined
      : pred || b.solution
        ? { pred: pred ? [pred] : [], gt: b.solution ? [b.solution] : [], image: 0, frame: 'original' }
        : undefined;
    const g = ctx.groupSize && !vlm ? Math.floor(k / ctx.groupSize) : 0;
    // With --group-size the name always carries the part number: a call read while it was being
    // written must keep its samples' group when later blocks make it two parts (exactly once).
    const single = !ctx.groupSize || vlm;
    samples.push({
      split: ctx.split,
      step: ctx.step,
      group: single ? anchor.blocks[0]!.time : `${anchor.blocks[0]!.time}#${g}`,
      index: ctx.groupSize && !vlm ? k - g * ctx.groupSize : k,
      prompt: b.problem ?? join?.prompt ?? `(instruction not in the log; target ${b.solutionText})`,
      response: b.content,
      reward,
      components,
      groundTruth: b.solutionText,
      ...(images ? { images } : {}),
      ...(boxes ? { boxes } : {}),
      meta: { debug_log: `${path.basename(anchor.file)}:${b.line}`, reward_time: b.time },
    });
  }
  const have = new Set(parts.map((p) => p.label));
  const missing = [...labels].filter((l) => l !== 'format' && !have.has(l));
  if (missingFormat) missing.push('format');
  return { samples, missing, warnings };
}
