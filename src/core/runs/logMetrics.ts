// Metrics and progress from a trainer's console output. Pure functions over one line of text,
// tested on captured lines (test/fixtures/logs): verl's console logger, TRL/transformers' per-step
// dict, native metrics JSON lines, and tqdm bars.

/** Values parsed from a log; NaN stands for a logged nan/inf (stored as NULL). */
export interface LogMetrics {
  step: number;
  values: Record<string, number>;
}

export interface LogProgress {
  step: number;
  total: number | null;
  etaSeconds: number | null;
}

/** A keeper log line `<ISO time> <out|err|sup> <text>` → its parts; other lines pass unchanged. */
export function stripLogPrefix(line: string): { tag: 'out' | 'err' | 'sup' | null; text: string } {
  const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (out|err|sup) (.*)$/s.exec(line);
  return m ? { tag: m[1] as 'out' | 'err' | 'sup', text: m[2]! } : { tag: null, text: line };
}

/** Python's repr of a number (float, int, bool, nan, inf, numpy scalar) → number; undefined if not one. */
export function pythonNumber(raw: string): number | undefined {
  let s = raw.trim();
  // numpy 2 reprs wrap the value: np.float64(0.5), np.int64(3); `numpy.` on some builds.
  const wrapped = /^(?:np|numpy)\.(?:float|int|uint|bool_?)\d*\((.*)\)$/.exec(s);
  if (wrapped) s = wrapped[1]!.trim();
  if (s === 'True') return 1;
  if (s === 'False') return 0;
  if (/^[-+]?(nan|inf|infinity)$/i.test(s)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/**
 * verl's console logger: `step:N - key:value - key:value`, values printed with pprint.pformat
 * (or `%.3f` in older releases). Under Ray the line may carry an actor prefix such as
 * `(TaskRunner pid=123) `; that is skipped.
 */
export function parseVerlLine(text: string): LogMetrics | null {
  // Ray folds repeated actor output and says so at the end of the line.
  const m = /(?:^|\s)step:(\d+)((?: - [^\n]*)?)$/.exec(text.replace(/\s*\[repeated \d+x across cluster\]\s*$/, ''));
  if (!m) return null;
  const values: Record<string, number> = {};
  for (const item of m[2]!.split(' - ').slice(1)) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) continue;
    const v = pythonNumber(item.slice(colon + 1));
    if (v !== undefined) values[item.slice(0, colon)] = v;
  }
  if (Object.keys(values).length === 0) return null;
  return { step: Number(m[1]), values };
}

/** Reads a Python string literal ('…' or "…") at `i`; returns [value, next index] or null. */
function pyString(s: string, i: number): [string, number] | null {
  const q = s[i];
  if (q !== "'" && q !== '"') return null;
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '\\') {
      const n = s[j + 1];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
      j++;
    } else if (c === q) return [out, j + 1];
    else out += c;
  }
  return null;
}

/**
 * The Python dict repr transformers prints per logging step, e.g. TRL 1.13 / transformers 5:
 * `{'loss': '0.0123', 'grad_norm': '1.5', ..., 'epoch': '0.25'}` (values as `%.4g` strings), or
 * older releases' raw numbers `{'loss': 0.0123, ...}`. Returns the numeric entries, or null when the
 * line is not such a dict.
 */
export function parsePythonDict(text: string): Record<string, number> | null {
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) return null;
  const values: Record<string, number> = {};
  let i = 1;
  const skipWs = (): void => {
    while (s[i] === ' ') i++;
  };
  for (;;) {
    skipWs();
    if (s[i] === '}') break;
    const key = pyString(s, i);
    if (!key) return null;
    i = key[1];
    skipWs();
    if (s[i] !== ':') return null;
    i++;
    skipWs();
    let raw: string;
    const str = pyString(s, i);
    if (str) {
      raw = str[0];
      i = str[1];
    } else {
      const end = s.slice(i).search(/[,}]/);
      if (end < 0) return null;
      raw = s.slice(i, i + end);
      i += end;
    }
    const v = pythonNumber(raw);
    if (v !== undefined) values[key[0]] = v;
    skipWs();
    if (s[i] === ',') i++;
    else if (s[i] !== '}') return null;
  }
  return Object.keys(values).length ? values : null;
}

