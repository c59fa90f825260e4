// The part of Python's ast.literal_eval that model answers and Python-printed values use: GUI-G1
// reads a predicted box with literal_eval (docs/formats.md#vlm-r1-and-gui-g1-debug-logs), so a
// box counts only if literal_eval would have read it, single quotes and trailing commas included.

/** A Python value: numbers, strings, True/False/None, lists and tuples (arrays), dicts and sets. */
export type PyValue = number | boolean | string | null | PyValue[] | PyDict | PySet;

export interface PyDict {
  dict: Array<[PyValue, PyValue]>;
}

export interface PySet {
  set: PyValue[];
}

/** Thrown where literal_eval would raise (ValueError, SyntaxError); the reader treats the answer as unreadable. */
export class NotALiteral extends Error {}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new NotALiteral(`${what} at character ${this.i}`);
  }

  /** Whitespace, line breaks and `#` comments. */
  skip(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else if (c === '#') while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      else return;
    }
  }

  value(): PyValue {
    this.skip();
    const c = this.s[this.i];
    if (c === undefined) this.fail('unexpected end');
    if (c === '[') return this.seq(']');
    if (c === '(') return this.tuple();
    if (c === '{') return this.braces();
    if (c === '"' || c === "'") return this.strings();
    if (c === '-' || c === '+') {
      this.i++;
      const v = this.value();
      if (typeof v !== 'number' && typeof v !== 'boolean') this.fail('sign before a non-number');
      return c === '-' ? -Number(v) : Number(v);
    }
    if (/[0-9.]/.test(c)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.i += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    return this.fail('not a literal');
  }

  seq(close: string): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    for (;;) {
      this.skip();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skip();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected , or ${close}`);
    }
  }

  /** `(x)` is x; `()`, `(x,)` and `(x, y)` are tuples, read as arrays. */
  tuple(): PyValue {
    const start = this.i;
    this.i++;
    this.skip();
    if (this.s[this.i] === ')') {
      this.i++;
      return [];
    }
    const first = this.value();
    this.skip();
    if (this.s[this.i] === ')') {
      this.i++;
      return first;
    }
    this.i = start;
    return this.seq(')');
  }

  braces(): PyDict | PySet {
    this.i++;
    const dict: Array<[PyValue, PyValue]> = [];
    const set: PyValue[] = [];
    for (;;) {
      this.skip();
      if (this.s[this.i] === '}') {
        this.i++;
        // `{}` is an empty dict, as in Python.
        return set.length ? { set } : { dict };
      }
      const key = this.value();
      this.skip();
      if (this.s[this.i] === ':' && !set.length) {
        this.i++;
        dict.push([key, this.value()]);
      } else if (!dict.length) set.push(key);
      else this.fail('mixed dict and set');
      this.skip();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('expected , or }');
    }
  }

  /** Adjacent string literals concatenate, as in Python. Prefixed and triple-quoted strings are not read. */
  strings(): string {
    let out = this.string();
    for (;;) {
      const at = this.i;
      this.skip();
      if (this.s[this.i] !== '"' && this.s[this.i] !== "'") {
        this.i = at;
        return out;
      }
      out += this.string();
    }
  }

  string(): string {
    const q = this.s[this.i]!;
    if (this.s.startsWith(q.repeat(3), this.i)) this.fail('triple-quoted string');
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      this.i++;
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) this.fail('unterminated string');
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        const h = this.s.slice(this.i, this.i + hex);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== hex) this.fail('bad escape');
        out += String.fromCodePoint(parseInt(h, 16));
        this.i += hex;
      } else if (e === '\n') {
        // a backslash-newline continues the string
      } else out += ESCAPES[e] ?? `\\${e}`;
    }
  }

  number(): number {
    const rest = this.s.slice(this.i);
    const based = /^0([xXoObB])([0-9a-fA-F_]+)/.exec(rest);
    if (based) {
      this.i += based[0].length;
      const radix = { x: 16, o: 8, b: 2 }[based[1]!.toLowerCase() as 'x' | 'o' | 'b'];
      const v = parseInt(based[2]!.replace(/_/g, ''), radix);
      if (!Number.isFinite(v)) this.fail('bad number');
      return v;
    }
    const m = /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/.exec(rest);
    if (!m) return this.fail('bad number');
    this.i += m[0].length;
    if (/^[jJ]/.test(this.s.slice(this.i))) this.fail('complex number');
    return Number(m[0].replace(/_/g, ''));
  }
}

/** literal_eval(text): what it returns, or NotALiteral where it raises. Leading spaces and tabs are ignored, as there. */
export function literalEval(text: string): PyValue {
  const r = new Reader(text.replace(/^[ \t]+/, ''));
  const v = r.value();
  r.skip();
  if (r.i !== text.replace(/^[ \t]+/, '').length) r.fail('text after the value');
  return v;
}

/** Python's `a == b` for the keys answers use (numbers, booleans, strings, None). */
function pyEquals(a: PyValue, b: PyValue): boolean {
  const num = (v: PyValue): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);
  const x = num(a);
  const y = num(b);
  if (x !== undefined || y !== undefined) return x === y;
  return a === b;
}

/** `value[key]` as Python indexes lists, tuples, strings and dicts; undefined where Python raises. */
export function pyIndex(value: PyValue, key: PyValue): PyValue | undefined {
  if (Array.isArray(value) || typeof value === 'string') {
    if (typeof key !== 'number' && typeof key !== 'boolean') return undefined;
    const k = Number(key);
    if (!Number.isInteger(k)) return undefined;
    const at = k < 0 ? value.length + k : k;
    return at >= 0 && at < value.length ? value[at] : undefined;
  }
  if (value !== null && typeof value === 'object' && 'dict' in value) {
    // The last of equal keys wins, as when Python builds the dict.
    for (let i = value.dict.length - 1; i >= 0; i--) if (pyEquals(value.dict[i]![0], key)) return value.dict[i]![1];
  }
  return undefined;
}
