// Shared helpers for JSON-lines adapters: parsing with messages that say what is wrong, and field checks.

export type JsonObject = Record<string, unknown>;

/** Parses one line into an object, or returns a message saying why it is not one. */
export function parseObjectLine(text: string): JsonObject | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    // Python's json.dumps writes bare NaN / Infinity, which is not JSON: say so rather than "Unexpected token".
    if (/(^|[^"\w])-?(NaN|Infinity)([^"\w]|$)/.test(text)) {
      return 'malformed JSON: contains a bare NaN or Infinity (Python json.dumps with allow_nan); such values are not allowed';
    }
    const why = e instanceof Error ? e.message : String(e);
    return `malformed JSON: ${why}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return `expected a JSON object, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`;
  }
  return v as JsonObject;
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)})`;
  return typeof v === 'number' ? `the number ${v}` : `a ${typeof v}`;
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isStep(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Checks an optional array of finite numbers; returns an error message or undefined. */
export function checkNumberArray(obj: JsonObject, key: string, integers = false, nullable = false): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return `"${key}" must be an array of numbers, got ${describe(v)}`;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (nullable && x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || (integers && !Number.isInteger(x))) {
      return `"${key}"[${i}] must be ${integers ? 'an integer' : 'a finite number'}, got ${describe(x)}`;
    }
  }
  return undefined;
}

/**
 * A per-token float array in which `null` means "not reported for this token" (JSON has no NaN):
 * it is kept as NaN so views show it as missing, never as 0.
 */
export function floatArrayWithGaps(v: unknown): number[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (x === null ? Number.NaN : (x as number)));
}

/** Collects the numeric entries of an object as metric values (booleans as 0/1, others skipped). */
export function numericEntries(obj: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!obj || typeof obj !== 'object') return out;
  for (const [k, v] of Object.entries(obj as JsonObject)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
  }
  return out;
}

/**
 * The row count of a columnar line (one object of equal-length lists: a trainer's whole step in one
 * line), or a message naming every list with its length when they differ: such a line is one error,
 * since pairing rows of unequal columns would put one sample's reward on another's text.
 */
export function columnarRows(o: JsonObject): number | string {
  const lists = Object.entries(o).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  const lengths = new Set(lists.map(([, v]) => v.length));
  if (lengths.size <= 1) return lists[0]?.[1].length ?? 0;
  return `columns differ in length (${lists.map(([k, v]) => `${k} ${v.length}`).join(', ')}); the step is skipped`;
}

/**
 * The text with Python's bare `NaN` / `Infinity` / `-Infinity` outside strings made `null`, for
 * readers that take such a value as missing (and for detection, which needs only the keys).
 */
export function bareNaNAsNull(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === 'N' || c === 'I' || c === '-') {
      const m = /^-?(?:NaN|Infinity)/.exec(text.slice(i, i + 9));
      if (m) {
        out += text.slice(from, i) + 'null';
        i += m[0].length - 1;
        from = i + 1;
      }
    }
  }
  return out + text.slice(from);
}