/** `{"step": N, "metrics": {...}}` (native) or `{"step": N, "data": {...}}` (verl file logger). */
export function parseMetricsJson(text: string): LogMetrics | null {
  const s = text.trim();
  if (!s.startsWith('{') || !s.includes('"step"')) return null;
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch {
    // Python's json.dumps writes bare NaN / Infinity: read them as missing values.
    try {
      o = JSON.parse(s.replace(/(?<=[:,[]\s*)-?(?:NaN|Infinity)(?=\s*[,}\]])/g, 'null'));
    } catch {
      return null;
    }
  }
  if (typeof o !== 'object' || o === null) return null;
  const rec = o as Record<string, unknown>;
  const step = rec['step'];
  const inner = rec['metrics'] ?? rec['data'];
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || typeof inner !== 'object' || inner === null) return null;
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(inner as Record<string, unknown>)) {
    if (typeof v === 'number') values[k] = v;
    else if (typeof v === 'boolean') values[k] = v ? 1 : 0;
    else if (v === null) values[k] = Number.NaN;
  }
  return Object.keys(values).length ? { step, values } : null;
}

/** `00:19` / `1:02:03` → seconds; `?` → null. */
function clockSeconds(s: string): number | null {
  if (!/^\d+(:\d+){1,2}$/.test(s)) return null;
  return s.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

const TQDM = /^(.*?)(?:\d{1,3}%\|[^|]*\| *)?(\d+)(?:\/(\d+))?(?:it)? \[(\d+(?::\d+){1,2})(?:<(\d+(?::\d+){1,2}|\?))?,/;

/**
 * The last training progress bar in text that tqdm redraws with `\r`, e.g.
 * ` 17%|█▋        | 1/6 [00:00<00:01,  3.66it/s]` → {step 1, total 6, eta 1 s}. Bars with a
 * description are taken only when it names training (verl's `Training Progress`): vLLM's
 * `Processed prompts` or a data-loading bar is not the run's step.
 */
export function parseTqdm(text: string): LogProgress | null {
  const parts = text.split(/\r\n|\r|\n/);
  for (let i = parts.length - 1; i >= 0; i--) {
    const m = TQDM.exec(parts[i]!);
    if (!m) continue;
    const desc = m[1]!.replace(/:\s*$/, '').trim();
    if (desc !== '' && !/train|step|epoch/i.test(desc)) continue;
    return {
      step: Number(m[2]),
      total: m[3] === undefined ? null : Number(m[3]),
      etaSeconds: m[5] === undefined ? null : clockSeconds(m[5]),
    };
  }
  return null;
}

/** What one log line contributed. */
export type LogRecord =
  { kind: 'metrics'; source: 'verl' | 'trl' | 'json'; metrics: LogMetrics } | { kind: 'progress'; progress: LogProgress };

/**
 * Turns log lines into metric rows and progress. TRL's dict lines carry no step: the Nth one is
 * stored at step N (logging_steps=1, what the sample run and TRL's GRPO examples use), and the
 * final summary dict (`train_runtime`, ...) at the last step seen. `trlRecords` persists across
 * calls (the supervisor stores it with the log offset) so a reattached parser keeps counting.
 */
export class LogMetricsParser {
  constructor(
    public trlRecords = 0,
    public lastStep: number | null = null,
  ) {}

  feed(line: string): LogRecord[] {
    const { tag, text } = stripLogPrefix(line);
    if (tag === 'sup') return [];
    const json = parseMetricsJson(text);
    if (json) return [this.metrics('json', json)];
    const verl = parseVerlLine(text);
    if (verl) return [this.metrics('verl', verl)];
    const dict = parsePythonDict(text);
    if (dict) {
      if ('train_runtime' in dict) return [this.metrics('trl', { step: this.lastStep ?? this.trlRecords, values: dict })];
      this.trlRecords += 1;
      return [this.metrics('trl', { step: this.trlRecords, values: dict })];
    }
    const progress = parseTqdm(text);
    return progress ? [{ kind: 'progress', progress }] : [];
  }

  private metrics(source: 'verl' | 'trl' | 'json', metrics: LogMetrics): LogRecord {
    if (this.lastStep === null || metrics.step > this.lastStep) this.lastStep = metrics.step;
    return { kind: 'metrics', source, metrics };
  }
}
